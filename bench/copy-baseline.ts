import { spawn } from 'node:child_process'
import { constants, createReadStream, promises as fs } from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'

import { from as copyFrom } from 'pg-copy-streams'

import { withClient } from './bench-postgres.js'

export type CopyMethod = 'psql' | 'pg-copy-streams'

export interface BaselineResult {
  seconds: number
  rows: number
}

const TABLE = 'bench_copy'
const OPTIONS = `(format csv, header, delimiter ';')`

// The fastest a CSV can get into PostgreSQL: COPY into untyped columns, with no
// parsing, inference or conversion on our side. Our service is measured
// against it.
export async function copyBaseline(
  method: CopyMethod,
  url: string,
  file: string,
  columns: number
): Promise<BaselineResult> {
  const defs = Array.from({ length: columns }, (_, i) => `c${i + 1} text`).join(', ')
  await withClient(url, (c) => c.query(`create table ${TABLE} (${defs})`))
  try {
    const started = performance.now()
    const rows = method === 'psql' ? await viaPsql(url, file) : await viaCopyStream(url, file)
    return { seconds: (performance.now() - started) / 1000, rows }
  } finally {
    // Dropped at once, so that autovacuum does not analyse it during our load.
    await withClient(url, (c) => c.query(`drop table ${TABLE}`))
  }
}

export async function psqlOnPath(): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue
    const file = path.join(dir, 'psql')
    if (await fs.access(file, constants.X_OK).then(() => true, () => false)) return true
  }
  return false
}

// The password goes through the environment, not the command line, where any
// user of the machine could read it.
async function viaPsql(url: string, file: string): Promise<number> {
  const target = new URL(url)
  const password = decodeURIComponent(target.password)
  target.password = ''
  const command = `\\copy ${TABLE} from '${file.replaceAll("'", "''")}' with ${OPTIONS}`
  const args = ['-X', '-v', 'ON_ERROR_STOP=1', '-d', target.toString(), '-c', command]
  const child = spawn('psql', args, {
    env: { ...process.env, PGPASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe']
  })

  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })

  const copied = /^COPY (\d+)$/m.exec(output)?.[1]
  if (code !== 0 || copied === undefined) {
    throw new Error(`psql \\copy failed (exit ${String(code)}): ${output.trim()}`)
  }
  return Number(copied)
}

// The same COPY FROM STDIN protocol psql's \copy speaks, driven from Node.
async function viaCopyStream(url: string, file: string): Promise<number> {
  return withClient(url, async (client) => {
    const copy = client.query(copyFrom(`copy ${TABLE} from stdin with ${OPTIONS}`))
    await pipeline(createReadStream(file), copy)
    return copy.rowCount
  })
}
