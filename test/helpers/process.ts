import { type ChildProcess, spawn } from 'node:child_process'
import { promises as fs, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface Service extends Launched {
  url: string
}

export interface Launched {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

// Runs the real server as a separate process, from the TypeScript source by
// default, or from the compiled build (`npm run build`) as it runs in production,
// for measurements. `env` overrides the environment, HOST and PORT included.
export function launchService(
  env: Record<string, string>,
  options: { compiled?: boolean } = {}
): Launched {
  const entry = options.compiled === true ? startArguments() : ['--import', 'tsx', 'src/server.ts']
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

// The server on 127.0.0.1 and a port of its own, once it answers /healthz.
export async function startService(
  env: Record<string, string>,
  options: { compiled?: boolean } = {}
): Promise<Service> {
  const port = await freePort()
  const { child, output, exited } =
    launchService({ ...env, HOST: '127.0.0.1', PORT: String(port) }, options)

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited early:\n${output()}`)
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false)
    if (ok) return { child, url, output, exited }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`service did not start:\n${output()}`)
}

// The node arguments of `npm start`, read from package.json: the compiled service
// runs here exactly as it does in production.
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string }
  }
  const [command, ...args] = pkg.scripts.start.split(/\s+/)
  if (command !== 'node') throw new Error(`npm start runs ${String(command)}, not node`)
  return args
}

export function adminTokenFrom(output: string): string | undefined {
  return /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m.exec(output)?.[1]
}

// Tests of a service on its embedded PostgreSQL run it the same way whatever
// DATABASE_URL says: in the suite's run against an external server (DATABASE_URL
// set, as .ci/run's second pass) they would only repeat the first run. Their
// `skip` option: the reason, or false.
export function embeddedRunOnly(): string | false {
  const external = (process.env.DATABASE_URL ?? '') !== ''
  return external ? 'runs on the embedded PostgreSQL: covered by `npm test` without ' +
    'DATABASE_URL' : false
}

// The environment of a service on the embedded PostgreSQL: a data folder (removed
// at teardown) and a port of its own.
export async function embeddedEnv(
  t: { teardown: (fn: () => Promise<void>) => void },
  prefix: string
): Promise<Record<string, string>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `ouverture-${prefix}-`))
  t.teardown(() => fs.rm(dataDir, { recursive: true, force: true }))
  return { DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) }
}
