// Scans of CSV text the tokenizer (csv-tokenizer.ts) and the dialect sample
// (sample-records.ts) share.

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
