import type { FastifyReply } from 'fastify'

import { AppError } from '../http/errors.js'

// Uploads under way, from their request to their answer, are counted: each holds
// a connection, a file being written and, once stored, a place in the queue for
// a load slot (load-slots.ts). Past the limit an upload is refused before its
// body is read, with the time to wait, rather than queued without end.
// Refusing costs the service nothing (the body is not read), and clients that
// honour Retry-After (`ouverture push` does) come back soon.
const RETRY_AFTER_SECONDS = 5

export class UploadGate {
  #inProgress = 0
  #drained: Array<() => void> = []

  constructor(private readonly limit: number) {}

  // Runs `upload` if there is room, or refuses it with a 503 before its body is
  // read. The connection stays open: closing it under a body still arriving would
  // reset it, and the client could lose the answer; the rest is read and dropped,
  // and clients that see the early answer stop sending.
  async admit<T>(reply: FastifyReply, upload: () => Promise<T>): Promise<T> {
    if (this.#inProgress >= this.limit) {
      reply.header('retry-after', String(RETRY_AFTER_SECONDS))
      throw new AppError('UPLOADS_BUSY',
        `${this.limit} uploads are under way, the most this service takes at once; send ` +
          `the file again in ${RETRY_AFTER_SECONDS} s.`)
    }

    this.#inProgress++
    try {
      return await upload()
    } finally {
      this.#inProgress--
      if (this.#inProgress === 0) for (const resolve of this.#drained.splice(0)) resolve()
    }
  }

  // Once no upload is under way: each has been recorded, loaded or failed. At
  // shutdown the database must outlive them.
  drained(): Promise<void> {
    if (this.#inProgress === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }
}
