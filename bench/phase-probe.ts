import { setTimeout as sleep } from 'node:timers/promises'

import pg from 'pg'

// The SQL statements of a load, in the order the service runs them (see
// src/ingest/ingest.service.ts). Each names the phase that starts when it is
// first seen running. What comes before the COPY is the first 64 kB arriving
// and the detection on them (a large file is parsed while it arrives); the
// total-row check opens the end of the load, once the last row is copied.
const PHASES = [
  { name: 'receive+parse+copy', pattern: /^\s*copy\s/i },
  { name: 'convert types', pattern: /alter column .* type /i },
  { name: 'finish+commit', pattern: /\bas total\b/i }
] as const

const FIRST_PHASE = 'start'

// Fast enough to see a phase of a large load, rare enough to cost nothing.
const POLL_MS = 100

export interface Phase {
  name: string
  seconds: number
}

// Watches pg_stat_activity of the bench database during an upload and notes
// when each statement of the load is first seen. A phase shorter than the poll
// interval may go unseen; its time then counts in the phase before it.
export class PhaseProbe {
  #client: pg.Client
  #seen = new Map<string, number>()
  #running = false
  #loop: Promise<void> = Promise.resolve()
  #started = 0
  #failure: unknown = null
  // The server process that ran the COPY, for its CPU time (see cpu.ts).
  #copyPid: number | null = null

  private constructor(client: pg.Client) {
    this.#client = client
  }

  static async connect(url: string): Promise<PhaseProbe> {
    const client = new pg.Client({ connectionString: url })
    const probe = new PhaseProbe(client)
    // Between polls the connection is idle, and a server going away (Ctrl-C
    // reaches PostgreSQL too) would otherwise be an unhandled error event.
    client.on('error', (error) => {
      probe.#failure ??= error
      probe.#running = false
    })
    await client.connect()
    return probe
  }

  start(): void {
    this.#started = performance.now()
    this.#running = true
    // Kept, not thrown here: stop() reports it once the upload is over.
    this.#loop = this.#poll().catch((error: unknown) => {
      this.#failure = error
    })
  }

  // Stops watching and splits the time from start() to now into phases.
  async stop(): Promise<Phase[]> {
    const ended = performance.now()
    this.#running = false
    await this.#loop
    if (this.#failure !== null) {
      throw new Error('watching the load phases failed', { cause: this.#failure })
    }
    const marks = [{ name: FIRST_PHASE, at: this.#started }]
    for (const { name } of PHASES) {
      const at = this.#seen.get(name)
      if (at !== undefined) marks.push({ name, at })
    }
    return marks.map((mark, i) => {
      const next = marks[i + 1]?.at ?? ended
      return { name: mark.name, seconds: (next - mark.at) / 1000 }
    })
  }

  // The server processes of the bench database, but the probe's own.
  async backendPids(): Promise<number[]> {
    const result = await this.#client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and ' +
        'pid <> pg_backend_pid()'
    )
    return result.rows.map((r) => r.pid)
  }

  get copyPid(): number | null {
    return this.#copyPid
  }

  async close(): Promise<void> {
    this.#running = false
    await this.#loop
    await this.#client.end()
  }

  async #poll(): Promise<void> {
    while (this.#running) {
      const at = performance.now()
      const result = await this.#client.query<{ pid: number; query: string }>(
        `select pid, query from pg_stat_activity
         where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`
      )
      for (const { pid, query } of result.rows) {
        const phase = PHASES.find((p) => p.pattern.test(query))
        if (phase !== undefined && !this.#seen.has(phase.name)) this.#seen.set(phase.name, at)
        if (phase === PHASES[0]) this.#copyPid ??= pid
      }
      await sleep(POLL_MS)
    }
  }
}
