import type { Dialect } from './dialect.js'
import type { EncodingResult } from './encoding.js'
import type { InferredFormat } from './infer.js'
import type { ColumnProfileResult } from './profile.js'
import type { Warnings } from './report.js'
import type { Limits } from './rows.js'

// What a TableParser (table-parser.ts) is given and gives back: plain data, as
// it crosses threads (parse-protocol.ts).

export interface ParseSettings {
  encoding: EncodingResult
  dialect: Dialect
  limits: Limits
  nullMarkers: string[]
  // Copy typed values guessed from the first rows (see typed-load.ts), or text.
  guessTypes: boolean
  // Columns copied as text all the same: their guess missed on an earlier attempt.
  textColumns?: string[]
  forcedDecimal: '.' | ',' | undefined
}

// A column as its table is created.
export interface TableColumn {
  physical: string
  format: InferredFormat
}

// What one chunk of the file gives, or the next part of it (see `more`).
export interface ParseOutput {
  // The table to create: set once, when the first rows have decided the types.
  create?: TableColumn[]
  // COPY text lines, in order; only once the table is decided.
  copy: string
  // Data rows read so far.
  rows: number
  // Rows read and not yet written out: ask for them with resume().
  more: boolean
}

export interface ParsedColumn {
  name: string
  label: string
  physical: string
  // The format the column was copied as: its guessed type, or text.
  loaded: InferredFormat
  profile: ColumnProfileResult
}

// The whole file, once read; plain data, as it crosses threads.
export interface ParseSummary {
  columns: ParsedColumn[]
  rowCount: number
  headerLine: number
  // The line where the last data row starts.
  lastLine: number
  // Every column's profile as it stood before the last data row was read, for a
  // last row found to be a total (total-row.ts): without it, a `Total` label
  // would still count among the values. Absent when the file has no data row.
  withoutLastRow?: ColumnProfileResult[]
  skipped: { blank: number; repeatedHeader: number; preamble: number }
  warnings: Warnings
}
