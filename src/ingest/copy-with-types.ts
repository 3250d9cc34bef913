import type { FastifyBaseLogger as Logger } from 'fastify'
import type pg from 'pg'

import { copyFileIntoTable, type LoadInput, type ParsedTable } from './loader.js'
import type { ColumnProfileResult } from './profile.js'
import type { ColumnOutcome } from './total-row.js'
import { GuessMissed, loadStands, withForcedDecimal } from './typed-load.js'

export type CopyInput = Omit<LoadInput, 'guessTypes'>

export interface Copied {
  parsed: ParsedTable
  outcomes: ColumnOutcome[]
}

// Copied with the types guessed from the first rows when they hold for the
// whole file; otherwise copied again as text, to be converted (typed-load.ts).
// Runs inside the caller's transaction.
export async function copyWithTypes(
  client: pg.PoolClient,
  input: CopyInput,
  log: Logger
): Promise<Copied> {
  await client.query('savepoint guessed_types')
  try {
    const parsed = await copyFileIntoTable(client, { ...input, guessTypes: true })
    const outcomes = outcomesOf(parsed, input.forcedDecimal)
    const loaded = parsed.columns.map((c) => c.loaded)
    if (loadStands(loaded, outcomes.map((o) => o.format))) return { parsed, outcomes }
    log.info('guessed types changed by later rows; copying again as text')
  } catch (error) {
    if (!(error instanceof GuessMissed)) throw error
    log.info({ column: error.column, line: error.line }, 'guessed type missed; copying as text')
  }

  await client.query('rollback to savepoint guessed_types')
  const parsed = await copyFileIntoTable(client, { ...input, guessTypes: false })
  return { parsed, outcomes: outcomesOf(parsed, input.forcedDecimal) }
}

function outcomesOf(parsed: ParsedTable, decimal: '.' | ',' | undefined): ColumnOutcome[] {
  return parsed.columns.map((c) => outcomeOf(c.physical, c.profile, decimal))
}

// What a column's profile makes of it, as the load reports it.
export function outcomeOf(
  physical: string,
  profile: ColumnProfileResult,
  decimal: '.' | ',' | undefined
): ColumnOutcome {
  const { nullCount, min, max, kind, personal, distinct } = profile
  const format = withForcedDecimal(profile.format, decimal)
  return { physical, format, nullCount, min, max, kind, personal, distinct }
}
