// The byte scanners of the encoding detection (utf8-validator.ts, byte-stats.ts)
// run on every byte of an upload, and most bytes of a French CSV are plain
// ASCII, which neither has anything to do with. They skip such bytes four at a
// time, as 32-bit words: byte by byte, each scanner cost about 0.3 s per 100 MB.

export interface Words {
  // The chunk's bytes from `head` on, as whole aligned words.
  words: Uint32Array
  // Bytes before the first word (typed arrays over a buffer must be aligned).
  head: number
}

const NONE = new Uint32Array(0)

export function wordsOf(chunk: Uint8Array): Words {
  const head = (4 - (chunk.byteOffset & 3)) & 3
  if (chunk.length < head + 4) return { words: NONE, head: chunk.length }
  const count = (chunk.length - head) >>> 2
  return { words: new Uint32Array(chunk.buffer, chunk.byteOffset + head, count), head }
}

// No byte at or above 0x80. Byte order does not matter to any of these tests.
export const isAsciiWord = (word: number): boolean => (word & 0x80808080) === 0

// ASCII from 0x20 to 0x7E: no control character, no DEL. Below 0x20, the
// subtraction borrows into the byte's top bit; 0x7F carries into it.
export const isPrintableWord = (word: number): boolean =>
  ((word | (word - 0x20202020) | (word + 0x01010101)) & 0x80808080) === 0

// Line feeds in `chunk` before `end`, by the native search.
export function countLineFeeds(chunk: Uint8Array, end = chunk.length): number {
  let count = 0
  for (let p = chunk.indexOf(0x0a); p !== -1 && p < end; p = chunk.indexOf(0x0a, p + 1)) {
    count++
  }
  return count
}
