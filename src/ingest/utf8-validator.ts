import { isUtf8 } from 'node:buffer'

const EMPTY = Buffer.alloc(0)

// Length of the sequence a lead byte announces. Invalid lead bytes (continuation bytes,
// 0xF5–0xFF) count as 1 so that isUtf8() sees them and rejects them.
function sequenceLength(lead: number): number {
  if (lead >= 0xc0 && lead < 0xe0) return 2
  if (lead >= 0xe0 && lead < 0xf0) return 3
  if (lead >= 0xf0 && lead < 0xf5) return 4
  return 1
}

// Index where a trailing, not yet complete sequence starts (the chunk length if none).
// Only the last three bytes can belong to one.
function completeEnd(chunk: Buffer, start: number): number {
  const floor = Math.max(start, chunk.length - 3)
  for (let i = chunk.length - 1; i >= floor; i--) {
    const b = chunk[i] ?? 0
    if ((b & 0xc0) === 0x80) continue

    return chunk.length - i < sequenceLength(b) ? i : chunk.length
  }
  return chunk.length
}

// Strict UTF-8 validation over a stream of chunks in constant memory. Node's native
// isUtf8() does the work (it rejects overlong forms, surrogates and code points above
// U+10FFFF); this class only carries a character split between two chunks.
export class Utf8Validator {
  #valid = true
  #pending: Buffer = EMPTY

  update(chunk: Buffer): void {
    if (!this.#valid) return

    let start = 0
    if (this.#pending.length > 0) {
      const missing = sequenceLength(this.#pending[0] ?? 0) - this.#pending.length
      if (chunk.length < missing) {
        this.#pending = Buffer.concat([this.#pending, chunk])
        return
      }

      this.#valid = isUtf8(Buffer.concat([this.#pending, chunk.subarray(0, missing)]))
      this.#pending = EMPTY
      start = missing
      if (!this.#valid) return
    }

    const end = completeEnd(chunk, start)
    this.#valid = isUtf8(chunk.subarray(start, end))

    // A copy: the caller may reuse the chunk's memory for the next read.
    this.#pending = end < chunk.length ? Buffer.from(chunk.subarray(end)) : EMPTY
  }

  // A file that ends in the middle of a character is not valid UTF-8.
  get valid(): boolean {
    return this.#valid && this.#pending.length === 0
  }
}
