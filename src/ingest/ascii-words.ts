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

// A byte below 0x20 (a control character, tab and line ends included) or DEL; bytes
// from 0x80 up are not. The first test is the classic "has a byte less than": exact
// as a yes or no, which is all that is asked.
export const hasControlByte = (word: number): boolean => {
  const del = word ^ 0x7f7f7f7f
  return ((((word - 0x20202020) & ~word) | ((del - 0x01010101) & ~del)) & 0x80808080) !== 0
}

// Bytes from 0xC0 up in `bytes`: in valid UTF-8, the first bytes of multi-byte
// characters. Counted a word at a time: the top two bits of each byte, ANDed, then
// summed by one multiplication.
export function countLeadBytes(bytes: Uint8Array): number {
  const { words, head } = wordsOf(bytes)
  let count = 0
  for (let i = 0; i < head; i++) if ((bytes[i] ?? 0) >= 0xc0) count++
  for (let w = 0; w < words.length; w++) {
    const word = words[w] ?? 0
    const leads = word & (word << 1) & 0x80808080
    if (leads !== 0) count += Math.imul(leads >>> 7, 0x01010101) >>> 24
  }
  for (let i = head + words.length * 4; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) >= 0xc0) count++
  }
  return count
}

// Line feeds in `chunk` before `end`, by the native search.
export function countLineFeeds(chunk: Uint8Array, end = chunk.length): number {
  let count = 0
  for (let p = chunk.indexOf(0x0a); p !== -1 && p < end; p = chunk.indexOf(0x0a, p + 1)) {
    count++
  }
  return count
}
