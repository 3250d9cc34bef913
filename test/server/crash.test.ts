import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import pg from 'pg'
import t from 'tap'

import { createTestDatabase } from '../helpers/app.js'
import { adminTokenFrom, type Service, startService } from '../helpers/process.js'

// A file big enough that its load takes a while: the service is killed while
// PostgreSQL is in the middle of its COPY.
function bigCsv(rows: number): string {
  const lines = ['code;libelle;montant;date']
  for (let i = 0; i < rows; i++) {
    lines.push(`${String(i).padStart(6, '0')};Ligne ${i} avec un peu de texte;${i},25;01/02/2024`)
  }
  return lines.join('\n') + '\n'
}

t.test('a service killed during an upload restarts with the previous revision serving',
  async (t) => {
    const { url: databaseUrl, drop } = await createTestDatabase()
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-crash-'))
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
    // Dropping the database ends any connection still open to it; that is expected.
    pool.on('error', () => undefined)
    const running: Service[] = []
    t.teardown(async () => {
      for (const service of running) {
        service.child.kill('SIGTERM')
        await service.exited
      }
      await pool.end()
      await drop()
      await fs.rm(dataDir, { recursive: true, force: true })
    })
    const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir }

    const first = await startService(env)
    const token = adminTokenFrom(first.output())
    t.ok(token, 'the first start prints an admin token')
    const auth = { authorization: `Bearer ${token ?? ''}`, 'content-type': 'application/json' }

    const post = async (base: string, url: string, body: object) => {
      const init = { method: 'POST', headers: auth, body: JSON.stringify(body) }
      const res = await fetch(base + url, init)
      return (await res.json()) as { id: string }
    }
    const dataset = await post(first.url, '/api/v1/datasets', { title: 'Crash' })
    const resourcesUrl = `/api/v1/datasets/${dataset.id}/resources`
    const resource = await post(first.url, resourcesUrl, { title: 'r' })
    const dataUrl = `/api/v1/resources/${resource.id}/data`
    const csvHeaders = { ...auth, 'content-type': 'text/csv' }
    const put = (base: string, body: string) =>
      fetch(base + dataUrl, { method: 'PUT', headers: csvHeaders, body })

    t.equal((await put(first.url, 'a;b\n1;2\n')).status, 201, 'a first revision serves')

    const upload = put(first.url, bigCsv(400_000)).catch(() => null)
    let copying = false
    for (let i = 0; i < 600 && !copying; i++) {
      const active = await pool.query(
        `select 1 from pg_stat_activity where datname = current_database()
           and query ilike 'copy ingest.%' and state = 'active'`
      )
      copying = (active.rowCount ?? 0) > 0
      if (!copying) await new Promise((resolve) => setTimeout(resolve, 25))
    }
    t.ok(copying, 'the kill lands during the COPY')
    first.child.kill('SIGKILL')
    await first.exited
    await upload

    const second = await startService(env)
    running.push(second)
    t.equal(adminTokenFrom(second.output()), undefined, 'no new admin token on restart')

    const recordsUrl = `${second.url}/api/v1/resources/${resource.id}/records`
    const rows = await fetch(recordsUrl, { headers: auth })
    t.same(((await rows.json()) as { data: unknown[] }).data, [{ a: 1, b: 2 }])

    const tables = await pool.query(`select tablename from pg_tables where schemaname = 'ingest'`)
    t.equal(tables.rowCount, 1, 'only the served revision has a table')
    const revisions = await pool.query<{ status: string; error: { code: string } | null }>(
      'select status, error from revision order by created_at'
    )
    t.same(revisions.rows.map((r) => r.status), ['ready', 'failed'])
    t.equal(revisions.rows[1]?.error?.code, 'INGEST_INTERRUPTED')
    const files = await fs.readdir(path.join(dataDir, 'files'))
    t.equal(files.length, 1, 'only the served revision keeps a file')
  })
