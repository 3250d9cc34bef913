import { digitAt, isDigit } from './values.js'
import { COMMA, DOT, EURO, MINUS, NBSP, NNBSP, SPACE, ZERO } from './char-codes.js'

// Integers and decimals as French files write them (see values.ts for how the
// recognisers are written).

// French thousands separators: space, no-break space, narrow no-break space (what
// LibreOffice and recent Excel versions write).
const isGroupSeparator = (c: number): boolean => c === SPACE || c === NBSP || c === NNBSP

export interface NumberShape {
  decimalMark: '.' | ',' | null
  grouping: boolean
  currency: boolean
  // Without a decimal mark: whether it fits a PostgreSQL bigint.
  fitsInt64: boolean
  // Approximate value, only to keep track of the minimum and maximum.
  value: number
}

export const newNumberShape = (): NumberShape =>
  ({ decimalMark: null, grouping: false, currency: false, fitsInt64: true, value: 0 })

const INT64_MAX = '9223372036854775807'

// No quantity has more digits than this; PostgreSQL's numeric would refuse past
// 131,072 before the decimal mark and 16,383 after it. Longer digit strings are
// identifiers or garbage, and stay text.
export const MAX_DIGITS = 1000

// A 19-digit integer fits a bigint if not above 2^63 - 1 (2^63 when negative).
function fitsInt64(s: string, start: number, end: number, negative: boolean): boolean {
  let k = 0
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i)
    if (!isDigit(c)) continue

    const limit = k === 18 && negative ? ZERO + 8 : INT64_MAX.charCodeAt(k)
    if (c !== limit) return c < limit
    k++
  }
  return true
}

// Accepted: `-12`, `12 350 000`, `1234.56`, `-0,5`, `1 234,56`, `3 €`. Rejected: a leading
// `+` (phone numbers), leading zeros (codes), exponents and hex (`1e5`, `0x1A`), `.5` and
// `5.` (section numbers like `1.` are labels), and `1,234.56`: a comma is always the
// French decimal mark, never a thousands separator.
export function scanNumber(s: string, out: NumberShape): boolean {
  let end = s.length
  out.currency = false
  if (end > 0 && s.charCodeAt(end - 1) === EURO) {
    out.currency = true
    end--
    if (end > 0 && isGroupSeparator(s.charCodeAt(end - 1))) end--
  }

  const negative = s.charCodeAt(0) === MINUS
  const start = negative ? 1 : 0
  let i = start
  let value = 0
  for (let d = digitAt(s, i); i < end && d >= 0; d = digitAt(s, ++i)) value = value * 10 + d

  let digits = i - start
  if (digits === 0 || (digits > 1 && s.charCodeAt(start) === ZERO)) return false

  // Thousands groups: a first group of 1 to 3 digits, then exactly 3 after each separator.
  out.grouping = false
  if (i < end && isGroupSeparator(s.charCodeAt(i))) {
    if (digits > 3 || s.charCodeAt(start) === ZERO) return false
    while (i < end && isGroupSeparator(s.charCodeAt(i))) {
      if (i + 3 >= end) return false
      for (let k = 1; k <= 3; k++) {
        const d = digitAt(s, i + k)
        if (d < 0) return false
        value = value * 10 + d
      }
      i += 4
      digits += 3
    }
    out.grouping = true
  }
  const integerEnd = i

  out.decimalMark = null
  if (i < end) {
    const mark = s.charCodeAt(i)
    if (mark !== DOT && mark !== COMMA) return false
    out.decimalMark = mark === DOT ? '.' : ','

    let scale = 1
    for (let d = digitAt(s, ++i); i < end && d >= 0; d = digitAt(s, ++i)) {
      scale /= 10
      value += d * scale
    }
    if (scale === 1 || i !== end) return false
  }
  if (i - start > MAX_DIGITS) return false

  out.value = negative ? -value : value
  out.fitsInt64 = out.decimalMark === null &&
    (digits < 19 || (digits === 19 && fitsInt64(s, start, integerEnd, negative)))
  return true
}

// `-1 234,50 €` → `-1234.50`: the text PostgreSQL's numeric and bigint accept. Runs on
// every cell of a typed column: the kept characters are copied a run at a time, and a
// value that is already canonical (`-12`, `1234.56`) comes back as it is.
export function canonicalNumber(s: string): string {
  let out = ''
  let run = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isDigit(c) || c === MINUS || c === DOT) continue
    out += s.slice(run, i)
    if (c === COMMA) out += '.'
    run = i + 1
  }
  return run === 0 ? s : out + s.slice(run)
}

// canonicalNumber() of a value scanNumber() has just accepted into `shape`. Without
// thousands groups, a currency sign or a decimal comma, it is canonical already.
export function canonicalScannedNumber(s: string, shape: NumberShape): string {
  return shape.grouping || shape.currency || shape.decimalMark === ',' ? canonicalNumber(s) : s
}
