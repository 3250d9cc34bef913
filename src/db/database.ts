import {
  Kysely, PostgresDialect, type PostgresCursor, type PostgresPool, type PostgresPoolClient,
  type PostgresQueryResult
} from 'kysely'
import pg from 'pg'

import type { Database } from './schema.js'
import { isDatabaseGone } from './unavailable.js'

// Dates and exact numbers come back as the text PostgreSQL sends: a `date` turned
// into a JavaScript Date would shift with the server's time zone, and `numeric`
// or `bigint` would lose digits as a double.
const DATE_OID = 1082
pg.types.setTypeParser(DATE_OID, (value: string) => value)

export type Db = Kysely<Database>

export interface DatabaseHandle {
  db: Db
  pool: pg.Pool
  destroy: () => Promise<void>
}

// Every session reads and writes dates as ISO, in UTC, whatever the server or the
// database is set to: node-postgres parses only ISO dates (under `SQL, DMY` every
// date came back empty), and cursors carry dates as the server writes them. And its
// transactions are READ COMMITTED, which the locks taken before a check assume: under
// REPEATABLE READ, a check after a lock read the snapshot from before it.
const SESSION_OPTIONS = '-c DateStyle=ISO,YMD -c TimeZone=UTC ' +
  '-c default_transaction_isolation=read\\ committed'

export function connect(connectionString: string, max = 10): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max, options: SESSION_OPTIONS })

  // An idle client that loses its server (restart, failover) must not crash the
  // process; the pool replaces it on the next checkout.
  pool.on('error', () => undefined)
  // Nor may a client that loses it while checked out between two queries: the
  // pool listens only to idle ones, and an 'error' no one listens to ends the
  // process. The query under way, or the next, fails and is answered 503.
  pool.on('connect', (client) => client.on('error', () => undefined))

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: discardingEnded(pool) }) })
  return { db, pool, destroy: () => db.destroy() }
}

// Kysely gives a client back to the pool after any error. One whose session the
// server has just ended (a restart, pg_terminate_backend: a FATAL error answers
// its query) still looks usable to node-postgres until the socket's close is
// read, which comes after the next query is queued on it: the pool would hand
// it out again, and that query would fail too. Such a client is destroyed, so a
// query tried again (a failed load's record, ingest.service.ts) gets a live one.
function discardingEnded(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => new SessionClient(await pool.connect()),
    end: () => pool.end()
  }
}

class SessionClient implements PostgresPoolClient {
  #ended = false

  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
  query<R>(
    sql: string | PostgresCursor<R>,
    parameters: readonly unknown[] = []
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // No cursor is configured (see connect): Kysely sends SQL text only.
    if (typeof sql !== 'string') throw new Error('query cursors are not configured')
    return this.client.query(sql, [...parameters]).catch((error: unknown) => {
      this.#ended ||= isDatabaseGone(error)
      throw error
    }) as Promise<PostgresQueryResult<R>>
  }

  release(destroy?: boolean): void {
    this.client.release(this.#ended || destroy)
  }
}
