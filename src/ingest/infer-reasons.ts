import { type DateShape, scanDate, scanTimestamp, type TimestampShape } from './dates.js'
import { MAX_DIGITS, type NumberShape, scanNumber } from './numbers.js'
import { hasLeadingZero } from './values.js'

// Why a column that looked typed falls back to text, for the report (see infer.ts).

// What the inferrer held when a value broke it: its candidate type ('none' before any
// value) and reading, and its scratch shapes, which the explanation may overwrite.
export interface Reading {
  state: 'none' | 'integer' | 'decimal' | 'date' | 'timestamp' | 'boolean'
  decimalMark: '.' | ',' | null
  order: 'ymd' | 'dmy'
  separator: '-' | '/' | '.'
  offset: boolean
  number: NumberShape
  date: DateShape
  timestamp: TimestampShape
}

const QUOTED_MAX = 40

const quote = (value: string): string =>
  JSON.stringify(value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}…` : value)

// The reason names the first value that broke the type, so a publisher can fix it. A
// value that only looks like a date or a timestamp is named even as the first value.
export function explainFallback(value: string, line: number, r: Reading): string | undefined {
  const { state } = r
  const at = `${quote(value)} at line ${line}`
  const nearMiss = nearMissOf(value, r)
  if (nearMiss !== undefined && (state === 'none' || state === nearMiss.type)) {
    return `not a ${nearMiss.type}: ${at} (${nearMiss.problem})`
  }

  const numeric = state === 'none' || state === 'integer' || state === 'decimal'
  const notNumber = numeric ? numberNearMiss(value) : undefined
  if (notNumber !== undefined) return `not a number: ${at} (${notNumber})`
  if (numeric && hasLeadingZero(value)) return `leading zeros (line ${line}: ${quote(value)})`
  if (state === 'none') return undefined

  if (numeric && scanNumber(value, r.number)) {
    return `mixed decimal marks: ${at} ("${r.decimalMark ?? '.'}" until then)`
  }
  if (state === 'date' && scanDate(value, r.date)) {
    return `mixed date formats: ${at} (${r.order} "${r.separator}" until then)`
  }
  if (state === 'timestamp' && scanTimestamp(value, r.timestamp)) {
    const until = r.offset ? 'with' : 'without'
    return `mixed time zones: ${at} (${until} offset until then)`
  }
  return `mixed: ${at} (${state} until then)`
}

// Spellings a spreadsheet writes that we do not read as numbers, as they could be
// read two ways or are not plain quantities: said, rather than left unexplained.
const DOTTED_THOUSANDS = /^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/
const PERCENT = /^[+-]?\d[\d \u00a0\u202f]*([.,]\d+)?[ \u00a0\u202f]?%$/
const LONG_DIGITS = new RegExp(`^-?\\d{${MAX_DIGITS + 1},}`)
const SHORT_YEAR_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2\d{2}$/

function numberNearMiss(value: string): string | undefined {
  if (DOTTED_THOUSANDS.test(value) && (value.includes(',') || /\..*\./.test(value))) {
    return 'dots between thousands are not read; write 1234,56 or 1 234,56'
  }
  if (PERCENT.test(value)) return 'percentages are not read as numbers; drop the % sign'
  if (LONG_DIGITS.test(value)) return `more than ${MAX_DIGITS} digits: no quantity has as many`
  return undefined
}

// A value with the shape of a date or a timestamp that is not a valid one, and why.
function nearMissOf(value: string, r: Reading) {
  scanDate(value, r.date)
  if (r.date.problem !== undefined) return { type: 'date', problem: r.date.problem } as const

  const short = SHORT_YEAR_DATE.exec(value)
  if (short !== null && Number(short[1]) <= 31 && Number(short[3]) <= 12) {
    return { type: 'date', problem: 'two-digit year; write the year in full' } as const
  }

  scanTimestamp(value, r.timestamp)
  const problem = r.timestamp.problem
  return problem === undefined ? undefined : { type: 'timestamp', problem } as const
}
