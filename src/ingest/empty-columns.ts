import type pg from 'pg'

import { dropColumns } from './ingest-table.queries.js'
import type { ParsedTable } from './loader.js'
import type { ColumnOutcome } from './total-row.js'

// Exports often end every line with a separator, the header's included (`nom;montant;`):
// read as written, each such file gained a column without a name and without a value,
// `column_3`, null on every row of the API. A column is left out when it has neither:
// no header names it (an empty header cell, or a file without a header) and no row holds
// a value in it (a null marker is a value here: it was written). A named column stays,
// empty or not, as does an unnamed one that holds anything.
export async function dropEmptyColumns(
  client: pg.PoolClient,
  table: string,
  parsed: ParsedTable,
  outcomes: ColumnOutcome[],
  header: boolean
): Promise<{ parsed: ParsedTable; outcomes: ColumnOutcome[] }> {
  const empty = parsed.columns.map((c) =>
    (!header || c.label.trim() === '') && c.profile.nonNullCount === 0)
  if (!empty.includes(true)) return { parsed, outcomes }

  await dropColumns(client, table, parsed.columns.filter((_, i) => empty[i]).map((c) => c.physical))
  for (const [i, column] of parsed.columns.entries()) {
    if (!empty[i]) continue
    parsed.warnings.add({
      code: 'EMPTY_COLUMN_DROPPED',
      message: `Column ${i + 1} has no name and no value in any row: left out ` +
        `(${column.name}).`
    })
  }
  return {
    parsed: { ...parsed, columns: parsed.columns.filter((_, i) => !empty[i]) },
    outcomes: outcomes.filter((_, i) => !empty[i])
  }
}
