import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { FileMigrationProvider, Migrator } from 'kysely'

import type { Db } from './database.js'

// `migrations/` sits at the top of the repository; from src/db (tsx) and from
// dist/src/db (compiled) it is two levels up from this folder's parent.
const here = path.dirname(fileURLToPath(import.meta.url))
export const migrationFolder = path.resolve(here, '..', '..', 'migrations')

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder })
  })

  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    throw new Error('database migration failed', { cause: error })
  }

  return (results ?? []).map((r) => r.migrationName)
}
