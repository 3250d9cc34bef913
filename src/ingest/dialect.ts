import { canonicalValue, matchesFormat } from './canonical.js'
import { ColumnInferrer } from './infer.js'
import { readRecords } from './sample-records.js'
import { isBlankCell, normaliseCell } from './values.js'

export type Delimiter = ',' | ';' | '\t' | '|'
export type Quote = '"' | "'" | null

export interface Dialect {
  delimiter: Delimiter
  // null: quotes are ordinary characters.
  quote: Quote
  header: boolean
}

export interface SniffOptions {
  // The sample is the whole file, so its last record is complete even without a final
  // line break. By default the sample is taken as cut at an arbitrary point.
  complete?: boolean
}

const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|']

// In order of preference when two quotes explain the sample equally well: `"` is the
// RFC 4180 quote and harmless when unused; `'` wins only when it explains the sample
// strictly better, as French text is full of apostrophes.
const QUOTES: readonly Quote[] = ['"', null, "'"]

const MAX_RECORDS = 1000

interface Candidate {
  delimiter: Delimiter
  quote: Quote
  records: string[][]
  // The modal number of delimiters per record, how many records have it, and their share.
  count: number
  frequency: number
  consistency: number
}

// A line of only spaces (or only empty fields) says nothing about the dialect, and the
// loader skips it.
export function isBlankRecord(cells: string[]): boolean {
  return cells.every(isBlankCell)
}

const headerCell = (cell: string | undefined): string =>
  normaliseCell(cell ?? '').replace(/^\uFEFF/, '')

// A header line repeated in the data (some exports write it at every page break).
// Missing trailing cells compare as empty, as spreadsheets drop or add empty ones.
export function sameAsHeader(cells: string[], header: string[]): boolean {
  let nonEmpty = false
  for (let i = 0; i < Math.max(cells.length, header.length); i++) {
    const cell = headerCell(cells[i])
    if (cell !== headerCell(header[i])) return false
    nonEmpty ||= cell !== ''
  }
  return nonEmpty
}

function candidate(
  sample: string,
  delimiter: Delimiter,
  quote: Quote,
  complete: boolean
): Candidate {
  const read = readRecords(sample, delimiter, quote, MAX_RECORDS)
  // The last record of a cut sample may be missing fields; drop it, unless it is the
  // only one.
  const cut = !complete && !read.lastComplete && read.records.length > 1
  const records = (cut ? read.records.slice(0, -1) : read.records)
    .filter((record) => !isBlankRecord(record))

  const frequencies = new Map<number, number>()
  for (const record of records) {
    const count = record.length - 1
    frequencies.set(count, (frequencies.get(count) ?? 0) + 1)
  }

  let count = 0
  let frequency = 0
  for (const [c, f] of frequencies) {
    if (f > frequency || (f === frequency && c > count)) {
      count = c
      frequency = f
    }
  }

  // A header with one column over data with several is not a reading of the file.
  if (records.length > 1 && records[0]?.length === 1) count = 0

  const consistency = records.length === 0 ? 0 : frequency / records.length
  return { delimiter, quote, records, count, frequency, consistency }
}

// Most consistent first, then more delimiters per record, then more records read that
// way: a stray quote that never closes swallows the rest of the sample, which is seen as
// fewer records, so quoting loses to no quoting.
function better(a: Candidate, b: Candidate | undefined): boolean {
  if (b === undefined) return true
  if (a.consistency !== b.consistency) return a.consistency > b.consistency
  if (a.count !== b.count) return a.count > b.count
  return a.frequency > b.frequency
}

// Delimiter and quote that split the sample's records most consistently (the same
// non-zero number of delimiters on most records), then whether the first record is a
// header.
export function sniffDialect(sample: string, opts: SniffOptions = {}): Dialect {
  let best: Candidate | undefined
  for (const quote of QUOTES) {
    for (const delimiter of DELIMITERS) {
      const next = candidate(sample, delimiter, quote, opts.complete ?? false)
      if (next.count > 0 && better(next, best)) best = next
    }
  }

  // One column: any delimiter that never occurs keeps each line whole.
  if (best === undefined) {
    const delimiter = DELIMITERS.find((d) => !sample.includes(d)) ?? ','
    best = candidate(sample, delimiter, '"', opts.complete ?? false)
  }

  return { delimiter: best.delimiter, quote: best.quote, header: hasHeader(best.records) }
}

// The first record is a header unless it looks like data: each of its cells fits the
// type inferred from the rest of its column, and at least one sits in a number or date
// column. Header lines repeated below are left out of the inference.
// Known miss: a header made of labels over text columns and years over number columns
// (`Libellé;2013;2014`) reads as data, and the columns are then named column_1, ….
function hasHeader(records: string[][]): boolean {
  const [first, ...others] = records
  if (first === undefined) return true

  const rest = others.filter((record) => !sameAsHeader(record, first))
  let numberOrDate = false
  for (let column = 0; column < first.length; column++) {
    const inferrer = new ColumnInferrer()
    rest.forEach((record, i) => inferrer.observe(record[column] ?? '', i + 2))
    const { format } = inferrer.result()

    const cell = first[column] ?? ''
    if (!matchesFormat(format, cell)) return true
    const typed = format.type !== 'text' && format.type !== 'boolean'
    if (typed && canonicalValue(format, cell) !== null) numberOrDate = true
  }
  return !numberOrDate
}
