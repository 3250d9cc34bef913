import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'

import type { CatalogueOptions } from '../catalogue/dataset.routes.js'
import { loadVisibleResource } from '../catalogue/resource.routes.js'
import { decodeCursor, encodeCursor } from '../http/cursor.js'
import { AppError } from '../http/errors.js'
import { idParams, pageMeta, pageQuery, problems } from '../http/schemas.js'
import { readColumns } from '../ingest/revision.model.js'
import { parseFilters, parseOrder } from './filters.js'
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
    const limit = Math.min(request.query.limit ?? config.PAGE_SIZE_DEFAULT, config.PAGE_SIZE_MAX)

    // The cursor is bound to the revision and order it was taken under.
    const tag = `${resource.current_revision_id}:${request.query.order ?? ''}`
    const after = request.query.cursor === undefined
      ? undefined
      : cursorPosition(decodeCursor(tag, request.query.cursor), order.length)

    const table = resource.table_name
    const [rows, total] = await Promise.all([
      selectRecords(db, { table, columns, filters, order, limit, after }),
      countRecords(db, table, filters)
    ])

    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const next = rows.length > limit && last !== undefined
      ? encodeCursor(tag, [...order.map((_, i) => last[`k${i}`] ?? null), last._row])
      : null

    return reply
      .type('application/json; charset=utf-8')
      .send(recordsJson(page, columns, total, next))
  })
}

function cursorPosition(values: unknown[], keys: number) {
  const row = values[keys]
  const sortValues = values.slice(0, keys)
  const textOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string'
  if (values.length !== keys + 1 || typeof row !== 'string' || !/^\d{1,19}$/.test(row) ||
    !sortValues.every(textOrNull)) {
    throw new AppError('CURSOR_INVALID', 'The cursor does not match this query.')
  }
  return { values: sortValues, row }
}
