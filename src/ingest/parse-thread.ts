import { availableParallelism } from 'node:os'

import { AppError } from '../http/errors.js'
import { fromFailure, type ParseReply, type ParseRequest } from './parse-protocol.js'
import type { ParseSettings } from './table-parser.js'
import { SharedThread, TransferBuffers } from './worker-threads.js'

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

type ParseThread = SharedThread<ParseRequest, ParseReply>

const threads: ParseThread[] = []

const stopped = (cause: Error) => new AppError('UNAVAILABLE',
  'The thread parsing this upload stopped; send the file again.', {}, cause)

function newThread(): ParseThread {
  const thread: ParseThread = new SharedThread('parse-worker', stopped, () => {
    // Later loads get a new thread.
    const at = threads.indexOf(thread)
    if (at >= 0) threads.splice(at, 1)
  })
  threads.push(thread)
  return thread
}

// Starts the first worker ahead of the first upload, which would otherwise wait
// for its start (modules loaded in a new thread: about a tenth of a second).
export function startParseThread(): void {
  if (threads.length === 0) newThread()
}

// Stops every parse worker; loads under way fail with a 503, to be sent again.
// At shutdown, so that no parse outlives the database it writes to.
export async function stopParseThreads(): Promise<void> {
  await Promise.all(threads.splice(0).map((thread) => thread.stop()))
}

// A load's parse, on the least busy worker.
export function openParse(settings: ParseSettings): ParseSession {
  let thread = threads.reduce<ParseThread | undefined>(
    (best, t) => (best === undefined || t.jobs < best.jobs ? t : best), undefined)
  if (thread === undefined || (thread.jobs > 0 && threads.length < MAX_THREADS)) {
    thread = newThread()
  }
  return new ParseSession(thread, settings)
}

// One load's side of the conversation: chunks in with push(), answers out with
// next(), one per chunk, resume() and end(), in order.
export class ParseSession {
  #inFlight = 0
  readonly #answers: Answer[] = []
  #waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void } | null = null
  #failure: Error | null = null

  readonly #thread: ParseThread
  readonly #id: number

  constructor(thread: ParseThread, settings: ParseSettings) {
    this.#thread = thread
    this.#id = thread.open(this)
    thread.post({ id: this.#id, open: settings })
  }

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
    this.#thread.post({ id: this.#id, chunk: copy }, [copy.buffer])
  }

  // After an answer with `more`: the rest of what was read.
  resume(): void {
    this.#inFlight++
    this.#thread.post({ id: this.#id, resume: true })
  }

  end(): void {
    this.#inFlight++
    this.#thread.post({ id: this.#id, end: true })
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
    this.#thread.close(this.#id)
    this.#thread.post({ id: this.#id, drop: true })
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
