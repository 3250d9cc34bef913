import type { Readable } from 'node:stream'

import type { Db } from '../db/database.js'
import { AppError } from '../http/errors.js'
import { EncodingDetector, type EncodingResult } from './encoding.js'
import type { FileStore, StoredFile } from './file-store.js'
import type { Progress } from './progress.js'
import { recordStoredFile } from './revision.queries.js'

export interface Received {
  stored: StoredFile
  detected: EncodingResult
}

interface ReceiveInput {
  db: Db
  files: FileStore
  maxBytes: number
  revisionId: string
  body: Readable
}

// The body to disk, hashed, counted and its encoding decided over every byte.
// `tap` sees every chunk on the way, and may hold the upload back.
export async function receive(
  input: ReceiveInput,
  progress: Progress,
  tap: (chunk: Buffer) => Promise<void> | undefined
): Promise<Received> {
  const detector = new EncodingDetector()
  const { db, files, maxBytes, revisionId, body } = input
  const stored = await files.write(revisionId, body, maxBytes, (chunk) => {
    detector.update(chunk)
    progress.received(chunk.length)
    return tap(chunk)
  })
  await recordStoredFile(db, revisionId, stored)
  if (stored.size === 0) throw new AppError('CSV_EMPTY', 'The uploaded file has no content.')
  return { stored, detected: detector.finish() }
}

export function checkEncoding(encoding: EncodingResult): void {
  if (encoding.binary) {
    const why = encoding.binaryReason ?? 'it holds binary data'
    throw new AppError('CSV_NOT_TEXT', `This is not a CSV text file: ${why}.`)
  }
  if (encoding.invalid !== undefined) {
    const { line } = encoding.invalid
    throw new AppError(
      'CSV_ENCODING_INVALID',
      `The file is UTF-8 but line ${line} holds bytes that are not: the file mixes ` +
        'encodings or was damaged. Save it again as UTF-8.',
      { line }
    )
  }
}
