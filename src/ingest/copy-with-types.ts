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

// Passes with guessed types before the whole file is copied as text.
const TYPED_ATTEMPTS = 3

// Copied with the types guessed from the first rows when they hold for the
// whole file. A column whose guess misses is copied as text on the next pass, the
// others keep theirs: a file of a thousand integer columns, one `1.5` far down,
// stays narrow enough to store, and only that column is converted afterwards
// (typed-load.ts). Past TYPED_ATTEMPTS passes, every column is copied as text.
// Runs inside the caller's transaction.
export async function copyWithTypes(
  client: pg.PoolClient,
  input: CopyInput,
  log: Logger
): Promise<Copied> {
  const textColumns: string[] = []
  for (let attempt = 1; attempt <= TYPED_ATTEMPTS; attempt++) {
    await client.query('savepoint guessed_types')
    try {
      const parsed = await copyFileIntoTable(client, { ...input, guessTypes: true, textColumns })
      const outcomes = outcomesOf(parsed, input.forcedDecimal)
      const missed = parsed.columns
        .filter((c, i) => !loadStands([c.loaded], [outcomes[i]?.format ?? c.loaded]))
        .map((c) => c.name)
      if (missed.length === 0) return { parsed, outcomes }
      log.info({ columns: missed }, 'guessed types changed by later rows; copying them as text')
      textColumns.push(...missed)
    } catch (error) {
      if (!(error instanceof GuessMissed)) throw error
      log.info({ column: error.column, line: error.line }, 'guessed type missed; copying as text')
      textColumns.push(error.column)
    }
    await client.query('rollback to savepoint guessed_types')
  }

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
  const { kind, personal, distinct } = profile
  const format = withForcedDecimal(profile.format, decimal)
  // Decimals written with the other mark than the one forced stay text, as written.
  const figures = format === profile.format ? profile : profile.asText ?? profile
  const { nullCount, min, max } = figures
  return { physical, format, nullCount, min, max, kind, personal, distinct }
}
