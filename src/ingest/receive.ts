import type { Readable } from 'node:stream'

import type { Db } from '../db/database.js'
import { AppError } from '../http/errors.js'
import type { EncodingResult } from './encoding.js'
import type { FileStore, StoredFile } from './file-store.js'
import { ByteInspector } from './inspector.js'
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
  // How long the sender may send nothing before the upload is given up.
  idleMs: number
  revisionId: string
  body: Readable
}

// The body to disk, hashed, counted and its encoding decided over every byte.
// `tap` sees every chunk on the way, and may hold the upload back. A sender
// silent for `idleMs` is given up: an upload loaded early holds a database
// connection meanwhile. Time spent waiting for our own parser does not count.
// The write is stopped, not the body: an HTTP request's socket then stays open
// for the 408 that tells the sender.
export async function receive(
  input: ReceiveInput,
  progress: Progress,
  tap: (chunk: Buffer) => Promise<void> | undefined
): Promise<Received> {
  const inspector = new ByteInspector()
  const { db, files, maxBytes, revisionId, body } = input
  const stall = new AbortController()
  const idle = new IdleTimer(input.idleMs, () => {
    const seconds = Math.round(input.idleMs / 1000)
    stall.abort(new AppError('UPLOAD_STALLED',
      `Nothing arrived for ${seconds} s: the upload was given up and nothing was kept.`))
  })

  let stored: StoredFile
  let detected: EncodingResult
  try {
    const written = await files.write(revisionId, body, maxBytes, (chunk) => {
      idle.stop()
      progress.received(chunk.length)
      const waiting = both(inspector.update(chunk), tap(chunk))
      if (waiting === undefined) idle.start()
      else waiting.then(() => idle.start(), () => idle.start())
      return waiting
    }, stall.signal)
    const inspected = await inspector.finish()
    stored = { ...written, sha256: inspected.sha256 }
    detected = inspected.detected
  } catch (error) {
    inspector.drop()
    throw error
  } finally {
    idle.stop()
  }
  await recordStoredFile(db, revisionId, stored)
  if (stored.size === 0) throw new AppError('CSV_EMPTY', 'The uploaded file has no content.')
  return { stored, detected }
}

function both(a: Promise<void> | undefined, b: Promise<void> | undefined) {
  if (a === undefined) return b
  if (b === undefined) return a
  return Promise.all([a, b]).then(() => undefined)
}

// Bytes that are not text are refused at once. Invalid UTF-8 is not: the load's
// decoder refuses the first bad byte and names its line and field (see
// csv-reader.ts), where detection only counts line feeds.
export function checkEncoding(encoding: EncodingResult): void {
  if (encoding.binary) {
    const why = encoding.binaryReason ?? 'it holds binary data'
    throw new AppError('CSV_NOT_TEXT', `This is not a CSV text file: ${why}.`)
  }
}

class IdleTimer {
  #timer: NodeJS.Timeout | undefined

  constructor(private readonly ms: number, private readonly fire: () => void) {
    this.start()
  }

  start(): void {
    this.stop()
    this.#timer = setTimeout(this.fire, this.ms)
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
