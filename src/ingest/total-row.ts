import type pg from 'pg'

import type { InferredFormat } from './infer.js'
import type { SemanticKind } from './semantics.js'
import { outcomeOf } from './copy-with-types.js'
import {
  convertColumns, deleteRow, lastRowIsTotal, narrowToIntegers
} from './ingest-table.queries.js'
import type { ParsedTable } from './loader.js'
import type { ColumnProfileResult } from './profile.js'
import { TEXT } from './rows.js'

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
// It is not data: when the last row is provably a total, it is deleted, and the
// row count and every column's outcome are taken as they stood before that row
// was read: a `Total` label no longer makes an `Année` column text, nor hides a
// column of INSEE codes, nor stands as a text column's maximum.
export async function removeTotalRow(
  client: pg.PoolClient,
  table: string,
  parsed: ParsedTable,
  columns: ColumnOutcome[],
  settings: { forcedDecimal: '.' | ',' | undefined; nullMarkers: string[] }
): Promise<number> {
  const isNumber = (c: ColumnOutcome) => c.format.type === 'integer' || c.format.type === 'decimal'
  const numeric = columns.filter(isNumber).map((c) => c.physical)
  const texts = columns.filter((c) => c.format.type === 'text').map((c) => c.physical)
  const others = columns
    .filter((c) => !isNumber(c) && c.format.type !== 'text')
    .map((c) => c.physical)
  // The profiles before the last row exist whenever the file has a data row.
  const before = parsed.withoutLastRow
  if (before === undefined ||
    !(await lastRowIsTotal(client, table, parsed.rowCount, numeric, texts, others))) {
    return parsed.rowCount
  }

  await deleteRow(client, table, parsed.rowCount)
  await restoreOutcomes(client, table, columns, before, settings)
  parsed.warnings.add({
    code: 'TOTAL_ROW_REMOVED',
    message: 'The last line sums the columns above it; it was left out of the rows.',
    line: parsed.lastLine
  })
  return parsed.rowCount - 1
}

// Each column as the rows above the total make it. A column that the total's label
// made text gets its type back, converted in place; one that only the total made
// decimal (`60,00` under integers) is integer again. Other typed columns keep the
// type they were loaded with.
async function restoreOutcomes(
  client: pg.PoolClient,
  table: string,
  columns: ColumnOutcome[],
  before: ColumnProfileResult[],
  settings: { forcedDecimal: '.' | ',' | undefined; nullMarkers: string[] }
): Promise<void> {
  const conversions = []
  const integers = []
  for (const [i, column] of columns.entries()) {
    const profile = before[i]
    if (profile === undefined) throw new Error('a column has no profile before its total')
    const outcome = outcomeOf(column.physical, profile, settings.forcedDecimal)
    const [loaded, wanted] = [column.format.type, outcome.format.type]
    if (loaded === 'text' && wanted !== 'text') {
      conversions.push({ physical: column.physical, loaded: TEXT, format: outcome.format })
    } else if (loaded === 'decimal' && wanted === 'integer') {
      integers.push(column.physical)
    } else if (loaded !== 'text') {
      outcome.format = column.format
    }
    Object.assign(column, outcome)
  }
  await convertColumns(client, table, conversions, settings.nullMarkers)
  await narrowToIntegers(client, table, integers)
}
