import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'

import type { CatalogueOptions } from '../catalogue/dataset.routes.js'
import { loadVisibleResource } from '../catalogue/resource.routes.js'
import { decodeCursor } from '../http/cursor.js'
import { AppError } from '../http/errors.js'
import { pageOf, pageSize } from '../http/pagination.js'
import { idParams, pageMeta, pageQuery, problems } from '../http/schemas.js'
import { readColumns } from '../ingest/revision.model.js'
import { fitsInt64, isCursorValue, type OrderKey, parseFilters, parseOrder } from './filters.js'
import { countRecords, selectRecords } from './records.queries.js'
import { recordsJson } from './records.json.js'

const recordsQuery = {
  type: 'object',
  properties: {
    ...pageQuery,
    order: {
      type: 'string',
      description: 'Comma-separated column names; prefix with - for descending: `-montant,nom`.'
    }
  },
  patternProperties: {
    '^where\\[': {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description:
        'Filters: `where[col]=v`, `where[col][op]=v` with op among eq, ne, lt, lte, gt, ' +
        'gte, in (repeat the parameter for each value), null (true or false).'
    }
  },
  additionalProperties: false
} as const

const recordsPage = {
  type: 'object',
  properties: {
    data: {
      type: 'array',
      items: { type: 'object', additionalProperties: true },
      description: 'Rows keyed by column API name. Integers and decimals are exact JSON ' +
        'numbers, dates YYYY-MM-DD, timestamps ISO 8601 in UTC.'
    },
    ...pageMeta
  },
  required: ['data', 'total', 'next_cursor']
} as const

export default async function recordRoutes(app: FastifyInstance, opts: CatalogueOptions) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db, config } = opts

  api.get('/resources/:id/records', {
    schema: {
      summary: 'Query the rows of a resource',
      description:
        'Filter, order and page through the rows of the served revision. Pages are ' +
        'keyset-paginated: pass `next_cursor` back as `cursor` with the same filters and order.',
      tags: ['resources'],
      params: idParams,
      querystring: recordsQuery,
      response: { 200: recordsPage, ...problems(400, 404) }
    }
  }, async (request, reply) => {
    const resource = await loadVisibleResource(db, request.actor, request.params.id)
    if (resource.table_name === null) {
      throw new AppError('NO_DATA', 'No data has been loaded into this resource yet.')
    }

    const columns = readColumns(resource.columns)
    const filters = parseFilters(request.query, columns)
    const order = parseOrder(request.query.order, columns)
    const limit = pageSize(request.query.limit, config)

    // The cursor is bound to the revision and order it was taken under.
    const tag = `${resource.current_revision_id}:${request.query.order ?? ''}`
    const after = request.query.cursor === undefined
      ? undefined
      : cursorPosition(decodeCursor(tag, request.query.cursor), order)

    const table = resource.table_name
    const [rows, total] = await Promise.all([
      selectRecords(db, { table, columns, filters, order, limit, after }),
      countRecords(db, table, filters)
    ])

    const keyOf = (row: (typeof rows)[number]) =>
      [...order.map((_, i) => row[`k${i}`] ?? null), row.row_key]
    const page = pageOf(rows, limit, tag, keyOf)

    return reply
      .type('application/json; charset=utf-8')
      .send(recordsJson(page.data, columns, total, page.next_cursor))
  })
}

function cursorPosition(values: unknown[], order: OrderKey[]) {
  const keys = order.length
  const row = values[keys]
  const sortValues = values.slice(0, keys)
  const valid = (v: unknown, i: number): v is string | null => {
    const column = order[i]?.column
    return v === null || (typeof v === 'string' && column !== undefined && isCursorValue(column, v))
  }
  if (values.length !== keys + 1 || typeof row !== 'string' || !/^\d{1,19}$/.test(row) ||
    !fitsInt64(row) || !sortValues.every(valid)) {
    throw new AppError('CURSOR_INVALID', 'The cursor does not match this query.')
  }
  return { values: sortValues, row }
}
