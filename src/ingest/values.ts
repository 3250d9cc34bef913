import { CR, LF, MINUS, NBSP, NNBSP, SPACE, TAB, ZERO } from './char-codes.js'

// What every cell goes through, and the character tests the value recognisers share.
// The recognisers (numbers.ts, dates.ts) run on millions of cells: they read char codes
// by hand, with no regular expression (no backtracking on a 10 kB cell), and write their
// result into a shape object the caller creates once and reuses for every value.

export const DEFAULT_NULL_MARKERS: readonly string[] = ['NA', 'N/A', 'n/a', '-', 'null', 'NULL']

export const isDigit = (c: number): boolean => c >= ZERO && c <= ZERO + 9

export const digitAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i)
  return isDigit(c) ? c - ZERO : -1
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

// True for a cell that normaliseCell() would make empty, without building the string.
export function isBlankCell(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    if (!isPadding(raw.charCodeAt(i))) return false
  }
  return true
}

// `01004`, `-07`, `0341303G`: a zero followed by a digit is a code, whose zeros matter.
export function hasLeadingZero(value: string): boolean {
  const start = value.charCodeAt(0) === MINUS ? 1 : 0
  return value.charCodeAt(start) === ZERO && isDigit(value.charCodeAt(start + 1))
}

// true/false, oui/non, vrai/faux in any case. Not 0/1: those are integers.
export function scanBoolean(s: string): boolean | null {
  if (s.length < 3 || s.length > 5) return null
  switch (s.toLowerCase()) {
    case 'true': case 'oui': case 'vrai': return true
    case 'false': case 'non': case 'faux': return false
    default: return null
  }
}
