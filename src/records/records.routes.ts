import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'
import type { FromSchema } from 'json-schema-to-ts'

import type { CatalogueOptions } from '../catalogue/dataset.routes.js'
import type { ResourceWithRevision } from '../catalogue/resource.queries.js'
import { loadVisibleResource } from '../catalogue/resource.routes.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
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

const recordsPageSchema = {
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
      response: { 200: recordsPageSchema, ...problems(400, 404) }
    }
  }, async (request, reply) => {
    // A load that finishes meanwhile may drop the table read a moment ago (with
    // REVISIONS_KEPT=1): the resource is read again and the query retried once.
    const load = () => loadVisibleResource(db, request.actor, request.params.id)
    const answer = await queryRecords(db, config, await load(), request.query).catch(
      async (error: unknown) => {
        if ((error as { code?: unknown } | null)?.code !== UNDEFINED_TABLE) throw error
        return queryRecords(db, config, await load(), request.query)
      }
    )
    return reply.type('application/json; charset=utf-8').send(answer)
  })
}

const UNDEFINED_TABLE = '42P01'

type RecordsQueryString = FromSchema<typeof recordsQuery> & Record<string, unknown>

async function queryRecords(
  db: Db,
  config: Config,
  resource: ResourceWithRevision,
  query: RecordsQueryString
): Promise<string> {
  if (resource.table_name === null) {
    throw new AppError('NO_DATA', 'No data has been loaded into this resource yet.')
  }

  const columns = readColumns(resource.columns)
  const filters = parseFilters(query, columns)
  const order = parseOrder(query.order, columns)
  const limit = pageSize(query.limit, config)

  // The cursor is bound to the resource, revision and order it was taken under.
  // Taken from this resource under the same order before it was loaded again, it is
  // told apart, so that a client paging through the rows knows to start again.
  const orderText = query.order ?? ''
  const tag = `${resource.id}/${resource.current_revision_id}:${orderText}`
  const stale = (given: string) => {
    const [at, ...rest] = given.split(':')
    return at?.startsWith(`${resource.id}/`) === true && rest.join(':') === orderText
      ? 'The rows changed since this cursor was given (the resource was loaded again): ' +
        'start again from the first page.'
      : undefined
  }
  const after = query.cursor === undefined
    ? undefined
    : cursorPosition(decodeCursor(tag, query.cursor, stale), order)

  const table = resource.table_name
  const [rows, total] = await Promise.all([
    selectRecords(db, { table, columns, filters, order, limit, after }),
    countRecords(db, table, filters)
  ])

  const keyOf = (row: (typeof rows)[number]) => [...order.map((_, i) => {
    const value = row[`k${i}`] ?? null
    return typeof value === 'string' && value.length > CURSOR_VALUE_MAX ? true : value
  }), row.row_key]
  const page = pageOf(rows, limit, tag, keyOf)
  return recordsJson(page.data, columns, total, page.next_cursor)
}

// A sort value longer than this is not carried in the cursor, which the next page's
// URL must hold (16 KB at most): the cursor says `true`, and the value is read again
// from the row it names.
const CURSOR_VALUE_MAX = 1000

function cursorPosition(values: unknown[], order: OrderKey[]) {
  const keys = order.length
  const row = values[keys]
  const sortValues = values.slice(0, keys)
  const valid = (v: unknown, i: number): v is string | null | true => {
    const column = order[i]?.column
    return v === null || v === true ||
      (typeof v === 'string' && column !== undefined && isCursorValue(column, v))
  }
  if (values.length !== keys + 1 || typeof row !== 'string' || !/^\d{1,19}$/.test(row) ||
    !fitsInt64(row) || !sortValues.every(valid)) {
    throw new AppError('CURSOR_INVALID', 'The cursor does not match this query.')
  }
  return { values: sortValues, row }
}
