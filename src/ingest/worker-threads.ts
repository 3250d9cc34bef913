import { Worker } from 'node:worker_threads'

// What the ingestion's worker threads (inspect-worker.ts, parse-worker.ts)
// share: how they are started, and the buffers chunks travel in.

// Compiled, a worker is its .js file beside this one. Under tsx (the tests run
// the TypeScript sources) a worker does not inherit the loader: it registers
// tsx itself before importing the .ts source.
export function spawnWorker(name: string): Worker {
  const here = new URL(import.meta.url)
  if (!here.pathname.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here))

  const entry = JSON.stringify(new URL(`./${name}.ts`, here).href)
  const code = `import('tsx/esm/api').then(({ register }) => { register(); ` +
    `return import(${entry}) })`
  return new Worker(code, { eval: true })
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
