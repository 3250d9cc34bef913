import { once } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'

import type pg from 'pg'

import { copyRows, createTable } from './ingest-table.queries.js'
import { type Answer, openParse } from './parse-thread.js'
import { WarningLog } from './report.js'
import type { ParseSettings, ParseSummary, TableColumn } from './table-parser.js'
import { GuessMissed } from './typed-load.js'

export type { Limits } from './rows.js'
export type { ParsedColumn } from './table-parser.js'

export interface ParsedTable extends Omit<ParseSummary, 'warnings'> {
  // Later steps of the load add theirs (a total row removed, a newer upload).
  warnings: WarningLog
}

export interface LoadInput extends ParseSettings {
  // The file's bytes from the start: the stored file, or the upload as it
  // arrives. Called again for each attempt (see typed-load.ts).
  open: () => Readable | Promise<Readable>
  table: string
  // Called as rows reach COPY, for progress reports.
  onRows: (rows: number) => void
  // Throws when the load must stop (the service is shutting down).
  checkGoing: () => void
}

// Streams the file into a new table: a worker thread parses it (decoding,
// splitting, inferring every column's type from every value, and writing COPY
// text), while this thread moves the bytes in and the COPY text out. The table
// is created once the first rows are read, typed as they suggest (or all text).
// Runs on `client` inside the caller's transaction; throws GuessMissed, with
// the COPY cancelled and the connection usable, when a value breaks a guess.
export async function copyFileIntoTable(
  client: pg.PoolClient,
  input: LoadInput
): Promise<ParsedTable> {
  const source = await input.open()
  const { encoding, dialect, limits, nullMarkers, guessTypes, forcedDecimal } = input
  const textColumns = input.textColumns ?? []
  const parse = openParse({
    encoding, dialect, limits, nullMarkers, guessTypes, textColumns, forcedDecimal
  })
  const table = new TableCopy(client, input)
  // Each answer written to COPY; the rest of a chunk asked for once it is.
  const take = async (answer: Answer) => {
    await table.take(answer)
    if (answer.output.more) parse.resume()
    return answer
  }

  try {
    for await (const chunk of source) {
      parse.push(chunk as Buffer)
      // Answers are written as soon as they are there; past a few chunks
      // ahead, reading waits for the parser.
      while (parse.full || parse.ready) await take(await parse.next())
    }

    parse.end()
    for (;;) {
      const answer = await take(await parse.next())
      if ('summary' in answer) {
        return { ...answer.summary, warnings: new WarningLog(answer.summary.warnings) }
      }
    }
  } catch (error) {
    await table.abandon(error instanceof GuessMissed)
    source.destroy()
    throw error
  } finally {
    parse.close()
  }
}

// The COPY side of a load: the table created when the parser has decided it,
// and the parser's COPY text written to it in order.
class TableCopy {
  #copy: Writable | null = null

  constructor(
    private readonly client: pg.PoolClient,
    private readonly input: LoadInput
  ) {}

  async take(answer: Answer): Promise<void> {
    this.input.checkGoing()
    const { create, copy, rows } = answer.output
    if (create !== undefined) this.#copy = await this.#start(create)

    if (copy !== null) {
      await write(this.#open(), Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength))
      this.input.onRows(rows)
    }

    if ('summary' in answer) {
      const stream = this.#open()
      // Ending a COPY that PostgreSQL already refused would throw in the library.
      const refused = copyErrors.get(stream)
      if (refused !== undefined) throw refused
      stream.end()
      await finished(stream)
      this.input.onRows(rows)
    }
  }

  // On a missed guess the COPY is cancelled and the connection kept for the
  // load as text. On anything else the connection is about to be dropped (see
  // ingestUpload); a COPY still open on it must not turn that into an
  // unhandled stream error.
  async abandon(keepConnection: boolean): Promise<void> {
    const copy = this.#copy
    if (copy === null || copy.writableFinished) return
    copy.on('error', () => undefined)
    const closed = new Promise((resolve) => copy.once('close', resolve))
    copy.destroy()
    if (keepConnection) await closed
  }

  #open(): Writable {
    if (this.#copy === null) throw new Error('COPY text before the table was decided')
    return this.#copy
  }

  async #start(columns: TableColumn[]): Promise<Writable> {
    const { client, input } = this
    await createTable(client, input.table, columns.map((c) => ({
      name: c.physical,
      format: c.format
    })))
    const copy = copyRows(client, input.table, columns.map((c) => c.physical))
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
}

const copyErrors = new WeakMap<Writable, Error>()

async function write(stream: Writable, chunk: Buffer): Promise<void> {
  const refused = copyErrors.get(stream)
  if (refused !== undefined) throw refused
  if (!stream.write(chunk)) await once(stream, 'drain')
}
