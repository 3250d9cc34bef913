import { canonicalValue, matchesFormat } from './canonical.js'
import { ColumnInferrer, type InferredFormat } from './infer.js'
import { isBlankCell, normaliseCell } from './values.js'

// Where a table starts, in the records of a dialect's reading (dialect.ts): title lines
// above it, whether its first record names the columns, and the header found again
// further down.

// Exports put at most a few title lines above the header; beyond this many records, a
// narrow line is data of a ragged file, not a title.
const MAX_PREAMBLE = 10

const BOM = 0xfeff

// NULs are removed from cells (rows.ts): a header padded with them is still the header.
const headerCell = (cell: string | undefined): string => {
  const raw = cell ?? ''
  const value = normaliseCell(raw.includes('\0') ? raw.replaceAll('\0', '') : raw)
  return value.charCodeAt(0) === BOM ? value.slice(1) : value
}

// A header line repeated in the data (some exports write it at every page break).
// Missing trailing cells compare as empty, as spreadsheets drop or add empty ones.
export function sameAsHeader(cells: string[], header: string[]): boolean {
  return headerTest(header)(cells)
}

// The same test with the header's cells prepared once: the loader runs it on
// every record.
export function headerTest(header: string[]): (cells: string[]) => boolean {
  const expected = header.map(headerCell)
  return (cells) => {
    let nonEmpty = false
    for (let i = 0; i < Math.max(cells.length, expected.length); i++) {
      const cell = headerCell(cells[i])
      if (cell !== (expected[i] ?? '')) return false
      nonEmpty ||= cell !== ''
    }
    return nonEmpty
  }
}

// The most frequent value (the largest on a tie) and how often it occurs.
export function mode(values: number[]): { value: number; frequency: number } {
  const frequencies = new Map<number, number>()
  for (const v of values) frequencies.set(v, (frequencies.get(v) ?? 0) + 1)

  let value = 0
  let frequency = 0
  for (const [v, f] of frequencies) {
    if (f > frequency || (f === frequency && v > value)) {
      value = v
      frequency = f
    }
  }
  return { value, frequency }
}

// Fields up to the last non-empty one: spreadsheets add or drop empty trailing fields,
// and write a title in A1 as `Titre;;;`.
function width(record: string[]): number {
  for (let i = record.length; i > 0; i--) {
    if (!isBlankCell(record[i - 1] ?? '')) return i
  }
  return 0
}

const filledCells = (record: string[]): number =>
  record.reduce((n, cell) => (isBlankCell(cell) ? n : n + 1), 0)

// Title lines above the header. The header is the first record, among the first few,
// with at least two values and about as wide as the table (one less, for an unnamed last
// column); the records before it are the preamble, provided the header does not look
// like data. So `Export du 03/04/2024`, `Titre;;;` or `Commune;Montpellier` above a
// four-column table are a preamble, while a repeated header is not (it is as wide), and
// `taux` over `1,5` read with `,` is not either (`1,5` looks like data).
// Known miss: a title of two values over a three-column table is taken for the header.
export function preambleLength(records: string[][]): number {
  const window = records.slice(0, MAX_PREAMBLE + 1)
  const first = window.findIndex((record) => filledCells(record) >= 2)
  if (first < 0) return 0

  const tableWidth = mode(records.slice(first).map(width)).value
  const header = window.findIndex((record, i) =>
    i >= first && filledCells(record) >= 2 && width(record) >= tableWidth - 1)
  if (header <= 0) return 0
  return hasHeader(records.slice(header)) ? header : 0
}

// The first record is a header unless it looks like data: each of its cells fits the
// type inferred from the rest of its column, and at least one sits in a number or date
// column. Header lines repeated below are left out of the inference.
// Known miss: a header made of labels over text columns and years over number columns
// (`Libellé;2013;2014`) reads as data, and the columns are then named column_1, ….
export function hasHeader(records: string[][]): boolean {
  const [first, ...others] = records
  if (first === undefined) return true

  const rest = others.filter((record) => !sameAsHeader(record, first))
  let numberOrDate = false
  for (let column = 0; column < first.length; column++) {
    const inferrer = new ColumnInferrer()
    rest.forEach((record, i) => inferrer.observe(record[column] ?? '', i + 2))
    const { format } = inferrer.result()

    const cell = first[column] ?? ''
    if (isCode(format, cell)) continue
    if (!matchesFormat(format, cell)) return true
    const typed = format.type !== 'text' && format.type !== 'boolean'
    if (typed && canonicalValue(format, cell) !== null) numberOrDate = true
  }
  return !numberOrDate
}

// Digits with a leading zero (`09122`, an INSEE code) over a column of numbers: the column
// holds codes, some of them written with a zero, and no header names a column so.
function isCode(format: InferredFormat, cell: string): boolean {
  return format.type === 'integer' && /^0\d+$/.test(normaliseCell(cell))
}
