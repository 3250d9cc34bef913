import { digitAt, isDigit } from './values.js'
import { COLON, DOT, MINUS, PLUS, SLASH, SPACE, ZERO } from './char-codes.js'

// Dates and ISO 8601 timestamps, checked against the calendar (see values.ts for how
// the recognisers are written). A value is accepted only if PostgreSQL stores and gives
// it back unchanged: years 0001 to 9999 (in UTC for an instant), whole microseconds.
// A value that has the shape of one but is not gets a `problem`, for the column's reason.

export interface DateShape {
  order: 'ymd' | 'dmy'
  separator: '-' | '/' | '.'
  year: number
  month: number
  day: number
  problem: string | undefined
}

export const newDateShape = (): DateShape =>
  ({ order: 'ymd', separator: '-', year: 0, month: 0, day: 0, problem: undefined })

const NO_SUCH_DATE = 'no such date'

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

// Year 0 does not exist for PostgreSQL; 31/02 and 29/02/2023 do not exist at all.
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false
  if (month === 2 && day === 29) return isLeapYear(year)
  return day <= (DAYS_IN_MONTH[month - 1] ?? 0)
}

// The digit readers below run a few times on every cell of a date column: they are
// kept small enough for the compiler to inline them whole (a char code past the end is
// NaN, which no comparison lets through).
const isDigitValue = (d: number): boolean => d >= 0 && d <= 9

function readYear(s: string, i: number): number {
  const a = s.charCodeAt(i) - ZERO
  const b = s.charCodeAt(i + 1) - ZERO
  const c = s.charCodeAt(i + 2) - ZERO
  const d = s.charCodeAt(i + 3) - ZERO
  return isDigitValue(a) && isDigitValue(b) && isDigitValue(c) && isDigitValue(d)
    ? a * 1000 + b * 100 + c * 10 + d
    : -1
}

function readTwoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - ZERO
  const b = s.charCodeAt(i + 1) - ZERO
  return isDigitValue(a) && isDigitValue(b) ? a * 10 + b : -1
}

// Day and month of a dmy date take one or two digits (`4/3/2024`, `04/03/2024`).
const digitWidth = (s: string, i: number): number => (isDigit(s.charCodeAt(i + 1)) ? 2 : 1)

const readDigits = (s: string, i: number, width: number): number =>
  width === 2 ? readTwoDigits(s, i) : digitAt(s, i)

const separatorOf = (c: number): DateShape['separator'] | null =>
  c === MINUS ? '-' : c === SLASH ? '/' : c === DOT ? '.' : null

// `2024-03-04` and `2024/03/04` (ymd, two-digit month and day); `04/03/2024`, `4-3-2024`,
// `26.05.2014` (dmy, one or two digits). Years have four digits: `04/03/24` is ambiguous.
export function scanDate(s: string, out: DateShape): boolean {
  out.problem = undefined
  if (!readDate(s, out)) return false
  if (isCalendarDate(out.year, out.month, out.day)) return true

  out.problem = NO_SUCH_DATE
  return false
}

// The shape of a date, without the calendar.
function readDate(s: string, out: DateShape): boolean {
  const n = s.length
  if (n < 8 || n > 10) return false

  const year = n === 10 ? readYear(s, 0) : -1
  if (year >= 0) {
    const separator = separatorOf(s.charCodeAt(4))
    if (separator === null || separator === '.' || s.charCodeAt(7) !== s.charCodeAt(4)) {
      return false
    }
    out.order = 'ymd'
    out.separator = separator
    out.year = year
    out.month = readTwoDigits(s, 5)
    out.day = readTwoDigits(s, 8)
    return out.month >= 0 && out.day >= 0
  }

  let i = digitWidth(s, 0)
  const day = readDigits(s, 0, i)
  const separator = separatorOf(s.charCodeAt(i))
  if (day < 0 || separator === null) return false

  const separatorCode = s.charCodeAt(i++)
  const monthWidth = digitWidth(s, i)
  const month = readDigits(s, i, monthWidth)
  i += monthWidth
  if (month < 0 || s.charCodeAt(i++) !== separatorCode || n - i !== 4) return false

  out.order = 'dmy'
  out.separator = separator
  out.year = readYear(s, i)
  out.month = month
  out.day = day
  return out.year >= 0
}

export const dateKey = (d: DateShape): number => d.year * 10000 + d.month * 100 + d.day

// `-MM-DD` for every month and day, at month * 32 + day: every cell of a date column is
// rendered, and one concatenation allocates less than formatting three numbers.
const MONTH_DAYS: readonly string[] = Array.from({ length: 13 * 32 }, (_, i) => {
  const two = (v: number) => String(v).padStart(2, '0')
  return `-${two(Math.floor(i / 32))}-${two(i % 32)}`
})

export function canonicalDate(d: DateShape): string {
  const year = d.year < 1000 ? String(d.year).padStart(4, '0') : String(d.year)
  return year + (MONTH_DAYS[d.month * 32 + d.day] ?? '')
}

export interface TimestampShape {
  // An explicit `Z` or `±hh:mm`; without one the time is a wall-clock time.
  offset: boolean
  // Milliseconds since 1970 (offset applied when present), to track min and max.
  epochMs: number
  // Where the offset starts in the value (its length when there is none).
  offsetStart: number
  problem: string | undefined
}

export const newTimestampShape = (): TimestampShape =>
  ({ offset: false, epochMs: 0, offsetStart: 0, problem: undefined })

const NO_SUCH_TIME = 'no such time'
const BAD_OFFSET = 'unreadable UTC offset'
// PostgreSQL keeps microseconds and rounds the rest, which can carry into the next year.
const MAX_FRACTION_DIGITS = 6
const TOO_PRECISE = 'more than 6 fractional digits'
// The API gives instants in UTC, where an offset can carry year 1 into 1 BC and year 9999
// into 10000: PostgreSQL would store them, but serve a value the file never had.
const OUT_OF_RANGE = 'outside the years 0001–9999 in UTC'

const DAY_MS = 86_400_000

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
// Date.UTC would do, but maps the years 0–99 to 1900–1999.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468
}

const FIRST_MS = daysFromCivil(1, 1, 1) * DAY_MS
const END_MS = daysFromCivil(10000, 1, 1) * DAY_MS

// Reads `Z`, `±hh`, `±hhmm` or `±hh:mm` from `i` to the end; minutes east of UTC, or NaN.
function readOffset(s: string, i: number): number {
  const n = s.length
  const c = s.charCodeAt(i)
  if (c === 0x5a || c === 0x7a) return i + 1 === n ? 0 : NaN
  if (c !== PLUS && c !== MINUS) return NaN

  const hours = readTwoDigits(s, i + 1)
  let minutes = 0
  if (n === i + 6 && s.charCodeAt(i + 3) === COLON) minutes = readTwoDigits(s, i + 4)
  else if (n === i + 5) minutes = readTwoDigits(s, i + 3)
  else if (n !== i + 3) return NaN

  if (hours < 0 || hours > 15 || minutes < 0 || minutes > 59) return NaN
  return (c === MINUS ? -1 : 1) * (hours * 60 + minutes)
}

// `YYYY-MM-DD hh:mm` or `YYYY-MM-DDThh:mm` in digits at the start: a timestamp, valid or
// not. Whatever follows is checked by timestampProblem().
function hasTimestampShape(s: string): boolean {
  const sep = s.charCodeAt(10)
  if (s.length < 16 || (sep !== 0x54 && sep !== SPACE)) return false
  if (s.charCodeAt(4) !== MINUS || s.charCodeAt(7) !== MINUS || s.charCodeAt(13) !== COLON) {
    return false
  }
  return readYear(s, 0) >= 0 && readTwoDigits(s, 5) >= 0 && readTwoDigits(s, 8) >= 0 &&
    readTwoDigits(s, 11) >= 0 && readTwoDigits(s, 14) >= 0
}

// Fills `out` and says what is wrong with a value shaped like a timestamp, if anything.
function timestampProblem(s: string, out: TimestampShape): string | undefined {
  const year = readYear(s, 0)
  const month = readTwoDigits(s, 5)
  const day = readTwoDigits(s, 8)
  const hour = readTwoDigits(s, 11)
  const minute = readTwoDigits(s, 14)
  if (!isCalendarDate(year, month, day)) return NO_SUCH_DATE
  if (hour > 23 || minute > 59) return NO_SUCH_TIME

  let i = 16
  let second = 0
  let millis = 0
  if (s.charCodeAt(i) === COLON) {
    second = readTwoDigits(s, i + 1)
    if (second < 0 || second > 59) return NO_SUCH_TIME
    i += 3
    if (s.charCodeAt(i) === DOT) {
      const fractionStart = ++i
      let scale = 1000
      for (let d = digitAt(s, i); d >= 0; d = digitAt(s, ++i)) {
        scale /= 10
        millis += d * scale
      }
      if (i === fractionStart) return NO_SUCH_TIME
      if (i - fractionStart > MAX_FRACTION_DIGITS) return TOO_PRECISE
    }
  }

  out.offsetStart = i
  out.offset = i < s.length
  const offsetMinutes = out.offset ? readOffset(s, i) : 0
  if (Number.isNaN(offsetMinutes)) return BAD_OFFSET

  const localMs = ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor(millis)
  out.epochMs = daysFromCivil(year, month, day) * DAY_MS + localMs - offsetMinutes * 60_000
  return out.epochMs < FIRST_MS || out.epochMs >= END_MS ? OUT_OF_RANGE : undefined
}

// ISO 8601: `2024-03-04T10:20:30Z`, `2024-03-04 10:20:30.123+02:00`, `2024-05-26 00:00:00`.
// Seconds and fraction are optional; a `T` or a space separates date and time.
export function scanTimestamp(s: string, out: TimestampShape): boolean {
  out.problem = undefined
  if (!hasTimestampShape(s)) return false

  out.problem = timestampProblem(s, out)
  return out.problem === undefined
}

// `2024-03-04 10:20:30+0200` → `2024-03-04T10:20:30+02:00`.
export function canonicalTimestamp(s: string, shape: TimestampShape): string {
  const local = `${s.slice(0, 10)}T${s.slice(11, shape.offsetStart)}`
  if (!shape.offset) return local

  const offset = s.slice(shape.offsetStart)
  if (offset === 'Z' || offset === 'z') return `${local}Z`
  const digits = offset.replace(':', '')
  return `${local}${digits.slice(0, 3)}:${digits.length > 3 ? digits.slice(3) : '00'}`
}

export interface TimestampFilter {
  // The form the loader stores: `T` between date and time, offset as `Z` or `±hh:mm`.
  canonical: string
  // An instant (with an offset), or a wall-clock time.
  zoned: boolean
}

// For the records API, which must accept a filter value exactly as the loader accepts a
// cell, or null. No trimming: unlike a spreadsheet cell, a filter value has no padding to
// forgive.
export function parseTimestampFilter(value: string): TimestampFilter | null {
  const shape = newTimestampShape()
  if (!scanTimestamp(value, shape)) return null
  return { canonical: canonicalTimestamp(value, shape), zoned: shape.offset }
}

// A date filter value in the only form the API gives dates in: `YYYY-MM-DD`, a real day
// of the years 0001 to 9999.
export function isCalendarDateText(value: string): boolean {
  const shape = newDateShape()
  return scanDate(value, shape) && shape.order === 'ymd' && shape.separator === '-'
}
