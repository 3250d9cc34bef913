import type pg from 'pg'

import type { InferredFormat } from './infer.js'
import type { SemanticKind } from './semantics.js'
import { columnStats, deleteRow, lastRowIsTotal } from './ingest-table.queries.js'
import type { ParsedTable } from './loader.js'

export interface ColumnOutcome {
  physical: string
  format: InferredFormat
  nullCount: number
  min?: string | undefined
  max?: string | undefined
  kind: SemanticKind | null
  personal: boolean
  distinct: number
}

// Exports from spreadsheets often end with a total line (`;;;19 256 523 €`, or
// `Total;1 077 584,06;;`).
// It is not data: when the last row is provably a total, it is deleted, the
// row count and the column statistics are corrected, and the report says so.
export async function removeTotalRow(
  client: pg.PoolClient,
  table: string,
  parsed: ParsedTable,
  columns: ColumnOutcome[]
): Promise<number> {
  const isNumber = (c: ColumnOutcome) => c.format.type === 'integer' || c.format.type === 'decimal'
  const numeric = columns.filter(isNumber).map((c) => c.physical)
  const texts = columns.filter((c) => c.format.type === 'text').map((c) => c.physical)
  const others = columns
    .filter((c) => !isNumber(c) && c.format.type !== 'text')
    .map((c) => c.physical)
  if (!(await lastRowIsTotal(client, table, parsed.rowCount, numeric, texts, others))) {
    return parsed.rowCount
  }

  await deleteRow(client, table, parsed.rowCount)
  for (const column of columns) {
    const stats = await columnStats(client, table, column.physical, isNumber(column))
    column.nullCount = stats.nulls
    if (isNumber(column)) {
      column.min = stats.min ?? undefined
      column.max = stats.max ?? undefined
    }
  }
  parsed.warnings.add({
    code: 'TOTAL_ROW_REMOVED',
    message: 'The last line sums the columns above it; it was left out of the rows.',
    line: parsed.lastLine
  })
  return parsed.rowCount - 1
}
