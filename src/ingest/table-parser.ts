import { AppError } from '../http/errors.js'
import { RecordReader } from './csv-reader.js'
import { headerTest, isBlankRecord } from './dialect.js'
import type {
  ParsedColumn, ParseOutput, ParseSettings, ParseSummary, TableColumn
} from './parse-types.js'
import type { ColumnProfileResult } from './profile.js'
import { quotesKept } from './quotes-kept.js'
import { WarningLog } from './report.js'
import {
  buildColumns, heldLine, type HeldRow, type LoadedColumn, readRow, type RowContext, rowLine,
  TEXT
} from './rows.js'
import { addSkipped, type Entry, type SkippedRun } from './skipped-runs.js'
import {
  cellEncoder, GUESS_CHARS, GUESS_ROWS, lastValueEncoder, withForcedDecimal
} from './typed-load.js'

// From a file's bytes to the lines PostgreSQL's COPY reads, and what was learnt
// on the way: the header, every column's profile, the rows skipped and why.
// Synchronous and free of I/O, so that it runs on a worker thread (see
// parse-thread.ts) while the main thread moves bytes.

export type {
  ParsedColumn, ParseOutput, ParseSettings, ParseSummary, TableColumn
} from './parse-types.js'

// COPY text handed out at a time. Short rows under a wide header make far more
// text than they take bytes: two bytes a row under a thousand columns are three
// thousand characters of nulls, and one 64 kB chunk made 98 million.
const MAX_OUTPUT_CHARS = 1 << 20

const QUOTE = 0x22

export class TableParser {
  readonly #reader: RecordReader
  readonly #warnings = new WarningLog()
  readonly #context: RowContext
  readonly #skipped = { blank: 0, repeatedHeader: 0, preamble: 0 }
  #header: string[] | null = null
  #isHeader: (record: string[]) => boolean = () => false
  #columns: LoadedColumn[] = []
  // Rows read while the types are guessed; null once the table is decided.
  #held: HeldRow[] | null = []
  #heldChars = 0
  // Held rows still to write out once the table is decided, from `#flushAt`.
  #flushing: HeldRow[] | null = null
  #flushAt = 0
  // Records split from the text and not processed yet, from `#next` (see
  // skipped-runs.ts). Until the end of the file, the last one that is not blank is
  // held back, with the blank ones after it: it may be the last row (withoutLastRow).
  #records: Entry[] = []
  #next = 0
  #heldBackFrom = 0
  #withoutLastRow: ColumnProfileResult[] | undefined
  #ended = false
  #closed = false
  #create: TableColumn[] | undefined
  #copy = ''
  #rowCount = 0
  #quoteLooked: boolean
  #headerLine = 0
  #lastLine = 0
  #previousEnd = 0
  #collectedEnd = 0
  readonly #collect = (record: string[], lines: number) => {
    const start = this.#collectedEnd + 1
    this.#collectedEnd = lines
    const header = this.#header !== null && this.#isHeader(record)
    if (header || isBlankRecord(record)) {
      addSkipped(this.#records, this.#next, { header, start, lines })
    } else {
      this.#records.push({ record, lines })
    }
  }

  constructor(private readonly settings: ParseSettings) {
    this.#reader = new RecordReader(settings.encoding, settings.dialect,
      settings.limits.maxRecordChars, (line, why) => this.#warnings.add(quotesKept(why, line)))
    this.#context = {
      limits: settings.limits, warnings: this.#warnings, nul: false, plain: false
    }
    const { strayQuote, quote, quoteForced } = settings.dialect
    // With no quote, a field that starts with one is reported once (see #record).
    this.#quoteLooked = quote !== null || quoteForced === true || strayQuote !== undefined
    if (strayQuote !== undefined) this.#warnings.add(quotesKept('sample', strayQuote))
  }

  // Throws an AppError naming the line for a file that cannot be read, and
  // GuessMissed when a value breaks its column's guessed type.
  push(bytes: Buffer): ParseOutput {
    this.#reader.push(bytes, this.#collect)
    this.#holdBackLast()
    return this.#drain()
  }

  // The next part of what was read, after an output with `more`.
  resume(): ParseOutput {
    return this.#drain()
  }

  // The end of the file. Once an output without `more` follows, the parse is
  // done and summary() tells what it found.
  end(): ParseOutput {
    this.#reader.end(this.#collect)
    this.#holdBackLast()
    this.#ended = true
    return this.#drain()
  }

  get done(): boolean {
    return this.#closed && this.#flushing === null && this.#next === this.#records.length
  }

  summary(): ParseSummary {
    const columns = this.#columns.map((c): ParsedColumn => ({
      name: c.name,
      label: c.label,
      physical: c.physical,
      loaded: c.loaded,
      profile: c.profile.result()
    }))
    return {
      columns,
      rowCount: this.#rowCount,
      headerLine: this.#headerLine,
      lastLine: this.#lastLine,
      ...(this.#withoutLastRow === undefined ? {} : { withoutLastRow: this.#withoutLastRow }),
      skipped: this.#skipped,
      warnings: { items: this.#warnings.items, counts: this.#warnings.counts }
    }
  }

  // Records processed in order until the output is full or none is left. Held
  // rows, once the table is decided, go out before any later row.
  #drain(): ParseOutput {
    while (this.#copy.length < MAX_OUTPUT_CHARS) {
      if (this.#flushing !== null) {
        const held = this.#flushing[this.#flushAt++]
        if (held === undefined) this.#flushing = null
        else this.#copy += heldLine(held.row, held.values, this.#columns, held.line)
        continue
      }

      if (this.#next < this.#available()) {
        const at = this.#next++
        const next = this.#records[at]!
        if ('record' in next) {
          this.#record(next.record, next.lines, this.#ended && at === this.#heldBackFrom)
        } else {
          this.#skipRun(next)
        }
        continue
      }
      this.#records = this.#records.slice(this.#next)
      this.#heldBackFrom -= this.#next
      this.#next = 0
      if (!this.#ended || this.#closed) break
      this.#close()
    }
    return this.#take()
  }

  // How many of the records may be processed now: all of them once the file has ended.
  #available(): number {
    return this.#ended ? this.#records.length : this.#heldBackFrom
  }

  // Where the held-back records start: the last record that is neither blank nor a
  // repeated header (the last row, or the header), or the end when there is none.
  #holdBackLast(): void {
    let at = this.#records.length
    const skipped = (entry: Entry) =>
      !('record' in entry) || isBlankRecord(entry.record) || this.#isHeader(entry.record)
    while (at > this.#next && skipped(this.#records[at - 1]!)) at--
    this.#heldBackFrom = at > this.#next ? at - 1 : this.#records.length
  }

  // The end of the records: the table decided if it was not yet.
  #close(): void {
    this.#closed = true
    if (this.#header === null) {
      throw new AppError('CSV_NO_HEADER', 'The file holds no header row and no data.')
    }
    if (this.#held !== null) this.#decide()
  }

  #take(): ParseOutput {
    const more = this.#flushing !== null || this.#next < this.#available() ||
      (this.#ended && !this.#closed)
    const output: ParseOutput = { copy: this.#copy, rows: this.#rowCount, more }
    if (this.#create !== undefined) output.create = this.#create
    this.#copy = ''
    this.#create = undefined
    return output
  }

  // `last`: the last record of the file that is not blank.
  #record(record: string[], lines: number, last: boolean): void {
    const { dialect, limits } = this.settings
    this.#context.nul = this.#reader.nul
    const line = this.#previousEnd + 1
    this.#context.plain = !this.#reader.escapes && lines === line
    this.#previousEnd = lines

    if (isBlankRecord(record)) {
      this.#skipped.blank += 1
      return
    }

    // Detection read no quoting in its sample (an inch mark `24"` there, say); a field
    // that starts with a quote further down keeps it as a character, and says so.
    if (!this.#quoteLooked && record.some((cell) => cell.charCodeAt(0) === QUOTE)) {
      this.#quoteLooked = true
      this.#warnings.add(quotesKept('late', line))
    }

    if (this.#header === null && this.#skipped.preamble < dialect.preamble) {
      this.#skipped.preamble += 1
      this.#warn('PREAMBLE_SKIPPED', 'Title line above the header.', line)
      return
    }

    if (this.#header === null) {
      this.#header = dialect.header ? record : record.map((_, i) => `column_${i + 1}`)
      this.#headerLine = dialect.header ? line : 0
      this.#columns = buildColumns(this.#header, limits, this.settings.nullMarkers, line)
      this.#isHeader = headerTest(this.#header)
      // Repeated headers at the end are now known: the last row is held back before them.
      this.#holdBackLast()
      if (dialect.header) return
    }

    if (this.#isHeader(record)) {
      this.#skipped.repeatedHeader += 1
      this.#warn('REPEATED_HEADER', 'Header line repeated; skipped.', line)
      return
    }

    this.#rowCount += 1
    this.#lastLine = line
    if (last) this.#withoutLastRow = this.#columns.map((c) => c.profile.result())
    if (this.#held === null) {
      this.#copy += rowLine(this.#rowCount, record, this.#columns, line, this.#context)
      return
    }

    const values = readRow(record, this.#columns, line, this.#context)
    this.#held.push({ row: this.#rowCount, line, values })
    for (const v of values) this.#heldChars += v.length
    const guessing = this.settings.guessTypes &&
      this.#held.length < GUESS_ROWS && this.#heldChars < GUESS_CHARS
    if (!guessing) this.#decide()
  }

  // What the records of the run would each have done (see #record).
  #skipRun(run: SkippedRun): void {
    this.#previousEnd = run.lines
    this.#skipped.blank += run.blank
    this.#skipped.repeatedHeader += run.headers
    for (const line of run.headerLines) {
      this.#warn('REPEATED_HEADER', 'Header line repeated; skipped.', line)
    }
    this.#warnings.addUnlisted('REPEATED_HEADER', run.headers - run.headerLines.length)
  }

  // Each column's format decided (from the rows held so far, or text), and the
  // held rows written out in it.
  #decide(): void {
    const { guessTypes, forcedDecimal, nullMarkers, textColumns = [] } = this.settings
    for (const column of this.#columns) {
      const guessed = withForcedDecimal(column.profile.result().format, forcedDecimal)
      const typed = guessTypes && guessed.type !== 'text' && !textColumns.includes(column.name)
      column.loaded = typed ? guessed : TEXT
      column.encode = cellEncoder(column.loaded, nullMarkers)
      column.encodeLast = lastValueEncoder(column.loaded, nullMarkers, column.profile)
    }
    this.#create = this.#columns.map((c) => ({ physical: c.physical, format: c.loaded }))
    this.#flushing = this.#held
    this.#flushAt = 0
    this.#held = null
  }

  #warn(code: string, message: string, line: number): void {
    this.#warnings.add({ code, message, line })
  }
}
