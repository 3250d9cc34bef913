// `npm test`: runs the suite against a real PostgreSQL. With DATABASE_URL set,
// that server; without it, an embedded PostgreSQL started here in a throwaway
// folder and stopped at the end. Each test file then makes its own database.
import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'

import { pino } from 'pino'

import { startEmbedded } from '../src/db/embedded.js'
import { freePort } from '../test/helpers/process.js'

async function main(): Promise<number> {
  const log = pino({ level: 'warn' })
  let url = process.env.DATABASE_URL ?? ''
  let stop = async () => {}
  let dir = ''

  if (url === '') {
    dir = path.resolve('.test-data', `run-${process.pid}`)
    await fs.rm(dir, { recursive: true, force: true })
    const server = await startEmbedded(path.join(dir, 'postgres'), await freePort(), log)
    url = server.connectionString
    stop = server.stop
    process.stdout.write('# tests use an embedded PostgreSQL\n')
  } else {
    process.stdout.write('# tests use the PostgreSQL of DATABASE_URL\n')
  }

  try {
    const args = process.argv.slice(2)
    const tap = spawn('npx', ['tap', ...args], {
      stdio: 'inherit',
      env: { ...process.env, TEST_DATABASE_URL: url }
    })
    return await new Promise<number>((resolve) => tap.on('close', (code) => resolve(code ?? 1)))
  } finally {
    await stop()
    if (dir !== '') {
      await fs.rm(dir, { recursive: true, force: true })
      // The parent goes too once no other run is using it.
      await fs.rmdir(path.dirname(dir)).catch(() => undefined)
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test setup failed: ${String(error)}\n`)
    process.exit(1)
  }
)
