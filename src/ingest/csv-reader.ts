import { AppError } from '../http/errors.js'
import {
  CsvSyntaxError, CsvTokenizer, type QuoteKept, type RecordSink
} from './csv-tokenizer.js'
import type { Dialect } from './dialect.js'
import { type ChunkDecoder, createDecoder } from './decode.js'
import { DecodedTail, textBeforeRefused } from './decode-failure.js'
import type { EncodingResult } from './encoding.js'

// A file's bytes, pushed chunk by chunk, decoded and split into records. It
// runs synchronously, on whatever thread holds it (see parse-thread.ts), and
// turns errors of either stage (a byte the decoder refuses, a broken quote)
// into problems naming the line.
export class RecordReader {
  readonly #decode: ChunkDecoder
  readonly #tokenizer: CsvTokenizer
  readonly #tail = new DecodedTail()
  // Whether the text so far holds a NUL, or a backslash or a tab, which COPY text
  // must escape (see RowContext in rows.ts).
  nul = false
  escapes = false

  constructor(
    private readonly encoding: EncodingResult,
    dialect: Dialect,
    private readonly maxRecordChars: number,
    quoteKept?: (line: number, why: QuoteKept) => void
  ) {
    this.#decode = createDecoder(encoding)
    this.#tokenizer = new CsvTokenizer({
      delimiter: dialect.delimiter,
      quote: dialect.quote,
      trimAroundQuotes: dialect.delimiter !== '\t',
      strictQuotes: dialect.quoteForced === true,
      ...(quoteKept === undefined ? {} : { quoteKept }),
      maxRecordChars
    })
  }

  // The records complete once `bytes` is in, to `sink`, with the line each ends on.
  push(bytes: Buffer, sink: RecordSink): void {
    try {
      const text = this.#decoded(bytes, false)
      this.#look(text)
      if (text !== '') this.#tokenizer.push(text, sink)
    } catch (error) {
      throw asProblem(error, this.maxRecordChars)
    }
  }

  // The end of the file: the last record needs no line end.
  end(sink: RecordSink): void {
    try {
      const text = this.#decoded(Buffer.alloc(0), true)
      this.#look(text)
      if (text !== '') this.#tokenizer.push(text, sink)
      this.#tokenizer.end(sink)
    } catch (error) {
      throw asProblem(error, this.maxRecordChars)
    }
  }

  #look(text: string): void {
    this.nul ||= text.includes('\0')
    this.escapes ||= text.includes('\\') || text.includes('\t')
  }

  // A byte the decoder refuses is a problem naming its line and field.
  #decoded(bytes: Buffer, final: boolean): string {
    let text: string
    try {
      text = this.#decode(bytes, final)
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'CSV_ENCODING_INVALID') throw error
      const { encoding } = this.encoding
      const before = textBeforeRefused(encoding, this.#tail.held(encoding), bytes, final)
      const { line, field: column } = this.#tokenizer.where(before)
      throw new AppError(
        'CSV_ENCODING_INVALID',
        `Line ${line}, field ${column} holds bytes that are not valid ${encoding}: save the ` +
          'file again as UTF-8, or declare its real encoding.',
        { line, column },
        error
      )
    }
    this.#tail.add(bytes)
    return text
  }
}

function asProblem(error: unknown, maxRecordChars: number): unknown {
  if (!(error instanceof CsvSyntaxError)) return error
  const { line, field: column } = error

  if (error.code === 'RECORD_TOO_LARGE') {
    return new AppError(
      'CSV_CELL_TOO_LARGE',
      `The record starting at line ${line} is longer than ${maxRecordChars} characters; ` +
        'a quote opened there and never closed is the usual cause.',
      { line, column },
      error
    )
  }
  const what = {
    QUOTE_NOT_CLOSED: 'a quoted field is never closed',
    INVALID_CLOSING_QUOTE: 'a closing quote is followed by something other than a separator',
    INVALID_OPENING_QUOTE: 'a quote appears inside a field that does not start with one'
  }[error.code]
  return new AppError(
    'CSV_MALFORMED',
    `In the record starting at line ${line}, field ${column}: ${what}. Check the quotes ` +
      'and separators of that record.',
    { line, column },
    error
  )
}
