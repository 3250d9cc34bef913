import { type DateShape, scanDate, scanTimestamp, type TimestampShape } from './dates.js'
import { type NumberShape, scanNumber } from './numbers.js'
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

// A value with the shape of a date or a timestamp that is not a valid one, and why.
function nearMissOf(value: string, r: Reading) {
  scanDate(value, r.date)
  if (r.date.problem !== undefined) return { type: 'date', problem: r.date.problem } as const

  scanTimestamp(value, r.timestamp)
  const problem = r.timestamp.problem
  return problem === undefined ? undefined : { type: 'timestamp', problem } as const
}
