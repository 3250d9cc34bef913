import { once } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'

import type pg from 'pg'

import { AppError } from '../http/errors.js'
import { type Dialect, headerTest, isBlankRecord } from './dialect.js'
import { readRecords } from './csv-reader.js'
import type { EncodingResult } from './encoding.js'
import { copyRows, createTable } from './ingest-table.queries.js'
import { WarningLog } from './report.js'
import {
  buildColumns, heldLine, type HeldRow, type Limits, type LoadedColumn, readRow, rowLine, TEXT
} from './rows.js'
import {
  cellEncoder, GUESS_CHARS, GUESS_ROWS, GuessMissed, withForcedDecimal
} from './typed-load.js'

export type { Limits, LoadedColumn } from './rows.js'

export interface ParsedTable {
  columns: LoadedColumn[]
  rowCount: number
  headerLine: number
  // The line where the last data row starts.
  lastLine: number
  skipped: { blank: number; repeatedHeader: number; preamble: number }
  warnings: WarningLog
}

// Rows go to COPY in batches of about this many characters: fewer, larger
// writes are much cheaper than one write per row.
const BATCH_CHARS = 1 << 16

export interface LoadInput {
  // The file's bytes from the start: the stored file, or the upload as it
  // arrives. Called again for each attempt (see typed-load.ts).
  open: () => Readable | Promise<Readable>
  table: string
  encoding: EncodingResult
  dialect: Dialect
  limits: Limits
  nullMarkers: string[]
  // Copy typed values guessed from the first rows (see typed-load.ts), or text.
  guessTypes: boolean
  forcedDecimal: '.' | ',' | undefined
  // Called as rows reach COPY, for progress reports.
  onRows: (rows: number) => void
}

// Streams the stored file through the decoder and the tokenizer into a new
// table, inferring every column's type from every value on the way. The table
// is created once the first rows are read, typed as they suggest (or all text).
// Runs on `client` inside the caller's transaction; throws GuessMissed, with
// the COPY cancelled and the connection usable, when a value breaks a guess.
export async function copyFileIntoTable(
  client: pg.PoolClient,
  input: LoadInput
): Promise<ParsedTable> {
  const { encoding, dialect, limits, nullMarkers } = input
  const source = readRecords(await input.open(), encoding, dialect, limits.maxRecordChars)
  const warnings = new WarningLog()
  const skipped = { blank: 0, repeatedHeader: 0, preamble: 0 }
  let header: string[] | null = null
  let isHeader = (_: string[]) => false
  let columns: ParsedTable['columns'] = []
  let copy: Writable | null = null
  let held: HeldRow[] = []
  let heldChars = 0
  let batch = ''
  let rowCount = 0
  let headerLine = 0
  let lastLine = 0
  let previousEnd = 0

  try {
    for await (const records of source.batches) {
      for (const { record, lines } of records) {
        const line = previousEnd + 1
        previousEnd = lines

        if (isBlankRecord(record)) {
          skipped.blank += 1
          continue
        }

        if (header === null && skipped.preamble < dialect.preamble) {
          skipped.preamble += 1
          warnings.add({ code: 'PREAMBLE_SKIPPED', message: 'Title line above the header.', line })
          continue
        }

        if (header === null) {
          header = dialect.header ? record : record.map((_, i) => `column_${i + 1}`)
          headerLine = dialect.header ? line : 0
          columns = buildColumns(header, limits, nullMarkers)
          isHeader = headerTest(header)
          if (dialect.header) continue
        }

        if (isHeader(record)) {
          skipped.repeatedHeader += 1
          warnings.add({ code: 'REPEATED_HEADER', message: 'Header line repeated; skipped.', line })
          continue
        }

        rowCount += 1
        lastLine = line
        if (copy === null) {
          const values = readRow(record, columns, line, limits, warnings)
          held.push({ row: rowCount, line, values })
          for (const v of values) heldChars += v?.length ?? 0
          if (input.guessTypes && held.length < GUESS_ROWS && heldChars < GUESS_CHARS) continue

          copy = await startCopy(client, input, columns)
          batch = await writeHeld(copy, held, columns, batch)
          held = []
          continue
        }

        batch += rowLine(rowCount, record, columns, line, limits, warnings)
        if (batch.length >= BATCH_CHARS) {
          await write(copy, batch)
          input.onRows(rowCount)
          batch = ''
        }
      }
    }

    if (header === null) {
      throw new AppError('CSV_NO_HEADER', 'The file holds no header row and no data.')
    }
    if (copy === null) {
      copy = await startCopy(client, input, columns)
      batch = await writeHeld(copy, held, columns, batch)
    }
    if (batch !== '') await write(copy, batch)
    input.onRows(rowCount)
    // Ending a COPY that PostgreSQL already refused would throw in the library.
    const refused = copyErrors.get(copy)
    if (refused !== undefined) throw refused
    copy.end()
    await finished(copy)
  } catch (error) {
    // On a missed guess the COPY is cancelled and the connection kept for the
    // load as text. On anything else the connection is about to be dropped (see
    // ingestUpload); a COPY still open on it must not turn that into an
    // unhandled stream error.
    if (copy !== null && !copy.writableFinished) {
      copy.on('error', () => undefined)
      const closed = new Promise((resolve) => copy?.once('close', resolve))
      copy.destroy()
      if (error instanceof GuessMissed) await closed
    }
    source.destroy()
    throw error
  }

  return { columns, rowCount, headerLine, lastLine, skipped, warnings }
}

// Each column's format decided (from the rows held so far, or text), the table
// created with those types, and a COPY into it opened.
async function startCopy(client: pg.PoolClient, input: LoadInput, columns: LoadedColumn[]) {
  for (const column of columns) {
    const guessed = withForcedDecimal(column.profile.result().format, input.forcedDecimal)
    column.loaded = input.guessTypes && guessed.type !== 'text' ? guessed : TEXT
    column.encode = cellEncoder(column.loaded, input.nullMarkers)
  }
  const physical = columns.map((c) => c.physical)
  await createTable(client, input.table, columns.map((c) => ({
    name: c.physical,
    format: c.loaded
  })))
  const copy = copyRows(client, input.table, physical)
  // PostgreSQL may refuse a row at any time (a value out of range, a row too
  // wide): the error is kept and thrown at the next write, never left
  // unhandled on the stream, which would bring the process down.
  copy.on('error', (error) => {
    copyErrors.set(copy, error)
    // pg-copy-streams (7.0) drops its connection on a refusal but may still
    // flush a chunk it holds when the socket drains, and throw outside any
    // handler. Nothing more is to be sent once PostgreSQL refused the COPY.
    const internals = copy as unknown as { chunks?: unknown[] }
    if (Array.isArray(internals.chunks)) internals.chunks = []
  })
  return copy
}

const copyErrors = new WeakMap<Writable, Error>()

async function writeHeld(copy: Writable, held: HeldRow[], columns: LoadedColumn[], batch: string) {
  for (const { row, line, values } of held) {
    batch += heldLine(row, values, columns, line)
    if (batch.length >= BATCH_CHARS) {
      await write(copy, batch)
      batch = ''
    }
  }
  return batch
}

async function write(stream: Writable, chunk: string): Promise<void> {
  const refused = copyErrors.get(stream)
  if (refused !== undefined) throw refused
  if (!stream.write(chunk)) await once(stream, 'drain')
}
