import { Worker } from 'node:worker_threads'

// What the ingestion's worker threads (inspect-worker.ts, parse-worker.ts)
// share: how they are started, and the buffers chunks travel in.

// Compiled, a worker is its .js file beside this one. Under tsx (the tests run
// the TypeScript sources) a worker does not inherit the loader: it registers
// tsx itself before importing the .ts source.
//
// Their young generation is kept small. What they allocate lives for one chunk
// (its text, records and cells), and V8 otherwise lets each worker's nursery
// grow to tens of MB. The service's peak memory on the bench's million rows was
// 249-255 MB with 64 MB, 222-227 with 32, 211-214 with 16 and 202-209 with 8;
// the parsing thread's CPU time varied by run (2.45 s to 2.77 s), not by size.
const YOUNG_GENERATION_MB = 16

export function spawnWorker(name: string): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  const here = new URL(import.meta.url)
  if (!here.pathname.endsWith('.ts')) {
    return new Worker(new URL(`./${name}.js`, here), { resourceLimits })
  }

  const entry = JSON.stringify(new URL(`./${name}.ts`, here).href)
  const code = `import('tsx/esm/api').then(({ register }) => { register(); ` +
    `return import(${entry}) })`
  return new Worker(code, { eval: true, resourceLimits })
}

// Chunks are copied into buffers of this size, moved to the worker (not
// copied again), and sent back to be used for another chunk: fresh copies,
// freed only when an idle worker collects its garbage, added some 60 MB to the
// service's memory on a large upload.
const BUFFER_BYTES = 64 << 10

export class TransferBuffers {
  readonly #spare: ArrayBuffer[] = []

  // At most `keptBytes` of buffers are kept for reuse.
  constructor(private readonly keptBytes: number) {}

  // A copy of `chunk`, in a buffer that can be transferred.
  copy(chunk: Uint8Array): Uint8Array<ArrayBuffer> {
    if (chunk.length > BUFFER_BYTES) return new Uint8Array(chunk)
    const buffer = this.#spare.pop() ?? new ArrayBuffer(BUFFER_BYTES)
    const view = new Uint8Array(buffer, 0, chunk.length)
    view.set(chunk)
    return view
  }

  giveBack(buffer: ArrayBuffer): void {
    if (buffer.byteLength !== BUFFER_BYTES) return
    if (this.#spare.length < this.keptBytes / BUFFER_BYTES) this.#spare.push(buffer)
  }
}

// One job on a SharedThread: an upload being inspected, a load being parsed.
export interface ThreadJob<Reply> {
  receive: (reply: Reply) => void
  fail: (error: Error) => void
}

// A worker thread shared by many jobs. It routes each reply to its job by id,
// keeps the process alive only while a job is open (idle, it must not hold up
// an exit), and fails every open job, with the error `stopped` makes of the
// cause, when the thread dies (out of memory, terminated); `died` is told too,
// so that later jobs get a new thread.
export class SharedThread<Request extends { id: number }, Reply extends { id: number }> {
  readonly #worker: Worker
  readonly #jobs = new Map<number, ThreadJob<Reply>>()
  #next = 1
  #dead: Error | null = null

  constructor(
    name: string,
    private readonly stopped: (cause: Error) => Error,
    private readonly died: () => void
  ) {
    this.#worker = spawnWorker(name)
    this.#worker.on('message', (reply: Reply) => this.#jobs.get(reply.id)?.receive(reply))
    this.#worker.on('error', (error) => this.#die(error))
    this.#worker.on('exit', () => this.#die(new Error(`the ${name} thread stopped`)))
    // Unref after the listeners: listening for messages refs the worker again.
    this.#worker.unref()
  }

  get jobs(): number {
    return this.#jobs.size
  }

  // The job's id, for its messages.
  open(job: ThreadJob<Reply>): number {
    const id = this.#next++
    if (this.#dead !== null) {
      job.fail(this.#dead)
      return id
    }
    this.#jobs.set(id, job)
    if (this.#jobs.size === 1) this.#worker.ref()
    return id
  }

  post(message: Request, transfer: ArrayBuffer[] = []): void {
    if (this.#dead === null) this.#worker.postMessage(message, transfer)
  }

  // The job is over: it gets no more replies.
  close(id: number): void {
    if (!this.#jobs.delete(id)) return
    if (this.#jobs.size === 0) this.#worker.unref()
  }

  async stop(): Promise<void> {
    await this.#worker.terminate()
  }

  #die(cause: Error): void {
    if (this.#dead !== null) return
    this.#dead = this.stopped(cause)
    this.died()
    for (const job of this.#jobs.values()) job.fail(this.#dead)
    this.#jobs.clear()
  }
}
