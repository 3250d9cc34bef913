import { AppError } from '../http/errors.js'
import { type ColumnName, columnNames } from './headers.js'
import { physicalColumn } from './identifiers.js'
import { type InferredFormat, normaliseCell } from './infer.js'
import { ColumnProfile } from './profile.js'
import type { WarningLog } from './report.js'
import { type CellEncoder, cellEncoder, GuessMissed } from './typed-load.js'

// From a tokenized record to a line of PostgreSQL COPY text: each cell checked
// against the limits, normalised, profiled, and encoded as its column was
// created (typed-load.ts).

export interface Limits {
  maxColumns: number
  maxCellBytes: number
  maxRecordChars: number
}

export interface LoadedColumn extends ColumnName {
  physical: string
  profile: ColumnProfile
  // The format the column was copied as: its guessed type, or text.
  loaded: InferredFormat
  // A value as COPY text, from the value alone (held rows), or as the profile
  // has just observed it (every later row).
  encode: CellEncoder
  encodeLast: CellEncoder
}

export const TEXT: InferredFormat = { type: 'text' }

// What every row of a load is read with.
export interface RowContext {
  limits: Limits
  warnings: WarningLog
  // Whether NUL may appear in a cell: false until the decoded text holds one,
  // which saves searching every cell of the (many) files without.
  nul: boolean
  // Whether the record's cells hold nothing COPY text escapes: no line break (the
  // record is on one line) and no backslash or tab in the text so far. Its text
  // cells are then copied as they are, without looking at each.
  plain: boolean
}

// Rows read before the table exists, while the types are being guessed.
export interface HeldRow {
  row: number
  line: number
  // The row's cells; fewer than the columns for a short row.
  values: string[]
}

// `line`: the header's, or the first row's when the file has no header.
export function buildColumns(
  header: string[],
  limits: Limits,
  nullMarkers: string[],
  line: number
) {
  if (header.length > limits.maxColumns) {
    throw new AppError(
      'CSV_TOO_MANY_COLUMNS',
      `The header has ${header.length} columns; at most ${limits.maxColumns} are accepted.`,
      { line }
    )
  }
  // A header cell is a cell too: its label is stored and sent with every revision.
  const large = header.findIndex((cell) => cellTooLarge(normaliseCell(cell), limits))
  if (large >= 0) throw cellTooLargeError(line, large, limits.maxCellBytes)
  return columnNames(header).map((name, i): LoadedColumn => ({
    ...name,
    physical: physicalColumn(i),
    profile: new ColumnProfile(name.label, nullMarkers),
    loaded: TEXT,
    encode: cellEncoder(TEXT, nullMarkers),
    encodeLast: cellEncoder(TEXT, nullMarkers)
  }))
}

// Short rows are padded with nulls (and reported); long rows are accepted only
// when the extra fields are empty, as spreadsheets often add trailing separators.
function checkWidth(record: string[], width: number, line: number, warnings: WarningLog) {
  if (record.length > width) {
    const extra = record.slice(width).findIndex((v) => normaliseCell(v) !== '')
    if (extra >= 0) {
      const column = width + extra + 1
      throw new AppError(
        'CSV_TOO_MANY_FIELDS',
        `Line ${line} has a value in field ${column}, but the header has ${width} ` +
          (width === 1
            ? 'column: is the separator right? (?delimiter= forces it)'
            : 'columns.'),
        { line, column }
      )
    }
  } else if (record.length < width) {
    warnings.add({
      code: 'SHORT_ROW',
      message: `${record.length} fields instead of ${width}; padded with nulls.`,
      line
    })
  }
}

// One record's cells, normalised and profiled; undefined for a missing field.
export function readRow(
  record: string[],
  columns: LoadedColumn[],
  line: number,
  context: RowContext
): string[] {
  checkWidth(record, columns.length, line, context.warnings)
  const values: string[] = []
  const width = Math.min(record.length, columns.length)
  for (let i = 0; i < width; i++) {
    const column = columns[i]!
    const value = cellValue(record[i]!, line, i, context, column.name)
    column.profile.observe(value, line)
    values.push(value)
  }
  return values
}

// The nulls of the fields a short row lacks, as one string (a row of one field
// under a thousand columns is otherwise a thousand concatenations).
let nulls = ''

function missing(fields: number): string {
  if (nulls.length < fields * 3) nulls = '\t\\N'.repeat(fields)
  return nulls.slice(0, fields * 3)
}

// The same as readRow, straight into one COPY line: most rows take this way,
// with no array built per row.
export function rowLine(
  row: number,
  record: string[],
  columns: LoadedColumn[],
  line: number,
  context: RowContext
): string {
  checkWidth(record, columns.length, line, context.warnings)
  let out = String(row)
  const width = Math.min(record.length, columns.length)
  for (let i = 0; i < width; i++) {
    const column = columns[i]!
    const value = cellValue(record[i]!, line, i, context, column.name)
    column.profile.observe(value, line)
    out += '\t' + (context.plain && column.loaded === TEXT
      ? (value === '' ? '\\N' : value)
      : encoded(column, column.encodeLast(value), line))
  }
  if (width < columns.length) out += missing(columns.length - width)
  return out + '\n'
}

// A row held while the types were guessed, as a COPY line.
export function heldLine(
  row: number,
  values: string[],
  columns: LoadedColumn[],
  line: number
): string {
  let out = String(row)
  for (let i = 0; i < values.length; i++) {
    const column = columns[i]!
    out += '\t' + encoded(column, column.encode(values[i]!), line)
  }
  if (values.length < columns.length) out += missing(columns.length - values.length)
  return out + '\n'
}

function encoded(column: LoadedColumn, field: string | undefined, line: number): string {
  if (field === undefined) throw new GuessMissed(column.name, line, column.loaded.type)
  return field
}

function cellValue(
  raw: string,
  line: number,
  index: number,
  context: RowContext,
  name: string
): string {
  // PostgreSQL text cannot hold NUL; it is never meaningful in a CSV cell. Removed
  // before the cell is trimmed, so that `\0 x \0` is `x`.
  let value: string
  if (context.nul && raw.includes('\0')) {
    context.warnings.add({ code: 'NUL_REMOVED', message: 'NUL bytes removed.', line, column: name })
    value = normaliseCell(raw.replaceAll('\0', ''))
  } else {
    value = normaliseCell(raw)
  }

  // The limit is on the value kept: the padding spreadsheets add is not.
  if (cellTooLarge(value, context.limits)) {
    throw cellTooLargeError(line, index, context.limits.maxCellBytes)
  }
  return value
}

function cellTooLarge(value: string, limits: Limits): boolean {
  return value.length * 3 > limits.maxCellBytes && Buffer.byteLength(value) > limits.maxCellBytes
}

function cellTooLargeError(line: number, index: number, maxCellBytes: number): AppError {
  return new AppError(
    'CSV_CELL_TOO_LARGE',
    `Line ${line}, field ${index + 1} is larger than ${maxCellBytes} bytes.`,
    { line, column: index + 1 }
  )
}
