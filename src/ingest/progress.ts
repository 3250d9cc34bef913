import type { FastifyBaseLogger } from 'fastify'

import type { Db } from '../db/database.js'
import type { LoadPhase } from '../db/schema.js'
import { recordProgress } from './revision.queries.js'

// At most one progress write per interval: the hot path only counts, and the
// row is updated on the side, on its own connection, outside the load's
// transaction (so other requests see it while the load runs).
const INTERVAL_MS = 500

export class Progress {
  private bytes = 0
  private rows = 0
  private phase: LoadPhase = 'receiving'
  private lastWrite = 0
  private pending: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private readonly db: Db,
    private readonly revisionId: string,
    readonly log: FastifyBaseLogger
  ) {}

  received(bytes: number): void {
    this.bytes += bytes
    this.maybeWrite()
  }

  loaded(rows: number): void {
    this.rows = rows
    this.maybeWrite()
  }

  enter(phase: LoadPhase): void {
    this.phase = phase
    this.lastWrite = 0
    this.maybeWrite()
  }

  // Stops writing and waits for the last write, so that none is left waiting
  // on the revision row once the load's transaction takes it.
  async settle(): Promise<void> {
    this.closed = true
    await this.pending
  }

  private maybeWrite(): void {
    if (this.closed) return
    const now = Date.now()
    if (now - this.lastWrite < INTERVAL_MS) return
    this.lastWrite = now

    const snapshot = { phase: this.phase, bytes: this.bytes, rows: this.rows }
    this.pending = this.pending
      .then(() => recordProgress(this.db, this.revisionId, snapshot))
      .catch((error: unknown) => this.log.warn({ err: error }, 'progress not recorded'))
  }
}
