import { onlySeparators } from './csv-text.js'

export interface SampleRecords {
  records: string[][]
  // False when the text ends inside the last record (no line break after it, or an open
  // quote): a sample cut at 64 KiB usually does.
  lastComplete: boolean
  // The records the loader's tokenizer would refuse with this quote: a quote inside
  // an unquoted field (`Le "Grand" Café`, `l'été`), or text after a closing quote.
  broken: ReadonlySet<string[]>
  // The records with a field quoted on one line and closed where it should be: the
  // mark of a file that quotes its fields, which ditto marks (`"` under a value) and
  // inch marks (`24"`) are not.
  quoted: ReadonlySet<string[]>
  // Fields read as quoted and closed where they should be, on one line or more: the
  // loader's test for a file that quotes its fields (see csv-tokenizer.ts).
  closedQuotes: number
  // The last record, when its quote never closes: whatever it holds is no blank line.
  unclosed?: string[]
}

// A small, lenient RFC 4180 reader for the dialect sample only (the loader streams with
// csv-tokenizer.ts). A quote opens a quoted field only at the start of the field; inside,
// a doubled quote is a literal quote, and delimiters and line breaks are data. Text after
// a closing quote is kept, and the record marked broken, as is one with a quote inside
// an unquoted field. Records end at CRLF, LF or a lone CR.
export function readRecords(
  text: string,
  delimiter: string,
  quote: string | null,
  limit: number
): SampleRecords {
  const records: string[][] = []
  const broken = new Set<string[]>()
  const quotedRecords = new Set<string[]>()
  let closedQuotes = 0
  const n = text.length
  let record: string[] = []
  let i = 0
  // As the tokenizer reads them: spaces around quotes are allowed unless tabs delimit.
  const trims = delimiter !== '\t'

  while (i < n && records.length < limit) {
    let field = ''
    const start = trims ? skipSpaces(text, i) : i
    let quoted = false
    if (quote !== null && text[start] === quote) {
      quoted = true
      const close = closingQuote(text, start + 1, quote)
      if (close < 0) {
        record.push(text.slice(start + 1).replaceAll(quote + quote, quote))
        records.push(record)
        return {
          records, lastComplete: false, broken, quoted: quotedRecords, closedQuotes,
          unclosed: record
        }
      }
      field = text.slice(start + 1, close).replaceAll(quote + quote, quote)
      i = close + 1
    }

    const end = fieldEnd(text, i, delimiter)
    const rest = text.slice(i, end)
    const after = trims ? rest.replace(/^ +/, '') : rest
    if (quoted && after === '') closedQuotes++
    if (quoted ? after !== '' : quote !== null && rest.includes(quote)) broken.add(record)
    // Two stray quotes around separators (ditto marks side by side, `"\t"`).
    else if (quoted && onlySeparators(field, delimiter)) broken.add(record)
    else if (quoted && !field.includes('\n') && !field.includes('\r')) quotedRecords.add(record)
    record.push(field + rest)
    i = end

    if (i >= n) {
      records.push(record)
      return { records, lastComplete: false, broken, quoted: quotedRecords, closedQuotes }
    }
    if (text[i] === delimiter) {
      i++
      if (i === n) {
        record.push('')
        records.push(record)
        return { records, lastComplete: false, broken, quoted: quotedRecords, closedQuotes }
      }
      continue
    }

    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1
    records.push(record)
    record = []
  }
  return { records, lastComplete: true, broken, quoted: quotedRecords, closedQuotes }
}

function skipSpaces(text: string, from: number): number {
  let i = from
  while (text[i] === ' ') i++
  return i
}

// Index of the quote that closes a field opened before `from`, or -1.
function closingQuote(text: string, from: number, quote: string): number {
  let i = from
  for (;;) {
    const q = text.indexOf(quote, i)
    if (q < 0) return -1
    if (text[q + 1] !== quote) return q
    i = q + 2
  }
}

function fieldEnd(text: string, from: number, delimiter: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === delimiter || c === '\n' || c === '\r') return i
  }
  return text.length
}
