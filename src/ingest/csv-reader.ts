import { pipeline, type Readable } from 'node:stream'

import { AppError } from '../http/errors.js'
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.js'
import type { Dialect } from './dialect.js'
import { decodeStream, type EncodingResult } from './encoding.js'

export interface CsvRecord {
  record: string[]
  // The line where the record ends.
  lines: number
}

export interface RecordSource {
  // Records in the batches one decoded chunk gives: the consumer loops over
  // each batch synchronously, rather than awaiting every record.
  batches: AsyncIterable<CsvRecord[]>
  destroy: () => void
}

// A file's bytes (stored, or arriving), decoded and split into records. Errors of any stage (a byte
// the decoder refuses, a broken quote) reach the reader of `records` as
// problems naming the line; none is left unhandled on a stream.
export function readRecords(
  bytes: Readable,
  encoding: EncodingResult,
  dialect: Dialect,
  maxRecordChars: number
): RecordSource {
  const decoded = decodeStream(encoding)
  pipeline(bytes, decoded, () => undefined)
  const tokenizer = new CsvTokenizer({
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    trimAroundQuotes: dialect.delimiter !== '\t',
    maxRecordChars
  })

  return {
    batches: batches(decoded, tokenizer, maxRecordChars),
    destroy: () => decoded.destroy()
  }
}

async function* batches(
  decoded: AsyncIterable<unknown>,
  tokenizer: CsvTokenizer,
  maxRecordChars: number
): AsyncGenerator<CsvRecord[]> {
  let ready: CsvRecord[] = []
  const sink = (record: string[], lines: number) => {
    ready.push({ record, lines })
  }

  try {
    for await (const chunk of decoded) {
      tokenizer.push(String(chunk), sink)
      if (ready.length === 0) continue
      yield ready
      ready = []
    }
    tokenizer.end(sink)
    if (ready.length > 0) yield ready
  } catch (error) {
    throw asProblem(error, maxRecordChars)
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
