import { hasHeader, mode, preambleLength } from './header-row.js'
import { readRecords } from './sample-records.js'
import { moreTyped, typedColumns } from './typed-columns.js'
import { isBlankCell } from './values.js'

export { headerTest, sameAsHeader } from './header-row.js'

export type Delimiter = ',' | ';' | '\t' | '|'
export type Quote = '"' | "'" | null

export interface Dialect {
  delimiter: Delimiter
  // null: quotes are ordinary characters.
  quote: Quote
  header: boolean
  // Non-blank records before the header (title lines such as `Export du 03/04/2024`), as
  // the parser reads them with this delimiter and quote; the loader skips them.
  preamble: number
  // With `quote` null, the first line where a field starts with `"`: reading
  // quotes broke the sample there or after (a quote that never closes), so they
  // are kept as characters, and the report says so.
  strayQuote?: number
  // The uploader chose the quote: one that never closes is refused, even in a file
  // with no quoted field, where the loader would keep it as a character.
  quoteForced?: true
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
  // The records from the header on, and how many came before it.
  records: string[][]
  preamble: number
  // The modal number of delimiters per record, how many records have it, and their share.
  count: number
  frequency: number
  consistency: number
  // Records this reading finds blank: `"";""` is one with quotes read, a row without.
  blank: number
  // Records read in all, blank ones and titles included.
  read: number
  // Records from the header on with a field quoted on one line (see readRecords).
  quoted: number
}

// A line of only spaces (or only empty fields) says nothing about the dialect, and the
// loader skips it.
export function isBlankRecord(cells: string[]): boolean {
  return cells.every(isBlankCell)
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
  const kept = cut ? read.records.slice(0, -1) : read.records
  // A quote that never closes is no blank line, even when all it swallows is blank
  // (`"\t` then line ends to the end of the file); nor is a record this reading breaks
  // (`"\t"\t`, two ditto marks, is no quoted tab).
  const all = kept.filter((record) =>
    record === read.unclosed || read.broken.has(record) || !isBlankRecord(record))
  const blank = kept.length - all.length
  const preamble = preambleLength(all)
  const records = all.slice(preamble)

  const quoted = records.filter((r) => read.quoted.has(r) && !read.broken.has(r)).length

  // A record the tokenizer would refuse with this quote counts as read no way. So does
  // a quote left open at the end of the file, in a file that quotes no field: the loader
  // keeps it as a character (csv-tokenizer.ts), as reading without quotes does.
  const stray = complete && read.unclosed !== undefined && read.closedQuotes === 0
  const counts = records.map((record) =>
    read.broken.has(record) || (stray && record === read.unclosed) ? -1 : record.length - 1)
  let { value, frequency } = mode(counts)
  // Rows that drop their empty trailing fields (`Dupont` under `nom;telephone`) are
  // mostly without the delimiter; the header and the rows that hold one still say it.
  const headerCount = counts[0] ?? 0
  if (value === 0 && headerCount > 0 && counts.every((c) => c <= headerCount) &&
    counts.slice(1).some((c) => c > 0)) {
    value = headerCount
    frequency = counts.filter((c) => c === headerCount).length
  }
  // A header with one column over data with several is not a reading of the file.
  const count = records.length > 1 && records[0]?.length === 1 ? 0 : value

  const consistency = records.length === 0 ? 0 : frequency / records.length
  return {
    delimiter, quote, records, preamble, count, frequency, consistency, blank,
    read: kept.length, quoted
  }
}

// Most consistent first, then more delimiters per record, then more records read that
// way: a stray quote that never closes swallows the rest of the sample, which is seen as
// fewer records, so quoting loses to no quoting. A record a reading finds blank counts
// as read that way too: `"";"";""` is a blank row with quotes read, not a row of `""`.
// Last, between separators, more columns of numbers and dates: `N°;Taux, en %` over
// `1;81,1` splits alike with `;` and `,`, and only `;` leaves numbers. (Between quotes,
// the order of QUOTES decides: a name split at its comma can shift a number into a
// column.)
function better(a: Candidate, b: Candidate | undefined): boolean {
  if (b === undefined) return true
  if (a.consistency !== b.consistency) return a.consistency > b.consistency
  if (a.count !== b.count) return a.count > b.count
  if (a.frequency + a.blank !== b.frequency + b.blank) {
    return a.frequency + a.blank > b.frequency + b.blank
  }
  return a.delimiter !== b.delimiter && typedColumns(a.records) > typedColumns(b.records)
}

// Delimiter and quote that split the sample's records most consistently (the same
// non-zero number of delimiters on most records), then whether the first record is a
// header.
export function sniffDialect(sample: string, opts: SniffOptions = {}): Dialect {
  let best: Candidate | undefined
  let whole: Candidate | undefined
  for (const quote of QUOTES) {
    for (const delimiter of DELIMITERS) {
      const next = candidate(sample, delimiter, quote, opts.complete ?? false)
      if (next.count <= 0) continue
      if (better(next, best)) best = next
      if (explainsEveryLine(next) && better(next, whole)) whole = next
    }
  }
  // A reading that must call the first lines titles to be consistent may have taken the
  // header for one, because the rows split otherwise (`Dupont, Jean;12,50` read with `,`
  // under `nom;montant`, `"43,615"` read without quotes under `nom,latitude`). A reading
  // that splits every line alike, the first included, then wins if more of its columns
  // read as numbers and dates (or as large a share of fewer columns): a wrong split
  // leaves text (`Jean;12`, `"43`). Otherwise the title stays one: `Liste des
  // bénéficiaires, exercice 2023` above `Nom, prénom;…` splits alike with `,` too.
  if (best !== undefined && best.preamble > 0 && whole !== undefined &&
    hasHeader(whole.records) && moreTyped(whole.records, best.records)) {
    best = whole
  }

  // One column: every delimiter that never occurs keeps each line whole. Also when the
  // only reading with several took the header for a title and split quoted values
  // (`adresse` over `"98, rue de la Paix"`), which quotes read as one field each.
  if (best === undefined || splitsQuotedColumn(sample, best, opts.complete ?? false)) {
    const delimiter = DELIMITERS.find((d) => !sample.includes(d)) ?? ','
    best = candidate(sample, delimiter, '"', opts.complete ?? false)
  }
  // Fields that start with a quote under a reading that keeps quotes as characters,
  // while reading them splits every line alike, as many lines: the quotes are real, and
  // took fewer fields (`"Réalisé, 2023",CP` over `"13 118,88",92000`) or made a padded
  // title (`"Titre";"";""`) look as wide as the table. Quotes that join lines are not:
  // ditto marks (`"` under a value to repeat), a lone `"` cell, an unclosed `"Titre`.
  // Quotes are real too when most records quote a field on one line: one broken field
  // (`"Le "Grand" Café"`) then gets the file refused, naming it, rather than loaded with
  // the quotes of every other value kept as characters.
  if (best.quote === null && quotedFieldLine(sample, best.delimiter) !== undefined) {
    const quoted = candidate(sample, best.delimiter, '"', opts.complete ?? false)
    const alike = quoted.consistency === 1 && quoted.read >= best.read
    const quoting = quoted.count === best.count && quoted.quoted * 2 > quoted.records.length
    if (quoted.count > 0 && quoted.records.length > 1 && (alike || quoting)) best = quoted
  }

  const dialect: Dialect = {
    delimiter: best.delimiter,
    quote: best.quote,
    header: hasHeader(best.records),
    preamble: best.preamble
  }
  const stray = best.quote === null ? quotedFieldLine(sample, best.delimiter) : undefined
  if (stray !== undefined) dialect.strayQuote = stray
  return dialect
}

function explainsEveryLine(c: Candidate): boolean {
  return c.preamble === 0 && c.consistency === 1 && c.records.length > 1
}

function splitsQuotedColumn(sample: string, best: Candidate, complete: boolean): boolean {
  if (best.quote !== null || best.preamble === 0 || !sample.includes('"')) return false
  const quoted = candidate(sample, best.delimiter, '"', complete)
  return quoted.preamble === 0 && quoted.records.length > 1 &&
    quoted.records.every((record) => record.length === 1)
}

// The first line (1-based) with a field that starts with a double quote.
function quotedFieldLine(sample: string, delimiter: Delimiter): number | undefined {
  const lines = sample.split(/\r\n|\n|\r/)
  const at = lines.findIndex((line) => line.startsWith('"') || line.includes(delimiter + '"'))
  return at < 0 ? undefined : at + 1
}
