import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

import pg from 'pg'
import t from 'tap'

import { createTestDatabase } from '../helpers/app.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const run = promisify(execFile)

t.test('npm run db:migrate brings an empty database to the latest schema', async (t) => {
  const { url, drop } = await createTestDatabase()
  t.teardown(drop)

  const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }
  for (let i = 0; i < 2; i++) {
    await run(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], { cwd: ROOT, env })
  }

  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const applied = await client.query<{ name: string }>(
      'select name from kysely_migration order by name'
    )
    const files = readdirSync(path.join(ROOT, 'migrations'))
    t.same(applied.rows.map((r) => r.name), files.map((f) => f.replace(/\.ts$/, '')).sort(),
      'every migration applied once, a second run changing nothing')
    const tables = await client.query(
      `select 1 from information_schema.tables where table_name in ('dataset', 'revision')`
    )
    t.equal(tables.rowCount, 2)
  } finally {
    await client.end()
  }
})
