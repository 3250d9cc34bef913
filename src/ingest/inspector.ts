import type { Worker } from 'node:worker_threads'

import { AppError } from '../http/errors.js'
import type { EncodingResult } from './encoding.js'
import type { InspectRequest } from './inspect-worker.js'
import { spawnWorker, TransferBuffers } from './worker-threads.js'

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

let shared: SharedWorker | null = null

// Starts the worker ahead of the first upload (see startParseThread).
export function startInspector(): void {
  shared ??= new SharedWorker()
}

export class ByteInspector {
  readonly #id: number
  readonly #worker: SharedWorker
  #pending = 0
  #waiting: (() => void) | null = null

  constructor() {
    shared ??= new SharedWorker()
    this.#worker = shared
    this.#id = this.#worker.open(this)
  }

  // A copy of the chunk goes to the worker; a promise when too much is pending.
  update(chunk: Buffer): Promise<void> | undefined {
    const copy = buffers.copy(chunk)
    this.#pending += copy.length
    this.#worker.post({ id: this.#id, chunk: copy }, [copy.buffer])
    if (this.#pending <= MAX_PENDING_BYTES) return undefined
    return new Promise((resolve) => (this.#waiting = resolve))
  }

  finish(): Promise<Inspected> {
    return this.#worker.finish(this.#id)
  }

  // The upload failed: its state in the worker is dropped.
  drop(): void {
    this.#worker.drop(this.#id)
  }

  seen(bytes: number): void {
    this.#pending -= bytes
    if (this.#pending > MAX_PENDING_BYTES / 2 || this.#waiting === null) return
    const resume = this.#waiting
    this.#waiting = null
    resume()
  }
}

class SharedWorker {
  readonly #worker: Worker
  #next = 1
  readonly #inspectors = new Map<number, ByteInspector>()
  readonly #finishing = new Map<number, Settle>()
  #dead: Error | null = null

  constructor() {
    this.#worker = spawnWorker('inspect-worker')
    this.#worker.on('message', (reply: Reply) => this.#receive(reply))
    this.#worker.on('error', (error) => this.#fail(error))
    this.#worker.on('exit', () => this.#fail(new Error('the inspection worker stopped')))
    // Idle between uploads, it must not keep the process alive (unref after
    // the listeners: listening for messages refs the worker again).
    this.#worker.unref()
  }

  open(inspector: ByteInspector): number {
    const id = this.#next++
    this.#inspectors.set(id, inspector)
    // While an upload waits on it, it keeps the process alive.
    if (this.#inspectors.size === 1) this.#worker.ref()
    return id
  }

  post(message: InspectRequest, transfer: ArrayBuffer[] = []): void {
    if (this.#dead === null) this.#worker.postMessage(message, transfer)
  }

  finish(id: number): Promise<Inspected> {
    const dead = this.#dead
    if (dead !== null) return Promise.reject(dead)
    return new Promise((resolve, reject) => {
      this.#finishing.set(id, { resolve, reject })
      this.post({ id, finish: true })
    })
  }

  drop(id: number): void {
    this.#close(id)
    this.#finishing.get(id)?.reject(new Error('upload dropped'))
    this.#finishing.delete(id)
    this.post({ id, drop: true })
  }

  #receive(reply: Reply): void {
    if ('done' in reply) {
      buffers.giveBack(reply.buffer)
      this.#inspectors.get(reply.id)?.seen(reply.done)
      return
    }
    const { id, sha256, detected } = reply
    this.#close(id)
    this.#finishing.get(id)?.resolve({ sha256, detected })
    this.#finishing.delete(id)
  }

  #close(id: number): void {
    if (!this.#inspectors.delete(id)) return
    if (this.#inspectors.size === 0) this.#worker.unref()
  }

  // Uploads under way fail, to be sent again; the next upload starts a new
  // worker.
  #fail(cause: Error): void {
    const error = new AppError('UNAVAILABLE',
      'The thread checking this upload stopped; send the file again.', {}, cause)
    this.#dead ??= error
    if (shared === this) shared = null
    for (const { reject } of this.#finishing.values()) reject(error)
    this.#finishing.clear()
    for (const inspector of this.#inspectors.values()) inspector.seen(Infinity)
    this.#inspectors.clear()
  }
}
