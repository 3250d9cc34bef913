import { createReadStream, createWriteStream, promises as fs } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import { AppError } from '../http/errors.js'

export interface StoredFile {
  key: string
  size: number
  sha256: string
}

export const uploadTooLarge = (maxBytes: number) =>
  new AppError('UPLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes.`)

// Original files as uploaded, on local disk, one per revision. Written under a
// temporary name and renamed when complete, so a crash never leaves a file that
// looks whole.
export class FileStore {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true })
  }

  // Streams `body` to disk while counting it, and passes every chunk to
  // `inspect` on the way (hash, encoding, parser): one pass, constant memory.
  // When `inspect` returns a promise (something behind), the upload waits.
  // Aborting `signal` fails the write with its reason.
  async write(
    key: string,
    body: Readable,
    maxBytes: number,
    inspect: (chunk: Buffer) => Promise<void> | undefined,
    signal?: AbortSignal
  ): Promise<{ key: string; size: number }> {
    signal?.throwIfAborted()
    let size = 0

    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (size > maxBytes) {
          done(uploadTooLarge(maxBytes))
          return
        }
        const waiting = inspect(chunk)
        if (waiting === undefined) done(null, chunk)
        else waiting.then(() => done(null, chunk), done)
      }
    })

    // The meter is failed, not the body: pipeline() then ends an HTTP request
    // without closing its socket, which can still carry an answer.
    const abort = () => meter.destroy(signal?.reason as Error)
    signal?.addEventListener('abort', abort, { once: true })

    const final = this.path(key)
    const partial = `${final}.partial`
    try {
      await pipeline(body, meter, createWriteStream(partial, { flags: 'wx' }))
      await fs.rename(partial, final)
    } catch (error) {
      await fs.rm(partial, { force: true })
      throw asUploadProblem(error)
    } finally {
      signal?.removeEventListener('abort', abort)
    }

    return { key, size }
  }

  open(key: string, start = 0, end?: number): Readable {
    return createReadStream(this.path(key), end === undefined ? { start } : { start, end })
  }

  // An open handle keeps the bytes readable even if a newer load removes the
  // file a moment later. Null when the file is already gone.
  async openHandle(key: string): Promise<FileHandle | null> {
    try {
      return await fs.open(this.path(key), 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async remove(key: string): Promise<void> {
    await fs.rm(this.path(key), { force: true })
  }

  async keys(): Promise<string[]> {
    const names = await fs.readdir(this.dir)
    return names.filter((n) => !n.startsWith('.'))
  }

  // Keys are revision ids that we generate, never user text; the check keeps a
  // corrupted database value from pointing outside the folder.
  private path(key: string): string {
    if (!/^[0-9a-f-]{36}(\.partial)?$/.test(key)) throw new Error(`bad file key ${key}`)
    return path.join(this.dir, key)
  }
}

// Disk errors are ours (a 500); anything else while receiving means the body
// did not arrive whole: the client went away, or the multipart was cut short.
const DISK_ERRORS = new Set(['ENOSPC', 'EACCES', 'EIO', 'EROFS', 'EMFILE', 'ENFILE', 'EEXIST'])

function asUploadProblem(error: unknown): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && DISK_ERRORS.has(code)) return error
  return new AppError(
    'BODY_INVALID',
    'The upload ended before the file was complete; nothing was changed.',
    {},
    error
  )
}
