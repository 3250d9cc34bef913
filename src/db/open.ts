import type { Logger } from 'pino'

import type { Config } from '../config.js'
import { connect, type DatabaseHandle } from './database.js'
import { startEmbedded } from './embedded.js'
import { migrateToLatest } from './migrate.js'

export interface OpenDatabase extends DatabaseHandle {
  embedded: boolean
  close: () => Promise<void>
}

// DATABASE_URL names an external PostgreSQL; without it the embedded one is
// started under DATA_DIR. Either way the schema is migrated before use.
// `ownSignals`: the caller stops the database itself on SIGINT and SIGTERM (see
// startEmbedded).
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { ownSignals?: boolean } = {}
): Promise<OpenDatabase> {
  const embedded = config.DATABASE_URL === ''
    ? await startEmbedded(config.embeddedPgDir, config.EMBEDDED_PG_PORT, log, options)
    : null
  const handle = connect(embedded?.connectionString ?? config.DATABASE_URL)

  try {
    await checkVersion(handle)
    const applied = await migrateToLatest(handle.db)
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated')
  } catch (error) {
    await handle.destroy()
    await embedded?.stop()
    throw error
  }

  return {
    ...handle,
    embedded: embedded !== null,
    close: async () => {
      await handle.destroy()
      await embedded?.stop()
    }
  }
}

const MIN_SERVER_VERSION = 140000

async function checkVersion(handle: DatabaseHandle): Promise<void> {
  const result = await handle.pool.query<{ v: string }>(
    `select current_setting('server_version_num') as v`
  )
  const version = Number(result.rows[0]?.v ?? 0)
  if (version < MIN_SERVER_VERSION) {
    throw new Error(`PostgreSQL 14 or newer is required (server is ${version})`)
  }
}
