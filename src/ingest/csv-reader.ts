import { pipeline } from 'node:stream'

import { CsvError, parse } from 'csv-parse'

import { AppError } from '../http/errors.js'
import type { Dialect } from './dialect.js'
import { decodeStream, type EncodingResult } from './encoding.js'
import type { FileStore } from './file-store.js'

export interface CsvRecord {
  record: string[]
  // The line where the record ends.
  lines: number
}

export interface RecordSource {
  records: AsyncIterable<CsvRecord>
  // The line where the record being parsed starts (for errors).
  recordLine: () => number
  destroy: () => void
}

// The stored file, decoded and parsed into records. Errors of any stage (a
// byte the decoder refuses, a broken quote) reach the reader of `records` as
// problems naming the line; none is left unhandled on a stream.
export function readRecords(
  files: FileStore,
  key: string,
  encoding: EncodingResult,
  dialect: Dialect,
  maxRecordChars: number
): RecordSource {
  // The parser reads ahead of its consumer; where it stands is tracked here, as
  // it parses, so an error names the record that broke.
  let parsedEnd = 0
  // `on_record` tracks the parser's position and queues each record's last line
  // for the reader, in order (csv-parse's `info` option would build a second
  // object per record). The queue holds only what the parser has read ahead.
  const ends: number[] = []
  const parser = parse({
    on_record: (record, context) => {
      parsedEnd = context.lines
      ends.push(context.lines)
      return record
    },
    delimiter: dialect.delimiter,
    quote: dialect.quote ?? false,
    // Files that mix line ends (a CRLF export appended to by a Unix script).
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // Spreadsheets pad fields with spaces, even around quoted ones (`"a" ,`).
    // Cells are trimmed anyway; with a tab separator the tabs are the framing.
    ltrim: dialect.delimiter !== '\t',
    rtrim: dialect.delimiter !== '\t',
    skip_empty_lines: false,
    // Bounds the memory a runaway quoted field can take before it is refused.
    max_record_size: maxRecordChars
  })

  pipeline(files.open(key), decodeStream(encoding), parser, () => undefined)

  const recordLine = () => parsedEnd + 1
  return {
    records: problems(withLines(parser, ends), recordLine, maxRecordChars),
    recordLine,
    destroy: () => parser.destroy()
  }
}

async function* withLines(parser: AsyncIterable<string[]>, ends: number[]) {
  for await (const record of parser) yield { record, lines: ends.shift() ?? 0 }
}

async function* problems(
  records: AsyncIterable<CsvRecord>,
  recordLine: () => number,
  maxRecordChars: number
): AsyncGenerator<CsvRecord> {
  try {
    yield* records
  } catch (error) {
    throw asProblem(error, recordLine(), maxRecordChars)
  }
}

// csv-parse names the line where it gave up, which for an unclosed quote is the
// end of the file; the record that broke starts right after the last good one.
function asProblem(error: unknown, line: number, maxRecordChars: number): unknown {
  if (!(error instanceof CsvError)) return error

  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new AppError(
      'CSV_CELL_TOO_LARGE',
      `The record starting at line ${line} is longer than ${maxRecordChars} characters; ` +
        'a quote opened there and never closed is the usual cause.',
      { line },
      error
    )
  }
  const where = error.code === 'CSV_QUOTE_NOT_CLOSED'
    ? `A quoted field opened in the record starting at line ${line} is never closed.`
    : `The record starting at line ${line} cannot be read (${error.code}).`
  return new AppError(
    'CSV_MALFORMED',
    `${where} Check the quotes and separators of that record.`,
    { line },
    error
  )
}
