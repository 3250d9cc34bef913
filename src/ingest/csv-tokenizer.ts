// A CSV tokenizer for text arriving in chunks: RFC 4180 quoting (a doubled quote
// inside a quoted field), any mix of CRLF, LF and CR line ends, spaces around a
// quoted field tolerated, and every line counted, including those inside quoted
// fields, so that each record knows the line it ends on.
//
// Why not csv-parse: on a 100 MB file it took more than half the time of the
// whole upload, mostly in per-record bookkeeping we had no use for. This reads
// each record with indexOf and slice, and only copies what a field holds. A
// line with no quote and no lone CR, most lines of most files, is split at
// once by the native split().

import { countLines, find, locate, onlySeparators, skipSpaces } from './csv-text.js'

export type CsvSyntaxCode =
  | 'QUOTE_NOT_CLOSED' | 'INVALID_CLOSING_QUOTE' | 'INVALID_OPENING_QUOTE' | 'RECORD_TOO_LARGE'

export class CsvSyntaxError extends Error {
  constructor(
    readonly code: CsvSyntaxCode,
    // Where the record starts, and the field (1-based) that broke.
    readonly line: number,
    readonly field: number
  ) {
    super(`${code} in the record starting at line ${line}, field ${field}`)
    this.name = 'CsvSyntaxError'
  }
}

export interface TokenizerOptions {
  delimiter: string
  quote: string | null
  // Spaces before an opening or after a closing quote are ignored (spreadsheets
  // pad fields); off when the delimiter is a tab, whose fields may start with tabs.
  trimAroundQuotes: boolean
  maxRecordChars: number
  // A quote that never closes is refused even in a file with no quoted field (see
  // quoted()), and quotes around separators only are a quoted field: the uploader
  // chose the quote.
  strictQuotes?: boolean
  // Told of each line where quotes were read as characters, and why.
  quoteKept?: (line: number, why: QuoteKept) => void
}

export type RecordSink = (record: string[], endLine: number) => void

// A quote that never closed, in a file that quotes nothing; or two quotes around
// nothing but separators (`"\t"`: ditto marks side by side, not a quoted tab).
export type QuoteKept = 'unclosed' | 'ditto'

const LF = 10
const CR = 13
const INCOMPLETE = -1
// A quoted field that reaches the end of the input unclosed (see quoted()).
const UNCLOSED = 'unclosed'
// A record longer than this still under way is read again only once the text
// held for it has doubled (or the input ends): each chunk used to read it again
// from its start, and a 7 MB line of separators took a minute.
const REREAD_FROM = 1 << 16

export class CsvTokenizer {
  private pending = ''
  // The line the next record starts on.
  private line = 1
  private readonly delimiter: number
  private quote: number
  private quoteText: string | null
  // Fields read as quoted so far: a file's real quoting (see quoted()).
  private quotedFields = 0
  // In the text being read, the next quote and CR at or after the record under
  // way (the text's length when there is none); -1 before they are looked for.
  private quoteAt = -1
  private crAt = -1
  // How long the held text must grow before the record under way is read again.
  private rereadAt = 0
  // The record under way is read with its quotes as characters (ditto marks).
  private literal = false

  constructor(private readonly options: TokenizerOptions) {
    this.delimiter = options.delimiter.charCodeAt(0)
    this.quoteText = options.quote
    this.quote = options.quote === null ? -1 : options.quote.charCodeAt(0)
  }

  // Emits every record complete in what has arrived; keeps the rest for later.
  push(chunk: string, sink: RecordSink): void {
    this.consume(this.pending + chunk, false, sink)
  }

  // The end of the input: the last record needs no line end.
  end(sink: RecordSink): void {
    this.consume(this.pending, true, sink)
  }

  // The line and field (1-based) where `text` would end, pushed after what has arrived:
  // where a problem found before tokenizing, such as a byte the decoder refused, lies.
  // A quote opens a quoted field only where a field starts, as when reading records.
  where(text: string): { line: number; field: number } {
    return locate(this.pending + text, this.line, {
      delimiter: this.delimiter, quote: this.quote, trims: this.options.trimAroundQuotes
    })
  }

  private consume(text: string, final: boolean, sink: RecordSink): void {
    let position = 0
    // Past the longest record, the text is read whatever: records may have completed
    // behind the long one, and only the one under way may be refused as too long.
    const reread = text.length >= this.rereadAt || text.length > this.options.maxRecordChars
    if (final || reread) {
      this.quoteAt = -1
      this.crAt = -1
      while (position < text.length) {
        const next = this.record(text, position, final, sink)
        if (next === INCOMPLETE) break
        position = next
      }
    }

    this.pending = text.slice(position)
    this.rereadAt = this.pending.length > REREAD_FROM ? this.pending.length * 2 : 0
    if (this.pending.length > this.options.maxRecordChars) {
      throw new CsvSyntaxError('RECORD_TOO_LARGE', this.line, 1)
    }
  }

  // Reads one record starting at `start`; returns where the next one starts, or
  // INCOMPLETE when the text ends inside it (and more may come).
  private record(text: string, start: number, final: boolean, sink: RecordSink): number {
    const plain = this.plainLine(text, start)
    if (plain !== INCOMPLETE) {
      const end = plain > start && text.charCodeAt(plain - 1) === CR ? plain - 1 : plain
      sink(text.slice(start, end).split(this.options.delimiter), this.line)
      this.line += 1
      return plain + 1
    }

    const fields: string[] = []
    let position = start
    let newlines = 0

    for (;;) {
      const field = fields.length + 1
      let p = this.options.trimAroundQuotes ? skipSpaces(text, position) : position
      let value: string

      if (!this.literal && text.charCodeAt(p) === this.quote) {
        const quoted = this.quoted(text, p + 1, final, field)
        if (quoted === null) return INCOMPLETE
        if (quoted === UNCLOSED) {
          this.keepQuotes()
          return this.record(text, start, final, sink)
        }
        if (this.options.strictQuotes !== true &&
          onlySeparators(quoted.value, this.options.delimiter)) {
          // Not a quoted field after all: no evidence that the file quotes its fields.
          this.quotedFields--
          return this.literally(text, start, final, sink)
        }
        value = quoted.value
        newlines += quoted.newlines
        p = this.options.trimAroundQuotes ? skipSpaces(text, quoted.end) : quoted.end
        if (p >= text.length && !final) return INCOMPLETE
        const c = text.charCodeAt(p)
        if (p < text.length && c !== this.delimiter && c !== LF && c !== CR) {
          throw new CsvSyntaxError('INVALID_CLOSING_QUOTE', this.line, field)
        }
      } else {
        p = position
        const end = this.unquotedEnd(text, p, field)
        if (end >= text.length && !final) return INCOMPLETE
        value = text.slice(p, end)
        p = end
      }

      fields.push(value)
      if (p - start > this.options.maxRecordChars) {
        throw new CsvSyntaxError('RECORD_TOO_LARGE', this.line, field)
      }

      const c = text.charCodeAt(p)
      if (p < text.length && c === this.delimiter) {
        position = p + 1
        continue
      }

      // A line end, or the end of the final text.
      let next = p
      if (c === CR) {
        // CR at the very end may be the first half of a CRLF still to come.
        if (p + 1 >= text.length && !final) return INCOMPLETE
        next = text.charCodeAt(p + 1) === LF ? p + 2 : p + 1
      } else if (c === LF) {
        next = p + 1
      }

      const endLine = this.line + newlines
      this.line = endLine + (next > p ? 1 : 0)
      sink(fields, endLine)
      return next
    }
  }

  // Where the line from `start` ends (its LF), when it holds no quote and no CR
  // but the one of a CRLF: its fields are what lies between delimiters.
  private plainLine(text: string, start: number): number {
    const lf = text.indexOf('\n', start)
    if (lf === -1 || lf - start > this.options.maxRecordChars) return INCOMPLETE

    if (this.quoteAt < start) this.quoteAt = find(text, this.quoteText, start)
    if (this.quoteAt < lf) return INCOMPLETE
    if (this.crAt < start) this.crAt = find(text, '\r', start)
    return this.crAt >= lf - 1 ? lf : INCOMPLETE
  }

  // A quoted field's content from just after its opening quote: doubled quotes
  // are one quote. Null when the text ends before the closing quote and more may
  // come. At the end of the input, a quote that never closed is an error in a
  // file with quoted fields; in a file without, it is a stray character (a last
  // line of `;"`), and UNCLOSED says to read the record again without quotes.
  private quoted(text: string, from: number, final: boolean, field: number) {
    const quote = this.quoteText ?? ''
    let value = ''
    let segment = from
    for (;;) {
      const at = text.indexOf(quote, segment)
      if (at === -1) {
        if (!final) return null
        if (this.quotedFields === 0 && this.options.strictQuotes !== true) return UNCLOSED
        throw new CsvSyntaxError('QUOTE_NOT_CLOSED', this.line, field)
      }
      if (at + 1 >= text.length && !final) return null
      if (text.charCodeAt(at + 1) === this.quote) {
        value += text.slice(segment, at + 1)
        segment = at + 2
        continue
      }
      value += text.slice(segment, at)
      this.quotedFields++
      return { value, end: at + 1, newlines: countLines(text, from, at) }
    }
  }

  // This record read again with its quotes as characters.
  private literally(text: string, start: number, final: boolean, sink: RecordSink): number {
    const line = this.line
    this.literal = true
    try {
      const next = this.record(text, start, final, sink)
      if (next !== INCOMPLETE) this.options.quoteKept?.(line, 'ditto')
      return next
    } finally {
      this.literal = false
    }
  }

  // Quotes are ordinary characters from the record under way to the end.
  private keepQuotes(): void {
    this.options.quoteKept?.(this.line, 'unclosed')
    this.quote = -1
    this.quoteText = null
    this.quoteAt = -1
  }

  // Where an unquoted field ends: at the delimiter, a line end or the text's
  // end. A quote inside it is an error, as a field that looks half-quoted is
  // more likely a broken export than data.
  private unquotedEnd(text: string, from: number, field: number): number {
    let p = from
    while (p < text.length) {
      const c = text.charCodeAt(p)
      if (c === this.delimiter || c === LF || c === CR) return p
      if (c === this.quote && !this.literal) {
        throw new CsvSyntaxError('INVALID_OPENING_QUOTE', this.line, field)
      }
      p++
    }
    return p
  }
}
