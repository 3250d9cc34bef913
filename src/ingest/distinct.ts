// How many distinct values a column holds, in constant memory: exact up to EXACT_MAX
// values, then a HyperLogLog estimate within about 1.6 %.
//
// The estimate is O. Ertl's "improved raw estimator" (New cardinality estimation
// algorithms for HyperLogLog sketches, 2017) rather than the original HyperLogLog with
// linear counting below 2.5 × REGISTERS: its σ term on the empty registers is that
// small-range correction, made continuous. The original switches from one estimator to
// the other around 10,000 values, where we measured a +1.5 % bias and a 3 % error; this
// one stays near 1.6 % everywhere, with no table of empirical corrections.

// 2^12 registers: a standard error of 1.04 / √4096 ≈ 1.6 %, in 4 kB.
const PRECISION = 12
const REGISTERS = 1 << PRECISION
// The registers take one 32-bit hash word: its top PRECISION bits pick the register, the
// rest give the rank, 1 + their leading zeros: 1 to RANK_BITS + 1. That reaches past a
// billion distinct values, far beyond any file.
const RANK_BITS = 32 - PRECISION

// Up to this many distinct values are counted exactly, by their 64-bit hashes: a column
// of categories shows its true count. The table is dropped once past it.
const EXACT_MAX = 1024
// Twice as many slots as values, so that linear probing stays short.
const EXACT_SLOTS = EXACT_MAX * 2

// Two 32-bit words of hash for the value being added. One buffer for the module: add()
// is synchronous, and no value allocates.
const hash = new Uint32Array(2)

// Murmur3's 32-bit finaliser: every input bit flips each output bit with odds near 1/2.
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

// FNV-1a-style lanes over the UTF-16 code units, finalised: the first word feeds the
// registers; while values are still counted exactly, a second lane with another
// multiplier makes 64 bits, enough that distinct values practically never collide (a
// 32-bit hash would merge about a hundred pairs among a million values). Past the exact
// range only the first lane is computed: it runs on every value of every column. Not
// cryptographic: nobody gains by forging collisions in a count.
function hashFirst(value: string): void {
  let a = 0x811c9dc5 ^ value.length
  for (let i = 0; i < value.length; i++) a = Math.imul(a ^ value.charCodeAt(i), 0x01000193)
  hash[0] = mix(a)
}

function hashBoth(value: string): void {
  let a = 0x811c9dc5 ^ value.length
  let b = 0x9e3779b9 ^ value.length
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }

  a = mix(a)
  hash[0] = a
  hash[1] = mix(b ^ a)
}

// σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k−1), summed until it stops changing.
function sigma(x: number): number {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  for (let previous = NaN; z !== previous;) {
    x *= x
    previous = z
    z += x * y
    y += y
  }
  return z
}

// τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² · 2^−k) / 3, summed until it stops changing.
function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  for (let previous = NaN; z !== previous;) {
    x = Math.sqrt(x)
    previous = z
    y *= 0.5
    z -= (1 - x) ** 2 * y
  }
  return z / 3
}

export class DistinctEstimator {
  // Per register, the highest rank seen: 1 + leading zeros of the second hash word.
  readonly #registers = new Uint8Array(REGISTERS)
  // Hash pairs of the values seen while there are at most EXACT_MAX, by open addressing;
  // the pair (0, 0) marks an empty slot (a value hashing to it is stored as (0, 1)).
  #exact: Uint32Array | null = new Uint32Array(EXACT_SLOTS * 2)
  #exactCount = 0

  add(value: string): void {
    const exact = this.#exact !== null
    if (exact) hashBoth(value)
    else hashFirst(value)
    const a = hash[0] ?? 0

    const register = a >>> RANK_BITS
    // The bit below the rank's bits stops the count of zeros at RANK_BITS.
    const rank = Math.clz32((a << PRECISION) | (1 << (PRECISION - 1))) + 1
    if (rank > (this.#registers[register] ?? 0)) this.#registers[register] = rank

    if (!exact) return
    const b = hash[1] ?? 0
    this.#addExact(a, b === 0 && a === 0 ? 1 : b)
  }

  estimate(): number {
    if (this.#exact !== null) return this.#exactCount

    // How many registers hold each rank (0: empty).
    const counts = new Float64Array(RANK_BITS + 2)
    for (const rank of this.#registers) counts[rank] = (counts[rank] ?? 0) + 1

    // Ertl's algorithm 6, with q = RANK_BITS: his estimator needs no large-range correction.
    const m = REGISTERS
    let z = m * tau(1 - (counts[RANK_BITS + 1] ?? 0) / m)
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + (counts[k] ?? 0))
    z += m * sigma((counts[0] ?? 0) / m)
    return Math.round((m * m) / (2 * Math.LN2 * z))
  }

  #addExact(a: number, b: number): void {
    const table = this.#exact
    if (table === null) return

    let slot = a & (EXACT_SLOTS - 1)
    for (;;) {
      const storedA = table[slot * 2] ?? 0
      const storedB = table[slot * 2 + 1] ?? 0
      if (storedA === a && storedB === b) return
      if (storedA === 0 && storedB === 0) break
      slot = (slot + 1) & (EXACT_SLOTS - 1)
    }

    if (this.#exactCount === EXACT_MAX) {
      this.#exact = null
      return
    }
    table[slot * 2] = a
    table[slot * 2 + 1] = b
    this.#exactCount++
  }
}
