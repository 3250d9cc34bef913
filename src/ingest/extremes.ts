// A typed column's minimum and maximum, in one pass. Values are compared by a numeric
// key (a number's float, a date's day, a timestamp's millisecond) and rendered only
// when they become an extreme. Where the key may not tell two values apart (floats
// past 15 digits, timestamps within a millisecond), a value whose key equals an
// extreme's is rendered and compared exactly (see also offerRendered).
export class TypedExtremes {
  #minKey = Infinity
  #maxKey = -Infinity
  #min: string | undefined
  #max: string | undefined

  // Whether a value of this key may be a new extreme. `exact`: whether the key tells
  // the value from every other.
  admits(key: number, exact = true): boolean {
    return key < this.#minKey || key > this.#maxKey ||
      (!exact && (key === this.#minKey || key === this.#maxKey))
  }

  set(key: number, rendered: string, compare?: (a: string, b: string) => number): void {
    const tie = (extreme: string | undefined) =>
      compare === undefined || extreme === undefined ? 0 : compare(rendered, extreme)
    if (key < this.#minKey || (key === this.#minKey && tie(this.#min) < 0)) {
      this.#minKey = key
      this.#min = rendered
    }
    if (key > this.#maxKey || (key === this.#maxKey && tie(this.#max) > 0)) {
      this.#maxKey = key
      this.#max = rendered
    }
  }

  // Compared on the rendered values alone: a column of numbers past 15 digits, whose
  // floats are not even in order (they are summed digit by digit), takes this way
  // once it has one such value.
  offerRendered(rendered: string, compare: (a: string, b: string) => number): void {
    if (this.#min === undefined || compare(rendered, this.#min) < 0) this.#min = rendered
    if (this.#max === undefined || compare(rendered, this.#max) > 0) this.#max = rendered
  }

  range(): { min?: string; max?: string } {
    return this.#min === undefined || this.#max === undefined
      ? {}
      : { min: this.#min, max: this.#max }
  }
}

// Orders two canonical numbers (`-1234.50`, `9007199254740993`) exactly, where their
// floating-point values may be equal: past 2^53, or beyond 15 significant digits.
export function compareNumberText(a: string, b: string): number {
  const signA = signOf(a)
  const signB = signOf(b)
  if (signA !== signB || signA === 0) return signA - signB
  return signA * compareMagnitude(a.replace('-', ''), b.replace('-', ''))
}

function signOf(s: string): number {
  if (!/[1-9]/.test(s)) return 0
  return s.startsWith('-') ? -1 : 1
}

function compareMagnitude(a: string, b: string): number {
  const [intA = '', fracA = ''] = a.split('.')
  const [intB = '', fracB = ''] = b.split('.')
  const wholeA = intA.replace(/^0+/, '')
  const wholeB = intB.replace(/^0+/, '')
  if (wholeA.length !== wholeB.length) return wholeA.length - wholeB.length
  if (wholeA !== wholeB) return wholeA < wholeB ? -1 : 1
  const width = Math.max(fracA.length, fracB.length)
  const partA = fracA.padEnd(width, '0')
  const partB = fracB.padEnd(width, '0')
  return partA === partB ? 0 : partA < partB ? -1 : 1
}

// The microseconds past the millisecond of a canonical timestamp: what orders two
// timestamps that share an epochMs.
function subMillisecond(canonical: string): number {
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(canonical)?.[1] ?? ''
  return Number(fraction.padEnd(6, '0').slice(3, 6))
}

export const bySubMillisecond = (a: string, b: string): number =>
  subMillisecond(a) - subMillisecond(b)
