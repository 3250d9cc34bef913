import type { Readable } from 'node:stream'

import { AppError } from './errors.js'

export interface BodyLimits {
  // Bytes at most (Fastify's bodyLimit: 1 MiB).
  maxBytes: number
  // The longest pause between two pieces of the body.
  idleMs: number
}

// A request body read whole, as Fastify would, and also given up when it stops
// arriving: Node's own request timeout is off, as it would also cut long uploads, and
// a sender could otherwise hold a connection (and its token's request) open for good.
// Every way out settles the promise once and leaves no timer behind.
export function readBody(
  payload: Readable,
  declaredLength: string | undefined,
  limits: BodyLimits
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = declaredLength === undefined ? undefined : Number(declaredLength)
    if (declared !== undefined && declared > limits.maxBytes) {
      reject(tooLarge(limits.maxBytes))
      return
    }

    // Gone already (the client left while the token was checked): no event will come.
    if (payload.destroyed) {
      reject(connectionClosed())
      return
    }

    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    let timer = setTimeout(stalled, limits.idleMs)

    function settle(error: Error | null): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      payload.off('data', onData)
      payload.off('end', onEnd)
      payload.off('error', onClose)
      payload.off('close', onClose)
      if (error !== null) reject(error)
      else resolve(Buffer.concat(chunks))
    }
    function stalled(): void {
      settle(new AppError('REQUEST_STALLED', 'Nothing of the body arrived for ' +
        `${Math.round(limits.idleMs / 1000)} s: send it again, whole.`))
    }
    function onData(chunk: Buffer): void {
      size += chunk.length
      if (size > limits.maxBytes) {
        settle(tooLarge(limits.maxBytes))
        return
      }
      chunks.push(chunk)
      clearTimeout(timer)
      timer = setTimeout(stalled, limits.idleMs)
    }
    function onEnd(): void {
      if (declared !== undefined && size !== declared) {
        settle(new AppError('BODY_INVALID', `The body holds ${size} bytes where ` +
          `Content-Length announced ${declared}.`))
        return
      }
      settle(null)
    }
    // Node's "aborted" error (ECONNRESET) is the client leaving, not a failure of ours
    // (nor of the database, which that code would otherwise suggest).
    function onClose(): void {
      settle(connectionClosed())
    }

    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onClose)
    payload.on('close', onClose)
  })
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('BODY_TOO_LARGE', `A JSON body holds at most ${maxBytes} bytes.`)
}

function connectionClosed(): AppError {
  return new AppError('BODY_INVALID', 'The connection closed before the body ended.')
}
