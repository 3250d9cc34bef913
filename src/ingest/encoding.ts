import { ByteStats, HEAD_SIZE } from './byte-stats.js'
import { chooseSingleByte } from './single-byte.js'
import { Utf8Validator } from './utf8-validator.js'

// ISO-8859-15 is never detected, only used when the publisher says so: on text it differs
// from windows-1252 on eight bytes only (0xA4 is € where windows-1252 has ¤, 0xBC/0xBD
// are Œ/œ…), nothing in the bytes tells the two apart reliably, and windows-1252 is what
// French office software writes.
export type Encoding =
  | 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-1' | 'iso-8859-15'
  | 'cp850'

// What an uploader may force, in the order the API documents them.
export const ENCODINGS: readonly Encoding[] = [
  'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1', 'iso-8859-15', 'cp850'
]

export interface EncodingResult {
  encoding: Encoding
  bom: boolean
  bomLength: number
  // The bytes are not text (an image, an archive, a spreadsheet…): reject with a 4xx.
  binary: boolean
  // Why `binary` is true, in words a publisher understands.
  binaryReason?: string
  // Set when the file is UTF-8 (by its BOM or by the evidence below) yet has bytes that
  // are not: decoded either way, part of its text would change, so the loader refuses it.
  invalid?: InvalidUtf8
}

export interface InvalidUtf8 {
  encoding: 'utf-8'
  // Where the first ill-formed sequence starts, counted from the start of the file (BOM
  // included), and its 1-based line counting LF.
  byteOffset: number
  line: number
  // Valid sequences of two to four bytes in the whole file: the evidence for UTF-8.
  validMultibyte: number
}

// The decoders live in decode.ts; callers get the whole encoding API from this module.
export { createDecoder, decodeStream, type DecodeOptions } from './decode.js'

const BOMS: ReadonlyArray<{ bytes: number[]; encoding: Encoding }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' }
]

// Formats people upload by mistake instead of a CSV. Their first bytes are never text.
const SIGNATURES: ReadonlyArray<{ bytes: number[]; what: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an XLSX/ODS spreadsheet)' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty ZIP archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Office document (XLS)' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable' }
]
const SIGNATURE_SIZE = 8

// A few stray NULs or control characters come from broken exports and should not block a
// publication; text never has more than about 1 % of them, binary data has around 10 %.
const NUL_RATIO = 0.01
const CONTROL_RATIO = 0.02
const MIN_CONTROLS = 8

// UTF-16 without BOM: the high byte of every Latin character is NUL, so about half the
// bytes are NUL, all at the same parity. Binary data has few NULs on both parities.
const UTF16_NUL_SHARE = 0.3
const UTF16_OTHER_PARITY = 0.01

// A file with invalid UTF-8 is still UTF-8, broken, when its valid multi-byte sequences
// cannot be an accident of single-byte text: one decoding to a French letter or common
// punctuation (in windows-1252 that takes Ã, Â, Ä or Å followed by a symbol, as in the
// "Ã©" of a file already garbled once), or more valid sequences than invalid ones (for
// UTF-8 in other scripts). Measured on the French text of our real UTF-8 files re-encoded
// to windows-1252 and CP850: no such sequence; in capitals with non-breaking spaces,
// windows-1252 forms 36 sequences by accident (É + NBSP reads as U+0260), all outside
// the Latin range, against 5 000 invalid ones.
function brokenUtf8(utf8: Utf8Validator): boolean {
  return utf8.latin || utf8.multibyte > utf8.invalid
}

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b)
}

// Encoding detection over every byte of an upload, fed chunk by chunk while it streams
// to disk, in constant memory: the decision is never made on a sample.
export class EncodingDetector {
  readonly #head = Buffer.alloc(SIGNATURE_SIZE)
  #headLength = 0
  readonly #utf8 = new Utf8Validator()
  readonly #stats = new ByteStats()
  #finished = false

  update(chunk: Buffer): void {
    if (this.#finished) throw new Error('EncodingDetector.update() called after finish()')

    if (this.#headLength < SIGNATURE_SIZE) {
      this.#headLength += chunk.copy(this.#head, this.#headLength, 0)
    }
    this.#utf8.update(chunk)
    // A French letter written in UTF-8 settles the text as UTF-8 (see brokenUtf8): the
    // neighbours of high bytes, which choose a code page otherwise, are no longer counted.
    if (this.#utf8.latin) this.#stats.countControls(chunk)
    else this.#stats.update(chunk)
  }

  finish(): EncodingResult {
    this.#finished = true
    this.#stats.finish()
    this.#utf8.finish()
    const head = this.#head.subarray(0, this.#headLength)

    const result = this.#textResult(head)

    // A signature settles it first: a ZIP header has NULs that would look like UTF-16.
    // In UTF-16, NULs are half of the bytes and say nothing. Binary data is reported as
    // such, not as broken text.
    const signature = SIGNATURES.find((candidate) => startsWith(head, candidate.bytes))
    let binaryReason: string | undefined
    if (signature) binaryReason = `the file is ${signature.what}, not a CSV`
    else if (!result.encoding.startsWith('utf-16')) binaryReason = this.#noiseReason()
    if (binaryReason !== undefined) return { ...result, binary: true, binaryReason }

    const invalid = result.encoding === 'utf-8' ? this.#invalidUtf8(result.bom) : undefined
    return invalid === undefined ? result : { ...result, invalid }
  }

  // A BOM, when present, wins even over invalid bytes: they are reported as invalid UTF-8
  // (or fail the UTF-16 decoder), rather than another encoding guessed.
  #textResult(head: Buffer): EncodingResult {
    const bom = BOMS.find((candidate) => startsWith(head, candidate.bytes))
    if (bom) {
      return { encoding: bom.encoding, bom: true, bomLength: bom.bytes.length, binary: false }
    }
    return { encoding: this.#textEncoding(), bom: false, bomLength: 0, binary: false }
  }

  #textEncoding(): Encoding {
    const utf16 = this.#utf16WithoutBom()
    if (utf16) return utf16
    if (this.#utf8.valid || brokenUtf8(this.#utf8)) return 'utf-8'
    return chooseSingleByte(this.#stats.context)
  }

  // The BOM is a valid sequence too, but no evidence: the file says it is UTF-8.
  #invalidUtf8(bom: boolean): InvalidUtf8 | undefined {
    const first = this.#utf8.firstInvalid
    if (first === undefined) return undefined
    const validMultibyte = this.#utf8.multibyte - (bom ? 1 : 0)
    return { encoding: 'utf-8', ...first, validMultibyte }
  }

  #utf16WithoutBom(): Encoding | undefined {
    const pairs = Math.floor(this.#stats.total / 2)
    if (pairs === 0) return undefined

    const { nulEven, nulOdd } = this.#stats
    if (nulOdd >= UTF16_NUL_SHARE * pairs && nulEven <= UTF16_OTHER_PARITY * pairs) {
      return 'utf-16le'
    }
    if (nulEven >= UTF16_NUL_SHARE * pairs && nulOdd <= UTF16_OTHER_PARITY * pairs) {
      return 'utf-16be'
    }
    return undefined
  }

  // NULs and control characters beyond what broken exports leave behind.
  #noiseReason(): string | undefined {
    const { total, controls, nulEven, nulOdd, headNul, headControls } = this.#stats
    const headSize = Math.min(total, HEAD_SIZE)
    if (nulEven + nulOdd > NUL_RATIO * total) return 'the file contains NUL bytes'
    if (headNul > 0 && headControls > NUL_RATIO * headSize) {
      return 'the file starts with NUL bytes and control characters'
    }
    if (controls >= MIN_CONTROLS && controls > CONTROL_RATIO * total) {
      return 'the file contains many control characters'
    }
    return undefined
  }
}

// Convenience for a whole buffer already in memory (tests, small uploads).
export function detectEncoding(bytes: Buffer): EncodingResult {
  const detector = new EncodingDetector()
  detector.update(bytes)
  return detector.finish()
}
