import type pg from 'pg'
import type { Logger } from 'pino'

import type { Db } from '../db/database.js'
import type { FileStore } from './file-store.js'
import { dropTable, listIngestTables } from './ingest-table.queries.js'
import { failInterruptedRevisions, liveStorage } from './revision.queries.js'

// At start-up, before serving: loads that were running when the process died
// are marked failed, and tables or files that no live revision owns are
// removed. (PostgreSQL already rolled back any table of an unfinished load;
// this also catches a table orphaned by any other path.)
export async function cleanUpAbandonedLoads(db: Db, pool: pg.Pool, files: FileStore, log: Logger) {
  const interrupted = await failInterruptedRevisions(db)
  const live = await liveStorage(db)
  const liveTables = new Set(live.map((r) => r.table_name))
  const liveFiles = new Set(live.map((r) => r.storage_path))

  let tables = 0
  for (const table of await listIngestTables(pool)) {
    if (liveTables.has(table)) continue
    await dropTable(pool, table)
    tables += 1
  }

  let removed = 0
  for (const key of await files.keys()) {
    if (liveFiles.has(key)) continue
    await files.remove(key)
    removed += 1
  }

  if (interrupted.length + tables + removed > 0) {
    const counts = { interrupted: interrupted.length, tables, files: removed }
    log.info(counts, 'cleaned up abandoned loads')
  }
}
