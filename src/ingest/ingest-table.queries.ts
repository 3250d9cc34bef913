import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Writable } from 'node:stream'

import { columnSql, literalSql, tableSql } from './identifiers.js'
import type { InferredFormat } from './infer.js'

// SQL over the per-revision tables. These run on one dedicated client inside the
// load's transaction: if the process dies half-way, PostgreSQL rolls the whole
// table back and nothing half-built remains.

// `_row` pages rows in file order. Its key is built as rows arrive, rather than
// after the copy: PostgreSQL does that work while it waits for the parser, and
// rows come in key order, which a B-tree appends cheaply.
export async function createTable(
  client: pg.PoolClient,
  table: string,
  columns: Array<{ name: string; format: InferredFormat }>
): Promise<void> {
  const defs = columns.map((c) => `${columnSql(c.name)} ${sqlType(c.format)}`).join(', ')
  await client.query(`create table ${tableSql(table)} (_row bigint primary key, ${defs})`)
}

export function copyRows(client: pg.PoolClient, table: string, columns: string[]): Writable {
  const list = ['_row', ...columns.map(columnSql)].join(', ')
  return client.query(copyFrom(`copy ${tableSql(table)} (${list}) from stdin`))
}

export interface Conversion {
  physical: string
  // As copied, and as inferred from the whole file.
  loaded: InferredFormat
  format: InferredFormat
}

// Columns copied as text whose values, all read, turned out typed: one ALTER
// rewrites the table with each converted. The inference already checked every
// value, so these conversions cannot fail on data they have not seen.
export async function convertColumns(
  client: pg.PoolClient,
  table: string,
  conversions: Conversion[],
  nullMarkers: string[]
): Promise<void> {
  const clauses = conversions
    .filter((c) => c.loaded.type === 'text' && c.format.type !== 'text')
    .map((c) => {
      const expr = conversionSql(columnSql(c.physical), c.format, nullMarkers)
      return `alter column ${columnSql(c.physical)} type ${sqlType(c.format)} using ${expr}`
    })

  if (clauses.length === 0) return
  await client.query(`alter table ${tableSql(table)} ${clauses.join(', ')}`)
}

// Decimal columns whose values are all integers once a total row is gone: exact.
export async function narrowToIntegers(client: pg.PoolClient, table: string, columns: string[]) {
  if (columns.length === 0) return
  const clauses = columns.map((c) => `alter column ${columnSql(c)} type bigint ` +
    `using ${columnSql(c)}::bigint`)
  await client.query(`alter table ${tableSql(table)} ${clauses.join(', ')}`)
}

export function sqlType(format: InferredFormat): string {
  switch (format.type) {
    case 'integer': return 'bigint'
    case 'decimal': return 'numeric'
    case 'date': return 'date'
    case 'timestamp': return format.offset ? 'timestamptz' : 'timestamp'
    case 'boolean': return 'boolean'
    case 'text': return 'text'
  }
}

// Thousands separators a French export may use: space, no-break space, narrow
// no-break space; and the euro sign some spreadsheets append.
const STRIP = `' ' || chr(160) || chr(8239) || chr(8364)`

function conversionSql(col: string, format: InferredFormat, nullMarkers: string[]): string {
  const value = valueSql(col, format)
  if (nullMarkers.length === 0) return value
  return `case when ${col} in (${nullMarkers.map(literalSql).join(', ')}) then null ` +
    `else ${value} end`
}

function valueSql(col: string, format: InferredFormat): string {
  switch (format.type) {
    case 'integer':
      return `translate(${col}, ${STRIP}, '')::bigint`
    case 'decimal': {
      const bare = `translate(${col}, ${STRIP}, '')`
      return format.decimalMark === ',' ? `replace(${bare}, ',', '.')::numeric` : `${bare}::numeric`
    }
    case 'date': {
      const sep = format.separator
      const pattern = format.order === 'dmy' ? `DD${sep}MM${sep}YYYY` : `YYYY${sep}MM${sep}DD`
      return `to_date(${col}, ${literalSql(pattern)})`
    }
    case 'timestamp':
      return `${col}::${format.offset ? 'timestamptz' : 'timestamp'}`
    case 'boolean':
      return `lower(${col}) in ('true', 'oui', 'vrai')`
    case 'text':
      return col
  }
}

// Dropping a column only marks it in the catalogue: no row is rewritten.
export async function dropColumns(
  client: pg.PoolClient,
  table: string,
  columns: string[]
): Promise<void> {
  if (columns.length === 0) return
  const drops = columns.map((c) => `drop column ${columnSql(c)}`).join(', ')
  await client.query(`alter table ${tableSql(table)} ${drops}`)
}

export async function dropTable(client: pg.PoolClient | pg.Pool, table: string): Promise<void> {
  await client.query(`drop table if exists ${tableSql(table)}`)
}

export async function listIngestTables(pool: pg.Pool): Promise<string[]> {
  const result = await pool.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = 'ingest'`
  )
  return result.rows.map((r) => r.name)
}

// Whether the last row is a spreadsheet total. All of: every non-numeric cell is
// empty or a "Total" label; each of its numbers equals the sum of its column
// over all the rows above, and one of them is not zero; and something marks it
// out as a total: a "Total" label, or an empty cell in a column that is never
// empty above. (A plain column 1, 2, 3 is not a total of 1 + 2.)
export async function lastRowIsTotal(
  client: pg.PoolClient,
  table: string,
  lastRow: number,
  numeric: string[],
  texts: string[],
  others: string[]
): Promise<boolean> {
  if (numeric.length === 0 || lastRow < 3) return false
  const l = (c: string) => `l.${columnSql(c)}`
  const s = (c: string) => `s.${columnSql(c)}`
  // Alias of a column's non-null count; columnSql checks the name first.
  const n = (c: string) => `"${columnSql(c).slice(1, -1)}_n"`
  const isLabel = (c: string) => `coalesce(${l(c)} ~* '^(sous-)?(total|totaux)\\M', false)`
  const nonNumeric = [...texts, ...others]

  const alone = [
    ...texts.map((c) => `(${l(c)} is null or ${isLabel(c)})`),
    ...others.map((c) => `${l(c)} is null`),
    `(${numeric.map((c) => `coalesce(${l(c)} <> 0, false)`).join(' or ')})`
  ]
  // Most last rows fail on their own (a name, a date): the sums over the whole
  // table, a full scan, are computed only for a row that may be a total.
  const candidate = await client.query<{ total: boolean | null }>(
    `select ${alone.join(' and ')} as total from ${tableSql(table)} l where _row = $1`,
    [lastRow]
  )
  if (candidate.rows[0]?.total !== true) return false

  const shape = [...alone, ...numeric.map((c) => `(${l(c)} is null or ${l(c)} = ${s(c)})`)]
  // Over two rows only, an id column (1, 2, then 3) sums by chance: a `Total`
  // label must say it.
  const marks = [
    ...texts.map(isLabel),
    ...(lastRow < 4 ? [] : nonNumeric.map((c) => `(${l(c)} is null and s.${n(c)} = s.n)`))
  ]
  const aggregates = [
    'count(*) as n',
    ...numeric.map((c) => `sum(${columnSql(c)}) as ${columnSql(c)}`),
    ...nonNumeric.map((c) => `count(${columnSql(c)}) as ${n(c)}`)
  ]

  const result = await client.query<{ total: boolean | null }>(
    `select ${shape.join(' and ')} and (${marks.join(' or ') || 'false'}) as total
     from (select * from ${tableSql(table)} where _row = $1) l,
          (select ${aggregates.join(', ')} from ${tableSql(table)} where _row < $1) s`,
    [lastRow]
  )
  return result.rows[0]?.total === true
}

export async function deleteRow(client: pg.PoolClient, table: string, row: number) {
  await client.query(`delete from ${tableSql(table)} where _row = $1`, [row])
}
