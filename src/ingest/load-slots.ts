import { AppError } from '../http/errors.js'

// A load holds a pooled connection, in an open transaction, from its first row
// to its commit, and needs the pool once more on the way (progress writes, the
// revision's state). With as many loads as connections, each waited for one
// the others held, and the service stopped answering. Loads therefore take a
// slot first: the slots are fewer than the connections, and uploads past them
// are stored and wait their turn. Loads begun while their upload still arrives
// take a second, smaller set (early-load.ts) without waiting.
//
// At shutdown, once the grace period is over, the slots stop: no load starts,
// uploads waiting for one fail, and loads under way give up at their next step
// (checkGoing), rolled back and recorded as failed, rather than commit after
// their client was cut off.
const stopping = (cause?: unknown) => new AppError('UNAVAILABLE',
  'The service stopped before this upload was loaded; nothing was changed. Send the file ' +
    'again once it is back.', {}, cause)

export class LoadSlots {
  #free: number
  readonly #waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = []
  #stopped = false
  // Set at the stop's first signal, while loads under way may still finish.
  #closing = false

  constructor(size: number) {
    this.#free = size
  }

  // A slot if one is free now (a load begun while its upload still arrives
  // must not hold the upload back waiting for one).
  tryTake(): boolean {
    if (this.#free === 0 || this.#stopped) return false
    this.#free--
    return true
  }

  // A slot, once one is free; first come, first served.
  async take(): Promise<void> {
    if (this.#stopped) throw stopping()
    if (this.tryTake()) return
    await new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }))
  }

  give(): void {
    const next = this.#waiting.shift()
    if (next === undefined) this.#free++
    else next.resolve()
  }

  stop(): void {
    this.#stopped = true
    for (const waiting of this.#waiting.splice(0)) waiting.reject(stopping())
  }

  // Throws once stopped: called by loads between their steps.
  checkGoing(): void {
    if (this.#stopped) throw stopping()
  }

  get stopped(): boolean {
    return this.#stopped
  }

  // The service is stopping: loads may finish, but the database may go first (Ctrl-C
  // reaches an embedded PostgreSQL too), and what cannot be recorded is expected.
  close(): void {
    this.#closing = true
  }

  get closing(): boolean {
    return this.#closing || this.#stopped
  }

  // The failure of an upload that the stop broke, whatever it broke first.
  stopping(cause: unknown): AppError {
    return stopping(cause)
  }
}
