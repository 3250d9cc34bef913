import type { Encoding } from './encoding.js'

// Where a chunk the decoder refused goes wrong. TextDecoder's error says only that a
// chunk holds a refused byte; the publisher needs the line, so on that (rare) failure
// the chunk is decoded again in prefixes to find the text before the refused byte.

// The last bytes of the chunks decoded so far, which may hold a character still cut
// short: at most 3 for UTF-8 (a four-byte sequence) and for UTF-16 (a high surrogate
// and an odd byte).
const TAIL = 3

export class DecodedTail {
  #tail = Buffer.alloc(0)
  #bytes = 0

  // After each chunk that decoded.
  add(chunk: Buffer): void {
    this.#bytes += chunk.length
    this.#tail = chunk.length >= TAIL
      ? Buffer.from(chunk.subarray(chunk.length - TAIL))
      : Buffer.concat([this.#tail, chunk]).subarray(-TAIL)
  }

  // The bytes the streaming decoder holds, waiting for the rest of their character.
  held(encoding: Encoding): Buffer {
    const tail = this.#tail
    if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      const odd = this.#bytes % 2
      const unit = tail.length - odd - 2
      if (unit < 0) return tail.subarray(tail.length - odd)
      const high = encoding === 'utf-16le' ? tail[unit + 1] ?? 0 : tail[unit] ?? 0
      return tail.subarray(high >= 0xd8 && high <= 0xdb ? unit : tail.length - odd)
    }

    // UTF-8: from the last lead byte, if its sequence is not complete.
    for (let i = tail.length - 1; i >= 0; i--) {
      const b = tail[i] ?? 0
      if (b < 0x80) break
      if (b < 0xc0) continue
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
      return tail.length - i < length ? tail.subarray(i) : tail.subarray(tail.length)
    }
    return tail.subarray(tail.length)
  }
}

// The text `chunk` holds before the first bytes `encoding` refuses, `held` being what
// the decoder kept from the chunks before. A prefix fails exactly when it holds a
// refused sequence, so the shortest failing prefix is found by halving (about 17
// decodes of a 64 kB chunk), and the one a byte shorter decodes to the text before it.
export function textBeforeRefused(
  encoding: Encoding,
  held: Buffer,
  chunk: Buffer,
  final: boolean
): string {
  const decode = (length: number): string | null => {
    const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true })
    try {
      const last = final && length === chunk.length
      return decoder.decode(Buffer.concat([held, chunk.subarray(0, length)]), { stream: !last })
    } catch {
      return null
    }
  }

  let ok = 0
  let failing = chunk.length
  while (failing - ok > 1) {
    const middle = (ok + failing) >>> 1
    if (decode(middle) === null) failing = middle
    else ok = middle
  }
  return decode(ok) ?? ''
}
