import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import t from 'tap'

import { createTestDatabase } from '../helpers/app.js'
import { adminTokenFrom, startService } from '../helpers/process.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const run = promisify(execFile)

t.test('npm run token issues a working admin token when the first one is lost', async (t) => {
  const { url, drop } = await createTestDatabase()
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-token-'))
  t.teardown(async () => {
    await drop()
    await fs.rm(dataDir, { recursive: true, force: true })
  })
  const env = { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }

  type Ran = { code?: number; stdout?: string; stderr?: string }
  const script = (args: string[]): Promise<Ran> =>
    run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], { cwd: ROOT, env })
      .then((done) => ({ code: 0, ...done }), (error: Ran) => error)

  const unnamed = await script([])
  t.equal(unnamed.code, 2, 'no role: a usage error')
  t.match(String(unnamed.stderr), /usage: npm run token -- ROLE .* \(no role given\)/,
    'an admin token is never implied')

  const refused = await script(['admin'])
  t.match(String(refused.stderr), /no organization yet/,
    'before the first start there is nothing to issue a token for')

  const service = await startService({ DATABASE_URL: url, DATA_DIR: dataDir })
  t.teardown(async () => {
    service.child.kill('SIGTERM')
    await service.exited
  })
  t.ok(adminTokenFrom(service.output()))

  const { stdout } = await run(process.execPath,
    ['--import', 'tsx', 'scripts/token.ts', 'admin', 'recovery'], { cwd: ROOT, env })
  const token = adminTokenFrom(stdout)
  t.ok(token, 'a new token is printed')
  t.match(stdout, /^admin token, expires on \d{4}-\d{2}-\d{2} \(TOKEN_TTL_DAYS\)/,
    'with its expiry')
  const res = await fetch(`${service.url}/api/v1/tokens`, {
    headers: { authorization: `Bearer ${token ?? ''}` }
  })
  t.equal(res.status, 200, 'and it is an admin token')
})
