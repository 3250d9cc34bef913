import { Transform, type TransformCallback } from 'node:stream'

import { AppError } from '../http/errors.js'
import { decodeCp850 } from './cp850.js'
import type { EncodingResult } from './encoding.js'
import { decodeWindows1252 } from './windows-1252.js'

export type ChunkDecoder = (chunk: Buffer, final: boolean) => string

export interface DecodeOptions {
  // Replace invalid bytes with U+FFFD instead of failing. Only for reading a sample cut
  // at an arbitrary byte, where the last character may be incomplete.
  lenient?: boolean
}

// Node's TextDecoder (full ICU) decodes UTF-8, UTF-16 and ISO-8859-15; CP850 it lacks and
// windows-1252 it gets wrong (see windows-1252.ts), so those two use our tables. `fatal`
// turns invalid bytes into an error instead of a silent U+FFFD: a publisher who forces
// UTF-8 on a windows-1252 file must hear about it, not get corrupted text.
// In the single-byte encodings every byte is defined, so they never fail.
function textDecoder(encoding: string, lenient: boolean): ChunkDecoder {
  const decoder = new TextDecoder(encoding, { fatal: !lenient })
  return (chunk, final) => {
    try {
      return decoder.decode(chunk, { stream: !final })
    } catch (error) {
      throw new AppError(
        'CSV_ENCODING_INVALID',
        `The file contains bytes that are not valid ${encoding}; save it again as UTF-8 ` +
          'or declare its real encoding.',
        {},
        error
      )
    }
  }
}

// Decodes chunks in order; a character split between two chunks is decoded once complete.
// The BOM (`bomLength` bytes) is skipped even when it spans chunks. TextDecoder also
// drops a UTF-8 or UTF-16 BOM left at the start, so a forced encoding without `bom` set
// still keeps U+FEFF out of the first column name.
export function createDecoder(enc: EncodingResult, options: DecodeOptions = {}): ChunkDecoder {
  // ISO-8859-1 proper: WHATWG's TextDecoder reads that label as windows-1252, but a
  // publisher who forces Latin-1 means bytes 0x80–0x9F as the C1 controls they are.
  const decode: ChunkDecoder = enc.encoding === 'cp850'
    ? (chunk) => decodeCp850(chunk)
    : enc.encoding === 'windows-1252'
      ? (chunk) => decodeWindows1252(chunk)
      : enc.encoding === 'iso-8859-1'
        ? (chunk) => chunk.toString('latin1')
        : textDecoder(enc.encoding, options.lenient ?? false)
  let toSkip = enc.bomLength

  return (chunk, final) => {
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, chunk.length)
      toSkip -= skipped
      chunk = chunk.subarray(skipped)
    }
    return decode(chunk, final)
  }
}

class DecodeStream extends Transform {
  readonly #decode: ChunkDecoder

  constructor(enc: EncodingResult, options: DecodeOptions) {
    // Strings out, one per non-empty decoded chunk; object mode keeps them strings.
    super({ readableObjectMode: true })
    this.#decode = createDecoder(enc, options)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.#push(chunk, false, done)
  }

  override _flush(done: TransformCallback) {
    this.#push(Buffer.alloc(0), true, done)
  }

  #push(chunk: Buffer, final: boolean, done: TransformCallback) {
    let text: string
    try {
      text = this.#decode(chunk, final)
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)))
      return
    }
    if (text.length > 0) this.push(text)
    done()
  }
}

// Buffer in, string out: the stream the CSV parser reads.
export function decodeStream(enc: EncodingResult, options: DecodeOptions = {}): Transform {
  return new DecodeStream(enc, options)
}
