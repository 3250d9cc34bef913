// What the inference (infer.ts) says of a column: its type and how its values are
// written, and its statistics.

export type ColumnType = 'integer' | 'decimal' | 'date' | 'timestamp' | 'boolean' | 'text'

export type InferredFormat =
  // `reason` says why a column that looked typed fell back to text.
  | { type: 'text'; reason?: string }
  // `grouping`: thousands separators seen; `currency`: a trailing € seen.
  | { type: 'integer'; grouping: boolean; currency: boolean }
  | { type: 'decimal'; decimalMark: '.' | ','; grouping: boolean; currency: boolean }
  | { type: 'date'; order: 'ymd' | 'dmy'; separator: '-' | '/' | '.' }
  // `offset`: every value has `Z` or `±hh:mm` (an instant, timestamptz). Without offset
  // the values are wall-clock times as written (timestamp without time zone): the file
  // does not say which zone, and we do not guess one.
  | { type: 'timestamp'; offset: boolean }
  | { type: 'boolean' }

export interface ColumnStats {
  format: InferredFormat
  // Empty cells, plus null markers when the column is typed.
  nullCount: number
  nonNullCount: number
  // Null markers seen (`NA`, `-`…); in a text column they count as values.
  markerCount: number
  // Canonical values (see canonicalValue) for typed columns; code-unit order for text.
  min?: string
  max?: string
  // A typed column's figures were it read as text after all (a forced decimal mark, a
  // column of codes): its values as written, its markers as values.
  asText?: { nullCount: number; min?: string; max?: string }
}
