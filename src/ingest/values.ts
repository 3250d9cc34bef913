import { CR, LF, MINUS, NBSP, NNBSP, SPACE, TAB, ZERO } from './char-codes.js'

// What every cell goes through, and the character tests the value recognisers share.
// The recognisers (numbers.ts, dates.ts) run on millions of cells: they read char codes
// by hand, with no regular expression (no backtracking on a 10 kB cell), and write their
// result into a shape object the caller creates once and reuses for every value.

export const DEFAULT_NULL_MARKERS: readonly string[] = ['NA', 'N/A', 'n/a', '-', 'null', 'NULL']

// A set of null markers, asked about every cell. Cells are fresh strings, which
// Set.has would hash whole: markers are short words, and the length and the first
// character answer for most cells without hashing them.
export class NullMarkers {
  readonly #set: ReadonlySet<string>
  readonly #maxLength: number
  // By char code below 128, whether a marker starts with it.
  readonly #first = new Uint8Array(128)

  constructor(markers: readonly string[]) {
    this.#set = new Set(markers)
    this.#maxLength = markers.reduce((max, marker) => Math.max(max, marker.length), -1)
    for (const marker of markers) {
      const c = marker.charCodeAt(0)
      if (c < 128) this.#first[c] = 1
    }
  }

  has(value: string): boolean {
    if (value.length > this.#maxLength) return false
    // NaN for '', which is left to the set like any character past 127.
    const c = value.charCodeAt(0)
    return !(c < 128 && this.#first[c] === 0) && this.#set.has(value)
  }
}

export const isDigit = (c: number): boolean => c >= ZERO && c <= ZERO + 9

// The digit at `i`, or -1 (past the end too: NaN fails both tests). Written without a
// call so that the recognisers' loops inline it whole.
export const digitAt = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - ZERO
  return d >= 0 && d <= 9 ? d : -1
}

const isPadding = (c: number): boolean =>
  c === SPACE || c === TAB || c === NBSP || c === NNBSP || c === CR || c === LF

// Spreadsheets pad cells (`  1 063 850,00    `, `     135`); the padding is never data.
export function normaliseCell(raw: string): string {
  let start = 0
  let end = raw.length
  while (start < end && isPadding(raw.charCodeAt(start))) start++
  while (end > start && isPadding(raw.charCodeAt(end - 1))) end--
  return start === 0 && end === raw.length ? raw : raw.slice(start, end)
}

// True for a cell that normaliseCell() would make empty once its NULs are removed
// (rows.ts), without building the string: a line of NUL padding is a blank line.
export function isBlankCell(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c !== 0 && !isPadding(c)) return false
  }
  return true
}

// `01004`, `-07`, `0341303G`: a zero followed by a digit is a code, whose zeros matter.
export function hasLeadingZero(value: string): boolean {
  const start = value.charCodeAt(0) === MINUS ? 1 : 0
  return value.charCodeAt(start) === ZERO && isDigit(value.charCodeAt(start + 1))
}

// Whether `s` is `word` (lower-case ASCII letters) in any case, as s.toLowerCase() ===
// word would say. `c | 0x20` is the lower case of an ASCII letter and maps no other
// character to a letter. Outside ASCII only İ (to i and a combining dot) and the Kelvin
// sign (to k) lower-case to ASCII letters, and neither can spell a word below.
function isWordInAnyCase(s: string, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if ((s.charCodeAt(i) | 0x20) !== word.charCodeAt(i)) return false
  }
  return true
}

// true/false, oui/non, vrai/faux in any case. Not 0/1: those are integers. Checked by
// length first and without lower-casing a copy: it runs on every cell of a column.
export function scanBoolean(s: string): boolean | null {
  switch (s.length) {
    case 3:
      return isWordInAnyCase(s, 'oui') ? true : isWordInAnyCase(s, 'non') ? false : null
    case 4:
      if (isWordInAnyCase(s, 'true') || isWordInAnyCase(s, 'vrai')) return true
      return isWordInAnyCase(s, 'faux') ? false : null
    case 5:
      return isWordInAnyCase(s, 'false') ? false : null
    default:
      return null
  }
}
