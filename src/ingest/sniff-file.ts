import { pipeline } from 'node:stream'

import { type Dialect, sniffDialect } from './dialect.js'
import { decodeStream, type EncodingResult } from './encoding.js'
import type { FileStore } from './file-store.js'

// Enough lines to see the dialect of any real file, small enough to hold.
const SAMPLE_BYTES = 64 * 1024

export async function sniffFile(
  files: FileStore,
  key: string,
  encoding: EncodingResult,
  size: number
): Promise<{ dialect: Dialect; sample: string }> {
  let sample = ''
  // The sample may end inside a character or a record: decode it leniently and
  // tell the sniffer when it is in fact the whole file.
  const decoded = decodeStream(encoding, { lenient: true })
  pipeline(files.open(key, 0, SAMPLE_BYTES - 1), decoded, () => undefined)
  for await (const chunk of decoded) sample += String(chunk)
  return { dialect: sniffDialect(sample, { complete: size <= SAMPLE_BYTES }), sample }
}
