import {
  canonicalDate, canonicalTimestamp, dateKey, newDateShape, newTimestampShape, scanDate,
  scanTimestamp
} from './dates.js'
import { canonicalNumber, newNumberShape, scanNumber } from './numbers.js'
import {
  DEFAULT_NULL_MARKERS, hasLeadingZero, normaliseCell, NullMarkers, scanBoolean
} from './values.js'

export { canonicalValue, matchesFormat } from './canonical.js'
export { DEFAULT_NULL_MARKERS, normaliseCell } from './values.js'

export type ColumnType = 'integer' | 'decimal' | 'date' | 'timestamp' | 'boolean' | 'text'

export type InferredFormat =
  // `reason` says why a column that looked typed fell back to text.
  | { type: 'text'; reason?: string }
  // `grouping`: thousands separators seen; `currency`: a trailing € seen.
  | { type: 'integer'; grouping: boolean; currency: boolean }
  | { type: 'decimal'; decimalMark: '.' | ','; grouping: boolean; currency: boolean }
  | { type: 'date'; order: 'ymd' | 'dmy'; separator: '-' | '/' | '.' }
  // `offset`: every value has `Z` or `±hh:mm` (an instant, timestamptz). Without offset
  // the values are wall-clock times as written (timestamp without time zone): the file
  // does not say which zone, and we do not guess one.
  | { type: 'timestamp'; offset: boolean }
  | { type: 'boolean' }

export interface ColumnStats {
  format: InferredFormat
  // Empty cells, plus null markers when the column is typed.
  nullCount: number
  nonNullCount: number
  // Null markers seen (`NA`, `-`…); in a text column they count as values.
  markerCount: number
  // Canonical values (see canonicalValue) for typed columns; code-unit order for text.
  min?: string
  max?: string
}

export interface InferrerOptions { nullMarkers?: readonly string[] }

type State = 'none' | Exclude<ColumnType, 'text'> | 'text'

const QUOTED_MAX = 40

const quote = (value: string): string =>
  JSON.stringify(value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}…` : value)

// Infers a column's type from every one of its values, in one pass and constant memory.
// The first value picks a candidate type; each later value must fit it (an integer may
// widen to decimal), or the column becomes text for good and later values are only
// counted. Number, date, timestamp and boolean spellings never overlap, so one value
// never leaves two candidates open.
export class ColumnInferrer {
  readonly #markers: NullMarkers
  #state: State = 'none'
  #reason: string | undefined

  #empty = 0
  #markerCount = 0
  #values = 0

  #grouping = false
  #currency = false
  #decimalMark: '.' | ',' | null = null
  #order: 'ymd' | 'dmy' = 'ymd'
  #separator: '-' | '/' | '.' = '-'
  #offset = false

  // Typed extremes are compared by a numeric key and rendered only when they change
  // (a number's key is approximate past 2^53: fine for a summary).
  #minKey = Infinity
  #maxKey = -Infinity
  #min: string | undefined
  #max: string | undefined
  #textMin: string | undefined
  #textMax: string | undefined
  // Their first code units; past any code unit while there are none.
  #textMinFirst = Infinity
  #textMaxFirst = -Infinity

  readonly #number = newNumberShape()
  readonly #date = newDateShape()
  readonly #timestamp = newTimestampShape()

  constructor(opts: InferrerOptions = {}) {
    this.#markers = new NullMarkers(opts.nullMarkers ?? DEFAULT_NULL_MARKERS)
  }

  observe(raw: string, line: number): void {
    const value = normaliseCell(raw)
    if (value === '') {
      this.#empty++
      return
    }

    // Strings compare by code unit: most values differ from the extremes in their first
    // one, which settles the order without a string comparison.
    const first = value.charCodeAt(0)
    if (first <= this.#textMinFirst &&
      (first < this.#textMinFirst || value < (this.#textMin ?? value))) {
      this.#textMin = value
      this.#textMinFirst = first
    }
    if (first >= this.#textMaxFirst &&
      (first > this.#textMaxFirst || value > (this.#textMax ?? value))) {
      this.#textMax = value
      this.#textMaxFirst = first
    }

    if (this.#markers.has(value)) {
      this.#markerCount++
      return
    }

    this.#values++
    if (this.#state !== 'text' && !this.#accept(value)) this.#fallBack(value, line)
  }

  result(): ColumnStats {
    const format = this.#format()
    if (format.type === 'text') {
      return {
        format,
        nullCount: this.#empty,
        nonNullCount: this.#values + this.#markerCount,
        markerCount: this.#markerCount,
        ...(this.#textMin === undefined ? {} : { min: this.#textMin, max: this.#textMax })
      }
    }
    return {
      format,
      nullCount: this.#empty + this.#markerCount,
      nonNullCount: this.#values,
      markerCount: this.#markerCount,
      ...(this.#min === undefined ? {} : { min: this.#min, max: this.#max })
    }
  }

  #format(): InferredFormat {
    switch (this.#state) {
      case 'none':
        // Only null markers: they are the column's text.
        return this.#markerCount === 0 ? { type: 'text', reason: 'no values' } : { type: 'text' }
      case 'text':
        return this.#reason === undefined
          ? { type: 'text' }
          : { type: 'text', reason: this.#reason }
      case 'integer':
        return { type: 'integer', grouping: this.#grouping, currency: this.#currency }
      case 'decimal':
        return {
          type: 'decimal',
          decimalMark: this.#decimalMark ?? '.',
          grouping: this.#grouping,
          currency: this.#currency
        }
      case 'date':
        return { type: 'date', order: this.#order, separator: this.#separator }
      case 'timestamp':
        return { type: 'timestamp', offset: this.#offset }
      case 'boolean':
        return { type: 'boolean' }
    }
  }

  // Only the current candidate is tested: a column settled as dates never runs the
  // number scanner again.
  #accept(value: string): boolean {
    switch (this.#state) {
      case 'none':
        return this.#acceptNumber(value) || this.#acceptDate(value) ||
          this.#acceptTimestamp(value) || this.#acceptBoolean(value)
      case 'integer':
      case 'decimal':
        return this.#acceptNumber(value)
      case 'date':
        return this.#acceptDate(value)
      case 'timestamp':
        return this.#acceptTimestamp(value)
      case 'boolean':
        return this.#acceptBoolean(value)
      case 'text':
        return false
    }
  }

  #acceptNumber(value: string): boolean {
    const n = this.#number
    if (!scanNumber(value, n)) return false
    if (n.decimalMark !== null) {
      if (this.#decimalMark !== null && n.decimalMark !== this.#decimalMark) return false
      this.#decimalMark = n.decimalMark
    }

    // Past 2^63 an integer no longer fits a bigint; numeric holds it exactly.
    if (n.decimalMark !== null || !n.fitsInt64) this.#state = 'decimal'
    else if (this.#state === 'none') this.#state = 'integer'
    this.#grouping ||= n.grouping
    this.#currency ||= n.currency
    if (this.#isExtreme(n.value)) this.#setExtreme(n.value, canonicalNumber(value))
    return true
  }

  #acceptDate(value: string): boolean {
    const d = this.#date
    if (!scanDate(value, d)) return false
    if (this.#state === 'none') {
      this.#state = 'date'
      this.#order = d.order
      this.#separator = d.separator
    } else if (d.order !== this.#order || d.separator !== this.#separator) {
      return false
    }
    const key = dateKey(d)
    if (this.#isExtreme(key)) this.#setExtreme(key, canonicalDate(d))
    return true
  }

  #acceptTimestamp(value: string): boolean {
    const ts = this.#timestamp
    if (!scanTimestamp(value, ts)) return false
    if (this.#state === 'none') {
      this.#state = 'timestamp'
      this.#offset = ts.offset
    } else if (ts.offset !== this.#offset) {
      return false
    }
    if (this.#isExtreme(ts.epochMs)) {
      this.#setExtreme(ts.epochMs, canonicalTimestamp(value, ts))
    }
    return true
  }

  #acceptBoolean(value: string): boolean {
    const truth = scanBoolean(value)
    if (truth === null) return false
    this.#state = 'boolean'
    const key = truth ? 1 : 0
    if (this.#isExtreme(key)) this.#setExtreme(key, String(truth))
    return true
  }

  #isExtreme(key: number): boolean {
    return key < this.#minKey || key > this.#maxKey
  }

  #setExtreme(key: number, rendered: string): void {
    if (key < this.#minKey) {
      this.#minKey = key
      this.#min = rendered
    }
    if (key > this.#maxKey) {
      this.#maxKey = key
      this.#max = rendered
    }
  }

  #fallBack(value: string, line: number): void {
    this.#reason = this.#explain(value, line)
    this.#state = 'text'
  }

  // The reason names the first value that broke the type, so a publisher can fix it. A
  // value that only looks like a date or a timestamp is named even as the first value.
  #explain(value: string, line: number): string | undefined {
    const state = this.#state
    const at = `${quote(value)} at line ${line}`
    const nearMiss = this.#nearMiss(value)
    if (nearMiss !== undefined && (state === 'none' || state === nearMiss.type)) {
      return `not a ${nearMiss.type}: ${at} (${nearMiss.problem})`
    }

    const numeric = state === 'none' || state === 'integer' || state === 'decimal'
    if (numeric && hasLeadingZero(value)) return `leading zeros (line ${line}: ${quote(value)})`
    if (state === 'none') return undefined

    if (numeric && scanNumber(value, this.#number)) {
      return `mixed decimal marks: ${at} ("${this.#decimalMark ?? '.'}" until then)`
    }
    if (state === 'date' && scanDate(value, this.#date)) {
      return `mixed date formats: ${at} (${this.#order} "${this.#separator}" until then)`
    }
    if (state === 'timestamp' && scanTimestamp(value, this.#timestamp)) {
      const until = this.#offset ? 'with' : 'without'
      return `mixed time zones: ${at} (${until} offset until then)`
    }
    return `mixed: ${at} (${state} until then)`
  }

  // A value with the shape of a date or a timestamp that is not a valid one, and why.
  #nearMiss(value: string): { type: 'date' | 'timestamp'; problem: string } | undefined {
    scanDate(value, this.#date)
    if (this.#date.problem !== undefined) return { type: 'date', problem: this.#date.problem }

    scanTimestamp(value, this.#timestamp)
    const problem = this.#timestamp.problem
    return problem === undefined ? undefined : { type: 'timestamp', problem }
  }
}
