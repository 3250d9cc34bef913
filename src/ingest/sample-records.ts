export interface SampleRecords {
  records: string[][]
  // False when the text ends inside the last record (no line break after it, or an open
  // quote): a sample cut at 64 KiB usually does.
  lastComplete: boolean
}

// A small, lenient RFC 4180 reader for the dialect sample only (the loader streams with
// csv-parse). A quote opens a quoted field only at the start of the field; inside, a
// doubled quote is a literal quote, and delimiters and line breaks are data. Text after
// a closing quote is kept. Records end at CRLF, LF or a lone CR.
export function readRecords(
  text: string,
  delimiter: string,
  quote: string | null,
  limit: number
): SampleRecords {
  const records: string[][] = []
  const n = text.length
  let record: string[] = []
  let i = 0

  while (i < n && records.length < limit) {
    let field = ''
    if (quote !== null && text[i] === quote) {
      const close = closingQuote(text, i + 1, quote)
      if (close < 0) {
        record.push(text.slice(i + 1).replaceAll(quote + quote, quote))
        records.push(record)
        return { records, lastComplete: false }
      }
      field = text.slice(i + 1, close).replaceAll(quote + quote, quote)
      i = close + 1
    }

    const end = fieldEnd(text, i, delimiter)
    record.push(field + text.slice(i, end))
    i = end

    if (i >= n) {
      records.push(record)
      return { records, lastComplete: false }
    }
    if (text[i] === delimiter) {
      i++
      if (i === n) {
        record.push('')
        records.push(record)
        return { records, lastComplete: false }
      }
      continue
    }

    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1
    records.push(record)
    record = []
  }
  return { records, lastComplete: true }
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
