import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

import type { Database } from './schema.js'

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

export function connect(connectionString: string, max = 10): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max })

  // An idle client that loses its server (restart, failover) must not crash the
  // process; the pool replaces it on the next checkout.
  pool.on('error', () => undefined)
  // Nor may a client that loses it while checked out between two queries: the
  // pool listens only to idle ones, and an 'error' no one listens to ends the
  // process. The query under way, or the next, fails and is answered 503.
  pool.on('connect', (client) => client.on('error', () => undefined))

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return { db, pool, destroy: () => db.destroy() }
}
