import { canonicalText } from './canonical.js'
import { copyField } from './copy-text.js'
import type { InferredFormat } from './infer.js'
import { NullMarkers } from './values.js'

// Converting a text table to its types afterwards rewrites every row a second
// time, which cost more than a third of a load (docs/architecture.md). So the
// loader guesses each column's type from the first rows and copies canonical
// values straight into typed columns. Every value is still checked as it goes:
// when one does not fit its column's guess, or the whole file ends up with
// another type than the guess, the load starts again as text and is converted
// afterwards, as before. A wrong guess costs time, never a value.

// How much of the file the guess is made on: rows, and characters kept meanwhile.
export const GUESS_ROWS = 5_000
export const GUESS_CHARS = 4 << 20

// Thrown by the loader when a value does not fit its column's guessed type.
export class GuessMissed extends Error {
  constructor(readonly column: string, readonly line: number, readonly guessed: string) {
    super(`column ${column}: the value at line ${line} is not a ${guessed}`)
    this.name = 'GuessMissed'
  }
}

// One cell in COPY text form, or undefined when it does not fit the column.
export type CellEncoder = (value: string) => string | undefined

const asText: CellEncoder = (value) => copyField(value === '' ? null : value)

// `value` is a normalised cell. In a typed column, null markers are nulls; in a
// text column they are data, and only an empty cell is null.
export function cellEncoder(format: InferredFormat, nullMarkers: readonly string[]): CellEncoder {
  if (format.type === 'text') return asText
  const markers = new NullMarkers(nullMarkers)
  // Canonical numbers, dates, timestamps and booleans hold no tab, newline or
  // backslash: they need no COPY escaping.
  return (value) => (value === '' || markers.has(value) ? '\\N' : canonicalText(format, value))
}

// The same for the value a column's profile has just observed: in a typed column, its
// canonical form from the scan that checked it (ColumnInferrer.lastCanonical), rather
// than a second scan. Most values take this way; rows held while the types were guessed
// take cellEncoder().
export function lastValueEncoder(
  format: InferredFormat,
  nullMarkers: readonly string[],
  profile: { lastCanonical: (format: InferredFormat) => string | undefined }
): CellEncoder {
  if (format.type === 'text') return asText
  const markers = new NullMarkers(nullMarkers)
  return (value) => (value === '' || markers.has(value) ? '\\N' : profile.lastCanonical(format))
}

// With the decimal mark forced, numbers written with the other mark are not
// numbers: the column stays text rather than be read another way.
export function withForcedDecimal(
  format: InferredFormat,
  mark: '.' | ',' | undefined
): InferredFormat {
  if (mark === undefined || format.type !== 'decimal' || format.decimalMark === mark) return format
  return { type: 'text', reason: `decimals written with "${format.decimalMark}", forced "${mark}"` }
}

// Whether values made canonical for `loaded` are what `final` wants: the same
// type, read the same way. (Thousands separators or a currency sign seen later
// change nothing: canonical numbers have neither.)
export function sameReading(loaded: InferredFormat, final: InferredFormat): boolean {
  switch (loaded.type) {
    case 'text':
      return final.type === 'text'
    case 'integer':
    case 'boolean':
      return final.type === loaded.type
    case 'decimal':
      return final.type === 'decimal' && final.decimalMark === loaded.decimalMark
    case 'date':
      return final.type === 'date' && final.order === loaded.order &&
        final.separator === loaded.separator
    case 'timestamp':
      return final.type === 'timestamp' && final.offset === loaded.offset
  }
}

// Whether a load copied as `loaded` can be served with the `final` formats: a
// column guessed typed must have kept its reading; one loaded as text can still
// be converted afterwards.
export function loadStands(loaded: InferredFormat[], final: InferredFormat[]): boolean {
  return loaded.every((format, i) => {
    const wanted = final[i]
    return wanted !== undefined && (format.type === 'text' || sameReading(format, wanted))
  })
}
