import { Readable } from 'node:stream'

import { type Dialect, sniffDialect } from './dialect.js'
import { decodeStream, type EncodingResult } from './encoding.js'
import type { FileStore } from './file-store.js'

// Enough lines to see the dialect of any real file, small enough to hold.
export const SAMPLE_BYTES = 64 * 1024

export interface Sniffed {
  dialect: Dialect
  sample: string
}

export async function sniffFile(
  files: FileStore,
  key: string,
  encoding: EncodingResult,
  size: number
): Promise<Sniffed> {
  const chunks: Buffer[] = []
  for await (const chunk of files.open(key, 0, SAMPLE_BYTES - 1)) chunks.push(chunk as Buffer)
  return sniffBytes(Buffer.concat(chunks), encoding, size <= SAMPLE_BYTES)
}

// The dialect of a file's first SAMPLE_BYTES (the same bytes give the same
// answer, whether read from disk or while the upload arrives). The sample may
// end inside a character or a record: it is decoded leniently, and the sniffer
// told when it is in fact the whole file.
export async function sniffBytes(
  head: Buffer,
  encoding: EncodingResult,
  complete: boolean
): Promise<Sniffed> {
  let sample = ''
  const decoded = decodeStream(encoding, { lenient: true })
  Readable.from([head.subarray(0, SAMPLE_BYTES)]).pipe(decoded)
  for await (const chunk of decoded) sample += String(chunk)
  return { dialect: sniffDialect(sample, { complete }), sample }
}
