// Scans of CSV text: those the tokenizer (csv-tokenizer.ts) and the dialect sample
// (sample-records.ts) share, and the one that places a problem found before tokenizing.

const LF = 10
const CR = 13
const SPACE = 32

// Where `what` is next found from `from`; the text's length when nowhere.
export function find(text: string, what: string | null, from: number): number {
  const at = what === null ? -1 : text.indexOf(what, from)
  return at === -1 ? text.length : at
}

// Nothing but separators and spaces between two quotes, one separator at least.
export function onlySeparators(field: string, delimiter: string): boolean {
  if (!field.includes(delimiter)) return false
  for (const c of field) {
    if (c !== delimiter && c !== ' ' && c !== '\t') return false
  }
  return true
}

export function skipSpaces(text: string, from: number): number {
  let p = from
  while (text.charCodeAt(p) === SPACE) p++
  return p
}

// Line ends between `from` and `to`: CRLF, LF and a lone CR count one each.
export function countLines(text: string, from: number, to: number): number {
  let lines = 0
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p)
    if (c === LF) lines++
    else if (c === CR && text.charCodeAt(p + 1) !== LF) lines++
  }
  return lines
}

// The line and field (1-based) where `text` ends, read from `line` on, with the
// delimiter and quote given as char codes (-1: no quote). A quote opens a quoted field
// only where a field starts, as when reading records.
export function locate(
  text: string,
  from: number,
  dialect: { delimiter: number; quote: number; trims: boolean }
): { line: number; field: number } {
  const { delimiter, quote, trims } = dialect
  let line = from
  let field = 1
  let quoted = false
  let fieldStart = true
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p)
    if (c === LF || (c === CR && text.charCodeAt(p + 1) !== LF)) line++
    if (quoted) {
      if (c !== quote) continue
      if (text.charCodeAt(p + 1) === quote) p++
      else quoted = false
    } else if (c === delimiter) {
      field++
      fieldStart = true
    } else if (c === LF || c === CR) {
      if (c === LF || text.charCodeAt(p + 1) !== LF) field = 1
      fieldStart = true
    } else if (c === quote && fieldStart) {
      quoted = true
      fieldStart = false
    } else if (c !== SPACE || !trims) {
      fieldStart = false
    }
  }
  return { line, field }
}
