import type { StoredColumn } from '../ingest/revision.model.js'

const EXACT_NUMBER = /^-?\d+(\.\d+)?$/

// Rows are written as JSON by hand so that integers and decimals keep every
// digit: PostgreSQL's text for a numeric is already a valid JSON number, which
// a round trip through a JavaScript double would round.
export function recordsJson(
  rows: Array<Record<string, unknown>>,
  columns: StoredColumn[],
  total: number,
  nextCursor: string | null
): string {
  const names = columns.map((c) => JSON.stringify(c.name))
  const numeric = columns.map((c) => c.type === 'integer' || c.type === 'decimal')

  const items = rows.map((row) => {
    const fields = columns.map((_, i) => {
      const value = row[`v${i}`]
      const text = numeric[i] && typeof value === 'string' && EXACT_NUMBER.test(value)
        ? value
        : JSON.stringify(value ?? null)
      return `${names[i]}:${text}`
    })
    return `{${fields.join(',')}}`
  })

  return `{"data":[${items.join(',')}],"total":${total},` +
    `"next_cursor":${JSON.stringify(nextCursor)}}`
}
