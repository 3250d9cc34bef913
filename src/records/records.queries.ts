import { type RawBuilder, sql } from 'kysely'

import type { Db } from '../db/database.js'
import { INGEST_SCHEMA, isTableName } from '../ingest/identifiers.js'
import type { ColumnKind, StoredColumn } from '../ingest/revision.model.js'
import type { Filter, OrderKey } from './filters.js'

const CAST: Record<ColumnKind, string> = {
  integer: 'bigint',
  decimal: 'numeric',
  date: 'date',
  timestamp: 'timestamptz',
  boolean: 'boolean',
  text: 'text'
}

export interface RecordsQuery {
  table: string
  columns: StoredColumn[]
  filters: Filter[]
  order: OrderKey[]
  limit: number
  // Sort values of the last row sent (text, as selected below) and its _row; `true`
  // for a value too long to carry, read again from that row (see CURSOR_VALUE_MAX).
  after?: { values: Array<string | null | true>; row: string } | undefined
}

function ref(column: StoredColumn): RawBuilder<unknown> {
  return sql.ref(column.physical)
}

function castOf(column: StoredColumn): string {
  return column.type === 'timestamp' && column.zoned === false ? 'timestamp' : CAST[column.type]
}

function param(column: StoredColumn, value: string): RawBuilder<unknown> {
  return sql`${value}::${sql.raw(castOf(column))}`
}

// Values leave the database as text in one fixed format whatever the server's
// DateStyle or TimeZone, so the API answers the same everywhere.
function output(column: StoredColumn): RawBuilder<unknown> {
  const c = ref(column)
  switch (column.type) {
    case 'integer':
    case 'decimal':
      return sql`${c}::text`
    case 'date':
      return sql`to_char(${c}, 'YYYY-MM-DD')`
    case 'timestamp':
      return column.zoned === false
        ? sql`to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`
        : sql`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    case 'boolean':
    case 'text':
      return c
  }
}

function condition(f: Filter): RawBuilder<unknown> {
  const c = ref(f.column)
  const v = f.values[0] ?? ''
  switch (f.op) {
    case 'eq': return sql`${c} = ${param(f.column, v)}`
    case 'ne': return sql`${c} is distinct from ${param(f.column, v)}`
    case 'lt': return sql`${c} < ${param(f.column, v)}`
    case 'lte': return sql`${c} <= ${param(f.column, v)}`
    case 'gt': return sql`${c} > ${param(f.column, v)}`
    case 'gte': return sql`${c} >= ${param(f.column, v)}`
    case 'null': return v === 'true' ? sql`${c} is null` : sql`${c} is not null`
    case 'in':
      return sql`${c} in (${sql.join(f.values.map((x) => param(f.column, x)))})`
  }
}

function whereClause(filters: Filter[]): RawBuilder<unknown> {
  if (filters.length === 0) return sql`true`
  return sql.join(filters.map(condition), sql` and `)
}

// Keyset pagination over any order, nulls last: the rows strictly after the
// cursor are those equal on the first i keys and after it on key i, for some i,
// with the row number as the final, unique key.
function afterClause(
  table: RawBuilder<unknown>,
  order: OrderKey[],
  after: NonNullable<RecordsQuery['after']>
) {
  const alternatives: RawBuilder<unknown>[] = []
  const equalSoFar: RawBuilder<unknown>[] = []

  order.forEach((key, i) => {
    const c = ref(key.column)
    const v = after.values[i] ?? null
    if (v !== null) {
      // A revision's table never changes: the row the cursor names still holds it.
      const value = v === true
        ? sql`(select ${c} from ${table} where _row = ${after.row}::bigint)`
        : param(key.column, v)
      const beyond = key.descending ? sql`${c} < ${value}` : sql`${c} > ${value}`
      alternatives.push(sql.join([...equalSoFar, sql`(${beyond} or ${c} is null)`], sql` and `))
      equalSoFar.push(sql`${c} = ${value}`)
    } else {
      equalSoFar.push(sql`${c} is null`)
    }
  })

  alternatives.push(sql.join([...equalSoFar, sql`_row > ${after.row}::bigint`], sql` and `))
  return sql`(${sql.join(alternatives.map((a) => sql`(${a})`), sql` or `)})`
}

export async function selectRecords(db: Db, q: RecordsQuery) {
  if (!isTableName(q.table)) throw new Error(`not an ingest table: ${q.table}`)
  const table = sql.table(`${INGEST_SCHEMA}.${q.table}`)

  const values = q.columns.map((c, i) => sql`${output(c)} as ${sql.ref(`v${i}`)}`)
  // Sort keys go into the cursor as text, booleans included.
  const keys = q.order.map((k, i) => sql`${ref(k.column)}::text as ${sql.ref(`k${i}`)}`)
  const orderBy = [
    ...q.order.map((k) => {
      const direction = sql.raw(k.descending ? 'desc' : 'asc')
      return sql`${ref(k.column)} ${direction} nulls last`
    }),
    sql`_row asc`
  ]
  const where = q.after === undefined
    ? whereClause(q.filters)
    : sql`${whereClause(q.filters)} and ${afterClause(table, q.order, q.after)}`

  // ORDER BY names the table's _row column, which no output alias may shadow: an
  // alias `_row` of type text would sort 1, 10, 100, 2… and break the cursor.
  const result = await sql<Record<string, string | boolean | null>>`
    select _row::text as row_key, ${sql.join([...values, ...keys])}
    from ${table}
    where ${where}
    order by ${sql.join(orderBy)}
    limit ${q.limit + 1}`.execute(db)
  return result.rows
}

export async function countRecords(db: Db, table: string, filters: Filter[]): Promise<number> {
  if (!isTableName(table)) throw new Error(`not an ingest table: ${table}`)
  const result = await sql<{ n: string }>`
    select count(*) as n from ${sql.table(`${INGEST_SCHEMA}.${table}`)}
    where ${whereClause(filters)}`.execute(db)
  return Number(result.rows[0]?.n ?? 0)
}
