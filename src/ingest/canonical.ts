import {
  canonicalDate, canonicalTimestamp, newDateShape, newTimestampShape, scanDate, scanTimestamp
} from './dates.js'
import type { InferredFormat } from './infer.js'
import { canonicalScannedNumber, newNumberShape, scanNumber } from './numbers.js'
import { DEFAULT_NULL_MARKERS, normaliseCell, scanBoolean } from './values.js'

const number = newNumberShape()
const date = newDateShape()
const timestamp = newTimestampShape()

// The canonical text of a value already normalised and not null, or undefined when it
// does not match the format.
export function canonicalText(format: InferredFormat, value: string): string | undefined {
  switch (format.type) {
    case 'text':
      return value
    case 'integer':
      if (!scanNumber(value, number) || number.decimalMark !== null || !number.fitsInt64) {
        return undefined
      }
      return canonicalScannedNumber(value, number)
    case 'decimal':
      if (!scanNumber(value, number)) return undefined
      if (number.decimalMark !== null && number.decimalMark !== format.decimalMark) {
        return undefined
      }
      return canonicalScannedNumber(value, number)
    case 'date':
      if (!scanDate(value, date)) return undefined
      if (date.order !== format.order || date.separator !== format.separator) return undefined
      // `2024-03-04` is written as PostgreSQL gives it back.
      return format.order === 'ymd' && format.separator === '-' ? value : canonicalDate(date)
    case 'timestamp':
      if (!scanTimestamp(value, timestamp) || timestamp.offset !== format.offset) return undefined
      return canonicalTimestamp(value, timestamp)
    case 'boolean': {
      const truth = scanBoolean(value)
      return truth === null ? undefined : String(truth)
    }
  }
}

function isNull(format: InferredFormat, value: string, nullMarkers: readonly string[]) {
  return value === '' || (format.type !== 'text' && nullMarkers.includes(value))
}

// The text PostgreSQL accepts for the column's final type: `1 234,50 €` → `1234.50`,
// `03/04/2024` → `2024-04-03`, `Oui` → `true`. Null for an empty cell, and for a null
// marker in a typed column (in a text column `-` or `NA` is data and is kept).
// Text is returned trimmed of its padding, otherwise unchanged.
export function canonicalValue(
  format: InferredFormat,
  raw: string,
  nullMarkers: readonly string[] = DEFAULT_NULL_MARKERS
): string | null {
  const value = normaliseCell(raw)
  if (isNull(format, value, nullMarkers)) return null

  const result = canonicalText(format, value)
  // The format was inferred from every value, so a mismatch is a bug, not bad data.
  if (result === undefined) {
    throw new RangeError(`"${value}" does not match the inferred ${format.type} format`)
  }
  return result
}

// Whether a cell fits a format (null cells fit every format).
export function matchesFormat(
  format: InferredFormat,
  raw: string,
  nullMarkers: readonly string[] = DEFAULT_NULL_MARKERS
): boolean {
  const value = normaliseCell(raw)
  return isNull(format, value, nullMarkers) || canonicalText(format, value) !== undefined
}
