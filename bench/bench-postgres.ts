import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import pg from 'pg'
import type { Logger } from 'pino'

import { type EmbeddedServer, startEmbedded } from '../src/db/embedded.js'
import { freePort } from '../test/helpers/process.js'

export interface BenchServer {
  // Connects to a database the bench only uses to create and drop its own.
  url: string
  embedded: boolean
  version: string
  stop: () => Promise<void>
}

// DATABASE_URL when set (the bench never writes to that database, only creates
// and drops its own beside it); otherwise an embedded PostgreSQL in `tmp`.
export async function openServer(tmp: string, log: Logger): Promise<BenchServer> {
  const external = process.env.DATABASE_URL ?? ''
  if (external !== '') {
    const version = await serverVersion(external)
    return { url: external, embedded: false, version, stop: async () => {} }
  }

  // Under root the cluster runs as the `postgres` user (see embedded.ts), which
  // has to pass through our private temporary folder to reach it.
  await fs.chmod(tmp, 0o711)
  const dir = path.join(tmp, 'postgres')
  const server = await startEmbedded(dir, await freePort(), log)
  const stop = () => stopEmbedded(server, dir)
  try {
    const version = await serverVersion(server.connectionString)
    return { url: server.connectionString, embedded: true, version, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

const STOP_TIMEOUT_MS = 60_000

// Ctrl-C reaches PostgreSQL too, which then shuts down by itself; asked to stop
// a server already gone, the package would wait forever for its exit. The pid
// file, removed last thing at shutdown, says whether it still runs; the timer
// covers a server that exits between that check and the stop.
async function stopEmbedded(server: EmbeddedServer, dir: string): Promise<void> {
  const running = await fs.access(path.join(dir, 'postmaster.pid')).then(() => true, () => false)
  if (!running) return

  const timer = new AbortController()
  const timeout = sleep(STOP_TIMEOUT_MS, 'timeout' as const, { signal: timer.signal })
  const stopped = server.stop().then(() => 'stopped' as const)
  try {
    if (await Promise.race([stopped, timeout]) === 'timeout') {
      throw new Error(`PostgreSQL did not confirm its stop within ${STOP_TIMEOUT_MS / 1000} s`)
    }
  } finally {
    timer.abort()
    timeout.catch(() => undefined)
  }
}

export interface BenchDatabase {
  url: string
  drop: () => Promise<void>
}

// A new, empty database: the service migrates it and prints a first admin token,
// and nothing from an earlier size (tables, autovacuum work) is left in it.
export async function createDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `ouv_bench_${randomBytes(6).toString('hex')}`
  await withClient(serverUrl, (c) => c.query(`create database ${name}`))

  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const drop = () => withClient(serverUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`)
  })
  return { url: url.toString(), drop }
}

// Flushes the dirty pages and WAL of what ran before, so that a timed load does
// not pay for the previous one's writes. It needs the superuser or the
// pg_checkpoint role; without them the bench runs anyway, a little noisier.
export async function checkpoint(url: string): Promise<boolean> {
  return withClient(url, (c) => c.query('checkpoint')).then(() => true, () => false)
}

export async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  // A failing query rejects `work`; the event only adds a crash when the
  // server goes away (Ctrl-C reaches PostgreSQL too).
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function serverVersion(url: string): Promise<string> {
  const result = await withClient(url, (c) =>
    c.query<{ v: string }>(`select current_setting('server_version') as v`))
  return result.rows[0]?.v ?? 'unknown'
}
