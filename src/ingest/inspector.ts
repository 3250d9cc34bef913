import { AppError } from '../http/errors.js'
import type { EncodingResult } from './encoding.js'
import type { InspectRequest } from './inspect-worker.js'
import { SharedThread, TransferBuffers } from './worker-threads.js'

export interface Inspected {
  sha256: string
  detected: EncodingResult
}

type Reply = { id: number; done: number; buffer: ArrayBuffer } | ({ id: number } & Inspected)
type Settle = { resolve: (inspected: Inspected) => void; reject: (error: Error) => void }

// Hashing an upload and deciding its encoding over every byte cost the parsing
// thread about 0.9 s per 100 MB (a CPU profile of a million-row upload): one
// worker thread, shared by all uploads, does it beside the parser. Bytes sent
// and not yet seen are bounded, so a slow worker holds the upload back rather
// than fill memory.
const MAX_PENDING_BYTES = 2 << 20

const buffers = new TransferBuffers(MAX_PENDING_BYTES)

type InspectThread = SharedThread<InspectRequest, Reply>

let shared: InspectThread | null = null

const stopped = (cause: Error) => new AppError('UNAVAILABLE',
  'The thread checking this upload stopped; send the file again.', {}, cause)

function sharedThread(): InspectThread {
  if (shared !== null) return shared
  const thread: InspectThread = new SharedThread('inspect-worker', stopped, () => {
    // The next upload starts a new worker.
    if (shared === thread) shared = null
  })
  shared = thread
  return thread
}

// Starts the worker ahead of the first upload (see startParseThread).
export function startInspector(): void {
  sharedThread()
}

export class ByteInspector {
  readonly #thread: InspectThread
  readonly #id: number
  #pending = 0
  #waiting: (() => void) | null = null
  #finishing: Settle | null = null
  #failure: Error | null = null

  constructor() {
    this.#thread = sharedThread()
    this.#id = this.#thread.open(this)
  }

  // A copy of the chunk goes to the worker; a promise when too much is pending.
  update(chunk: Buffer): Promise<void> | undefined {
    const copy = buffers.copy(chunk)
    this.#pending += copy.length
    this.#thread.post({ id: this.#id, chunk: copy }, [copy.buffer])
    if (this.#pending <= MAX_PENDING_BYTES) return undefined
    return new Promise((resolve) => (this.#waiting = resolve))
  }

  finish(): Promise<Inspected> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => {
      this.#finishing = { resolve, reject }
      this.#thread.post({ id: this.#id, finish: true })
    })
  }

  // The upload failed: its state in the worker is dropped.
  drop(): void {
    this.#thread.close(this.#id)
    this.#thread.post({ id: this.#id, drop: true })
    this.#finishing?.reject(new Error('upload dropped'))
    this.#finishing = null
  }

  receive(reply: Reply): void {
    if ('done' in reply) {
      buffers.giveBack(reply.buffer)
      this.#seen(reply.done)
      return
    }
    this.#thread.close(this.#id)
    const { sha256, detected } = reply
    this.#finishing?.resolve({ sha256, detected })
    this.#finishing = null
  }

  // The thread died: a finish waited for fails, and the upload is not held back.
  fail(error: Error): void {
    this.#failure ??= error
    this.#finishing?.reject(error)
    this.#finishing = null
    this.#seen(Infinity)
  }

  #seen(bytes: number): void {
    this.#pending -= bytes
    if (this.#pending > MAX_PENDING_BYTES / 2 || this.#waiting === null) return
    const resume = this.#waiting
    this.#waiting = null
    resume()
  }
}
