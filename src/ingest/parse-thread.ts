import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'

import { AppError } from '../http/errors.js'
import { fromFailure, type ParseReply, type ParseRequest } from './parse-protocol.js'
import type { ParseSettings } from './table-parser.js'
import { spawnWorker, TransferBuffers } from './worker-threads.js'

// Decoding, splitting, profiling and encoding every cell is most of a load's
// work. On the main thread it held up every other request while it ran (ten
// seconds behind one pathological file), and left a machine's other cores to
// PostgreSQL alone (docs/architecture.md). Loads are parsed on worker threads
// instead, one per core beyond the first (PostgreSQL needs one too), at most
// four; loads beyond that share them, in turns.
const MAX_THREADS = Math.max(1, Math.min(4, availableParallelism() - 1))

// Chunks sent to a worker and not yet answered, per load: enough to keep the
// worker busy while the main thread writes the answers to COPY, few enough to
// keep memory flat (each is at most 64 kB in, and a million characters out).
const MAX_IN_FLIGHT = 4

const buffers = new TransferBuffers(MAX_THREADS * MAX_IN_FLIGHT * (64 << 10))

export type Answer = Exclude<ParseReply, { failure: unknown }>

const threads: ParseThread[] = []

// Starts the first worker ahead of the first upload, which would otherwise wait
// for its start (modules loaded in a new thread: about a tenth of a second).
export function startParseThread(): void {
  if (threads.length === 0) threads.push(new ParseThread())
}

// Stops every parse worker; loads under way fail with a 503, to be sent again.
// At shutdown, so that no parse outlives the database it writes to.
export async function stopParseThreads(): Promise<void> {
  await Promise.all(threads.splice(0).map((thread) => thread.stop()))
}

// A load's parse, on the least busy worker.
export function openParse(settings: ParseSettings): ParseSession {
  let thread = threads.reduce<ParseThread | undefined>(
    (best, t) => (best === undefined || t.loads < best.loads ? t : best), undefined)
  if (thread === undefined || (thread.loads > 0 && threads.length < MAX_THREADS)) {
    thread = new ParseThread()
    threads.push(thread)
  }
  return thread.open(settings)
}

// One load's side of the conversation: chunks in with push(), answers out with
// next(), one per chunk, resume() and end(), in order.
export class ParseSession {
  #inFlight = 0
  readonly #answers: Answer[] = []
  #waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void } | null = null
  #failure: Error | null = null

  constructor(
    private readonly thread: ParseThread,
    readonly id: number
  ) {}

  // Whether to wait for an answer before pushing more.
  get full(): boolean {
    return this.#inFlight >= MAX_IN_FLIGHT
  }

  // Whether next() would settle without waiting: an answer, or a failure.
  get ready(): boolean {
    return this.#answers.length > 0 || this.#failure !== null
  }

  push(chunk: Uint8Array): void {
    this.#inFlight++
    const copy = buffers.copy(chunk)
    this.thread.post({ id: this.id, chunk: copy }, [copy.buffer])
  }

  // After an answer with `more`: the rest of what was read.
  resume(): void {
    this.#inFlight++
    this.thread.post({ id: this.id, resume: true })
  }

  end(): void {
    this.#inFlight++
    this.thread.post({ id: this.id, end: true })
  }

  next(): Promise<Answer> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    const answer = this.#answers.shift()
    if (answer !== undefined) {
      this.#inFlight--
      return Promise.resolve(answer)
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
    })
  }

  // The load is over, whichever way: the worker forgets it.
  close(): void {
    this.thread.close(this.id)
  }

  receive(reply: ParseReply): void {
    if ('failure' in reply) {
      this.fail(fromFailure(reply.failure))
      return
    }
    if ('buffer' in reply) buffers.giveBack(reply.buffer)
    const waiting = this.#waiting
    if (waiting === null) {
      this.#answers.push(reply)
      return
    }
    this.#waiting = null
    this.#inFlight--
    waiting.resolve(reply)
  }

  fail(error: Error): void {
    this.#failure ??= error
    this.#waiting?.reject(error)
    this.#waiting = null
  }
}

class ParseThread {
  readonly #worker: Worker
  readonly #sessions = new Map<number, ParseSession>()
  #next = 1
  #dead = false

  constructor() {
    this.#worker = spawnWorker('parse-worker')
    this.#worker.on('message', (reply: ParseReply) => this.#sessions.get(reply.id)?.receive(reply))
    this.#worker.on('error', (error) => this.#die(error))
    this.#worker.on('exit', () => this.#die(new Error('the parse worker stopped')))
    // Idle between loads, it must not keep the process alive (unref after the
    // listeners: listening for messages refs the worker again).
    this.#worker.unref()
  }

  get loads(): number {
    return this.#sessions.size
  }

  open(settings: ParseSettings): ParseSession {
    const session = new ParseSession(this, this.#next++)
    this.#sessions.set(session.id, session)
    // While a load waits on it, it keeps the process alive.
    if (this.#sessions.size === 1) this.#worker.ref()
    this.post({ id: session.id, open: settings })
    if (this.#dead) session.fail(stoppedError(new Error('the parse worker stopped')))
    return session
  }

  async stop(): Promise<void> {
    await this.#worker.terminate()
  }

  post(message: ParseRequest, transfer: ArrayBuffer[] = []): void {
    if (!this.#dead) this.#worker.postMessage(message, transfer)
  }

  close(id: number): void {
    if (!this.#sessions.delete(id)) return
    this.post({ id, drop: true })
    if (this.#sessions.size === 0) this.#worker.unref()
  }

  // Loads under way fail, to be sent again (a worker out of memory takes down
  // every load it held); later loads get a new worker.
  #die(error: Error): void {
    if (this.#dead) return
    this.#dead = true
    const at = threads.indexOf(this)
    if (at >= 0) threads.splice(at, 1)
    const stopped = stoppedError(error)
    for (const session of this.#sessions.values()) session.fail(stopped)
  }
}

const stoppedError = (cause: Error) => new AppError('UNAVAILABLE',
  'The thread parsing this upload stopped; send the file again.', {}, cause)
