// The only place that names the SQL objects holding ingested rows. Names are
// generated from our own ids and positions and checked again when read back,
// so no user text and no corrupted value ever reaches SQL as an identifier.
export const INGEST_SCHEMA = 'ingest'

const TABLE = /^rev_[0-9a-f]{32}$/
const COLUMN = /^c[1-9][0-9]{0,4}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function tableNameFor(revisionId: string): string {
  if (!UUID.test(revisionId)) throw new Error(`not a revision id: ${revisionId}`)
  return `rev_${revisionId.replaceAll('-', '')}`
}

export function physicalColumn(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 99_999) {
    throw new Error(`column index out of range: ${index}`)
  }
  return `c${index + 1}`
}

export function isTableName(name: string): boolean {
  return TABLE.test(name)
}

// Quoted, schema-qualified table name for SQL text.
export function tableSql(name: string): string {
  if (!TABLE.test(name)) throw new Error(`not an ingest table name: ${name}`)
  return `${INGEST_SCHEMA}."${name}"`
}

export function columnSql(name: string): string {
  if (!COLUMN.test(name)) throw new Error(`not a physical column name: ${name}`)
  return `"${name}"`
}

// A string literal for the few places where SQL takes no parameters (DDL such as
// ALTER TABLE … USING). standard_conforming_strings is on in every supported
// PostgreSQL, so doubling single quotes is the whole escaping; NUL cannot occur.
export function literalSql(value: string): string {
  if (value.includes('\0')) throw new Error('NUL in SQL literal')
  return `'${value.replaceAll("'", "''")}'`
}
