import { isUtf8 } from 'node:buffer'

import { countLeadBytes, countLineFeeds, isAsciiWord, wordsOf } from './ascii-words.js'

// Strict UTF-8 validation over a stream of chunks, in constant memory, following the
// WHATWG decoder: overlong forms, surrogates and code points above U+10FFFF are
// ill-formed, and the byte that breaks a sequence is read again as the start of the next
// one. Besides "valid or not", it counts what the detector weighs when a file is not
// clean UTF-8 (see encoding.ts), and where it first breaks.
//
// Node's native isUtf8() is ten times faster but says neither where nor how much: a
// chunk it finds valid is only counted (lead bytes, by words), and the byte-by-byte scan
// runs on the others, where ASCII, most of a French file, is skipped four bytes at a
// time (see ascii-words.ts). Lines are counted by the native search, only until the
// first ill-formed sequence.
export class Utf8Validator {
  // Valid sequences of two to four bytes.
  multibyte = 0
  // Whether one of them decodes to U+00A0–U+017F (NBSP, «», °, French letters, œ) or
  // U+2000–U+20CF (’, “”, –, …, €): what French text written as UTF-8 is made of.
  latin = false
  // Ill-formed sequences: a lead byte cut short, or a byte that cannot start one.
  invalid = 0
  // Where the first ill-formed sequence starts: file offset and 1-based line (LF count).
  firstInvalid: { byteOffset: number; line: number } | undefined

  #offset = 0
  // The line the current chunk starts on.
  #line = 1
  // The sequence under way: bytes still expected, the range of the next one (narrower
  // after E0, ED, F0 and F4), its code point so far and where it started.
  #need = 0
  #lower = 0x80
  #upper = 0xbf
  #codePoint = 0
  #start = 0

  update(chunk: Buffer): void {
    if (this.#need === 0) {
      const complete = completeLength(chunk)
      if (complete > 0 && isUtf8(chunk.subarray(0, complete))) {
        this.#countValid(chunk, complete)
        chunk = chunk.subarray(complete)
      }
    }
    if (chunk.length > 0) this.#scan(chunk)
  }

  // A file that ends in the middle of a character is not valid UTF-8.
  finish(): void {
    if (this.#need === 0) return

    this.#fail(Buffer.alloc(0), 0)
    this.#need = 0
  }

  get valid(): boolean {
    return this.invalid === 0 && this.#need === 0
  }

  // The first `length` bytes of `chunk`, known to be valid UTF-8 and whole characters.
  #countValid(chunk: Buffer, length: number): void {
    const valid = chunk.subarray(0, length)
    this.multibyte += countLeadBytes(valid)
    this.latin ||= hasLatin(valid)
    this.#offset += length
    if (this.firstInvalid === undefined) this.#line += countLineFeeds(valid)
  }

  #scan(chunk: Buffer): void {
    let need = this.#need
    let lower = this.#lower
    let upper = this.#upper
    let codePoint = this.#codePoint
    const { words, head } = wordsOf(chunk)

    for (let i = 0; i < chunk.length; i++) {
      // At the start of a word, between characters: ASCII words skipped whole.
      if (need === 0 && i >= head && ((i - head) & 3) === 0) {
        let w = (i - head) >>> 2
        while (w < words.length && isAsciiWord(words[w] ?? 0)) w++
        const next = head + (w << 2)
        if (next > i) {
          i = next - 1
          continue
        }
      }

      const b = chunk[i] ?? 0
      if (need === 0) {
        if (b < 0x80) continue

        this.#start = this.#offset + i
        if (b >= 0xc2 && b <= 0xdf) {
          need = 1
          codePoint = b & 0x1f
        } else if (b >= 0xe0 && b <= 0xef) {
          need = 2
          codePoint = b & 0x0f
          if (b === 0xe0) lower = 0xa0
          else if (b === 0xed) upper = 0x9f
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3
          codePoint = b & 0x07
          if (b === 0xf0) lower = 0x90
          else if (b === 0xf4) upper = 0x8f
        } else {
          this.#fail(chunk, i)
        }
        continue
      }

      if (b < lower || b > upper) {
        this.#fail(chunk, i)
        need = 0
        lower = 0x80
        upper = 0xbf
        i-- // the byte that broke the sequence may start the next one
        continue
      }

      lower = 0x80
      upper = 0xbf
      codePoint = (codePoint << 6) | (b & 0x3f)
      if (--need === 0) this.#count(codePoint)
    }

    this.#offset += chunk.length
    if (this.firstInvalid === undefined) this.#line += countLineFeeds(chunk)
    this.#need = need
    this.#lower = lower
    this.#upper = upper
    this.#codePoint = codePoint
  }

  #count(codePoint: number): void {
    this.multibyte++
    this.latin ||= (codePoint >= 0xa0 && codePoint <= 0x17f) ||
      (codePoint >= 0x2000 && codePoint <= 0x20cf)
  }

  // A sequence cannot span a line break, so the line of the byte that breaks it (at `i` in
  // `chunk`) is the line of its start.
  #fail(chunk: Buffer, i: number): void {
    this.invalid++
    this.firstInvalid ??= { byteOffset: this.#start, line: this.#line + countLineFeeds(chunk, i) }
  }
}

// How many bytes of `chunk` end with its last whole character: a sequence cut short at
// its end is left for the byte-by-byte scan, which carries it to the next chunk.
function completeLength(chunk: Buffer): number {
  for (let i = chunk.length - 1; i >= 0 && i >= chunk.length - 4; i--) {
    const b = chunk[i] ?? 0
    if (b < 0x80) return chunk.length
    if (b < 0xc0) continue
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
    return chunk.length - i < length ? i : chunk.length
  }
  return chunk.length
}

// Whether valid UTF-8 holds a character counted as latin above, found by the native
// search for its lead byte: C3 to C5 (U+00C0–U+017F), C2 then A0–BF (U+00A0–U+00BF),
// E2 then 80–82, or 83 and 80–8F (U+2000–U+20CF).
function hasLatin(valid: Buffer): boolean {
  for (const lead of [0xc3, 0xc4, 0xc5]) if (valid.includes(lead)) return true
  for (let at = valid.indexOf(0xc2); at !== -1; at = valid.indexOf(0xc2, at + 1)) {
    if ((valid[at + 1] ?? 0) >= 0xa0) return true
  }
  for (let at = valid.indexOf(0xe2); at !== -1; at = valid.indexOf(0xe2, at + 1)) {
    const second = valid[at + 1] ?? 0
    if (second >= 0x80 && (second <= 0x82 || (second === 0x83 && (valid[at + 2] ?? 0) <= 0x8f))) {
      return true
    }
  }
  return false
}
