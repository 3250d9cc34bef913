import {
  canonicalDate, canonicalTimestamp, dateKey, newDateShape, newTimestampShape, scanDate,
  scanTimestamp
} from './dates.js'
import { bySubMillisecond, compareNumberText, TypedExtremes } from './extremes.js'
import type { ColumnStats, ColumnType, InferredFormat } from './formats.js'
import { explainFallback } from './infer-reasons.js'
import {
  canonicalNumber, canonicalScannedNumber, newNumberShape, scanNumber
} from './numbers.js'
import { DEFAULT_NULL_MARKERS, normaliseCell, NullMarkers, scanBoolean } from './values.js'

export { canonicalValue, matchesFormat } from './canonical.js'
export { DEFAULT_NULL_MARKERS, normaliseCell } from './values.js'

export type { ColumnStats, ColumnType, InferredFormat } from './formats.js'

export interface InferrerOptions { nullMarkers?: readonly string[] }

type State = 'none' | Exclude<ColumnType, 'text'> | 'text'

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

  readonly #extremes = new TypedExtremes()
  #longNumbers = false
  #textMin: string | undefined
  #textMax: string | undefined
  // Their first code units; past any code unit while there are none.
  #textMinFirst = Infinity
  #textMaxFirst = -Infinity

  readonly #number = newNumberShape()
  readonly #date = newDateShape()
  readonly #timestamp = newTimestampShape()
  // The value observed last, when it fit the type; its boolean, for that type.
  #accepted: string | null = null
  #truth = false

  constructor(opts: InferrerOptions = {}) {
    this.#markers = new NullMarkers(opts.nullMarkers ?? DEFAULT_NULL_MARKERS)
  }

  observe(raw: string, line: number): void {
    this.#accepted = null
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
    if (this.#state === 'text') return
    if (this.#accept(value)) this.#accepted = value
    else this.#fallBack(value, line)
  }

  // Whether the value observed last was read as a date, a timestamp or a boolean.
  get lastIsDateOrFlag(): boolean {
    const state = this.#state
    return this.#accepted !== null &&
      (state === 'date' || state === 'timestamp' || state === 'boolean')
  }

  // The value observed last in canonical form for `format` (canonical.ts), from the scan
  // that just accepted it: the loader copies it without scanning it again. Undefined when
  // the column no longer reads as `format` (that value broke it), and for an empty cell
  // or a null marker.
  lastCanonical(format: InferredFormat): string | undefined {
    const value = this.#accepted
    if (value === null) return undefined
    switch (format.type) {
      case 'text':
        return value
      case 'integer':
        return this.#state === 'integer' ? canonicalScannedNumber(value, this.#number) : undefined
      case 'decimal':
        if (this.#state !== 'decimal' || (this.#decimalMark ?? '.') !== format.decimalMark) {
          return undefined
        }
        return canonicalScannedNumber(value, this.#number)
      case 'date':
        if (this.#state !== 'date' || this.#order !== format.order ||
          this.#separator !== format.separator) return undefined
        // `2024-03-04` is written as PostgreSQL gives it back.
        return format.order === 'ymd' && format.separator === '-'
          ? value
          : canonicalDate(this.#date)
      case 'timestamp':
        if (this.#state !== 'timestamp' || this.#offset !== format.offset) return undefined
        return canonicalTimestamp(value, this.#timestamp)
      case 'boolean':
        return this.#state === 'boolean' ? String(this.#truth) : undefined
    }
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
      ...this.#extremes.range(),
      asText: {
        nullCount: this.#empty,
        ...(this.#textMin === undefined ? {} : { min: this.#textMin, max: this.#textMax })
      }
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
    // Up to 15 characters, a number's float orders it; past that, its digits do, for
    // this value and every later one.
    this.#longNumbers ||= value.length > 15
    if (this.#longNumbers) {
      this.#extremes.offerRendered(canonicalNumber(value), compareNumberText)
    } else if (this.#extremes.admits(n.value)) {
      this.#extremes.set(n.value, canonicalNumber(value))
    }
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
    if (this.#extremes.admits(key)) this.#extremes.set(key, canonicalDate(d))
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
    // The key counts milliseconds: within one, the microseconds decide.
    if (this.#extremes.admits(ts.epochMs, false)) {
      this.#extremes.set(ts.epochMs, canonicalTimestamp(value, ts), bySubMillisecond)
    }
    return true
  }

  #acceptBoolean(value: string): boolean {
    const truth = scanBoolean(value)
    if (truth === null) return false
    this.#truth = truth
    this.#state = 'boolean'
    const key = truth ? 1 : 0
    if (this.#extremes.admits(key)) this.#extremes.set(key, String(truth))
    return true
  }

  #fallBack(value: string, line: number): void {
    if (this.#state === 'text') return
    this.#reason = explainFallback(value, line, {
      state: this.#state,
      decimalMark: this.#decimalMark,
      order: this.#order,
      separator: this.#separator,
      offset: this.#offset,
      number: this.#number,
      date: this.#date,
      timestamp: this.#timestamp
    })
    this.#state = 'text'
  }

}
