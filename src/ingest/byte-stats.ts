import { hasControlByte, isPrintableWord, wordsOf } from './ascii-words.js'

// Byte counters gathered over a whole upload in constant memory: what the binary check
// and the single-byte code page choice need, and nothing per row.

// Class of a byte as the neighbour of a non-ASCII byte. The code page scoring asks
// "is this accented letter inside a lowercase word, an uppercase word, between digits…".
export const LOWER = 0
export const UPPER = 1
export const DIGIT = 2
export const SPACE = 3 // also tab, CR, LF and the start or end of the file
export const PUNCT = 4
export const HIGH = 5
export const NEIGHBOUR_CLASSES = 6

const BYTE_CLASS = new Uint8Array(256).fill(PUNCT)
for (let b = 0; b < 256; b++) {
  if (b >= 0x61 && b <= 0x7a) BYTE_CLASS[b] = LOWER
  else if (b >= 0x41 && b <= 0x5a) BYTE_CLASS[b] = UPPER
  else if (b >= 0x30 && b <= 0x39) BYTE_CLASS[b] = DIGIT
  else if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) BYTE_CLASS[b] = SPACE
  else if (b >= 0x80) BYTE_CLASS[b] = HIGH
}

// Control characters that never occur in text: everything below 0x20 except tab, LF,
// FF and CR, plus DEL.
const IS_CONTROL = new Uint8Array(256)
for (let b = 0; b < 0x20; b++) IS_CONTROL[b] = 1
IS_CONTROL[0x09] = 0
IS_CONTROL[0x0a] = 0
IS_CONTROL[0x0c] = 0
IS_CONTROL[0x0d] = 0
IS_CONTROL[0x7f] = 1

export const HEAD_SIZE = 1024

// Index of (high byte, previous class, next class) in the context histogram.
export function contextIndex(byte: number, previous: number, next: number): number {
  return ((byte - 0x80) * NEIGHBOUR_CLASSES + previous) * NEIGHBOUR_CLASSES + next
}

export class ByteStats {
  total = 0
  controls = 0
  nulEven = 0
  nulOdd = 0
  headNul = 0
  headControls = 0

  // 128 high bytes × 6 × 6 neighbour classes: 4 608 counters whatever the file size.
  readonly context = new Uint32Array(128 * NEIGHBOUR_CLASSES * NEIGHBOUR_CLASSES)

  #previous = SPACE
  #pendingByte = -1
  #pendingPrevious = SPACE

  // Runs on every byte of the upload: the state lives in locals while the loop runs.
  // Printable ASCII only changes `previous` (and gives a high byte before it its
  // right-hand neighbour): it is skipped four bytes at a time (see ascii-words.ts).
  update(chunk: Buffer): void {
    const start = this.total
    let previous = this.#previous
    let pendingByte = this.#pendingByte
    let pendingPrevious = this.#pendingPrevious
    const { words, head } = wordsOf(chunk)

    for (let i = 0; i < chunk.length; i++) {
      if (i >= head && ((i - head) & 3) === 0) {
        let w = (i - head) >>> 2
        while (w < words.length && isPrintableWord(words[w] ?? 0)) w++
        const next = head + (w << 2)
        if (next > i) {
          // A high byte before the run has its first byte as neighbour.
          if (pendingByte >= 0) {
            const first = BYTE_CLASS[chunk[i] ?? 0] ?? PUNCT
            const index = contextIndex(pendingByte, pendingPrevious, first)
            this.context[index] = (this.context[index] ?? 0) + 1
            pendingByte = -1
          }
          previous = BYTE_CLASS[chunk[next - 1] ?? 0] ?? PUNCT
          i = next - 1
          continue
        }
      }

      const b = chunk[i] ?? 0
      if (IS_CONTROL[b] === 1) this.#control(b, start + i)

      const cls = BYTE_CLASS[b] ?? PUNCT
      if (pendingByte >= 0) {
        const index = contextIndex(pendingByte, pendingPrevious, cls)
        this.context[index] = (this.context[index] ?? 0) + 1
        pendingByte = -1
      }
      if (b >= 0x80) {
        pendingByte = b
        pendingPrevious = previous
      }
      previous = cls
    }

    this.total = start + chunk.length
    this.#previous = previous
    this.#pendingByte = pendingByte
    this.#pendingPrevious = pendingPrevious
  }

  // Control characters and NULs only, without the neighbours of high bytes: once the
  // text is known to be UTF-8 with French letters, no code page is to be chosen (see
  // encoding.ts). Words without a control byte, high bytes included, are skipped.
  countControls(chunk: Buffer): void {
    const start = this.total
    const { words, head } = wordsOf(chunk)
    for (let i = 0; i < chunk.length; i++) {
      if (i >= head && ((i - head) & 3) === 0) {
        let w = (i - head) >>> 2
        while (w < words.length && !hasControlByte(words[w] ?? 0)) w++
        const next = head + (w << 2)
        if (next > i) {
          i = next - 1
          continue
        }
      }
      const b = chunk[i] ?? 0
      if (IS_CONTROL[b] === 1) this.#control(b, start + i)
    }

    this.total = start + chunk.length
    // What a later update() would take as its left-hand neighbour.
    this.#previous = BYTE_CLASS[chunk[chunk.length - 1] ?? 0x20] ?? PUNCT
    this.#pendingByte = -1
  }

  #control(b: number, offset: number): void {
    this.controls++
    if (offset < HEAD_SIZE) this.headControls++
    if (b !== 0) return

    if ((offset & 1) === 0) this.nulEven++
    else this.nulOdd++
    if (offset < HEAD_SIZE) this.headNul++
  }

  // The end of the file is the right-hand neighbour of a high byte in last position.
  finish(): void {
    if (this.#pendingByte < 0) return

    const index = contextIndex(this.#pendingByte, this.#pendingPrevious, SPACE)
    this.context[index] = (this.context[index] ?? 0) + 1
    this.#pendingByte = -1
  }
}
