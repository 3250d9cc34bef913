// `npm run bench` (or `npm run bench:ingest`): how long the service takes to turn
// a CSV upload into a served, typed table, against a bare psql \copy of the
// same file into the same PostgreSQL, and how much memory the service needs.
//
//   npm run bench                          100,000 and 1,000,000 rows
//   npm run bench -- --rows 5000000        sizes of your choice (comma-separated)
//   BENCH_ROWS=100000,5000000 npm run bench
//   npm run bench -- --rows 1000000 --repeat 5
//                                          (a) and (b) alternated five times, median
//                                          ratio: on a shared machine one run's
//                                          ratio can be off by a tenth or more
//
// With DATABASE_URL set the bench creates (and drops) its databases on that
// server; otherwise it starts an embedded PostgreSQL in a temporary folder.
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { pino } from 'pino'

import { checkpoint, createDatabase, openServer } from './bench-postgres.js'
import { type CopyMethod, copyBaseline, psqlOnPath } from './copy-baseline.js'
import { HEADER, writeCsv } from './csv-generator.js'
import { type RunResult, type SizeResult, formatReport, medianRun } from './report.js'
import { measureService } from './service-upload.js'
import { Teardown } from './teardown.js'

const DEFAULT_SIZES = [100_000, 1_000_000]

interface Context {
  tmp: string
  serverUrl: string
  method: CopyMethod
  teardown: Teardown
  // Set once a CHECKPOINT is refused, so the warning is printed only once.
  checkpointRefused: boolean
}

async function main(): Promise<void> {
  const { sizes, repeat } = parseArguments(process.argv.slice(2), process.env)
  const teardown = new Teardown()
  teardown.runOnSignals()
  const loadAtStart = os.loadavg()[0] ?? 0

  try {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-bench-'))
    teardown.add('remove the temporary folder', () => fs.rm(tmp, { recursive: true, force: true }))

    const server = await openServer(tmp, pino({ level: 'warn' }))
    teardown.add('stop PostgreSQL', server.stop)
    const method: CopyMethod = (await psqlOnPath()) ? 'psql' : 'pg-copy-streams'
    if (method !== 'psql') {
      progress('psql is not on PATH: baseline (a) streams COPY FROM STDIN via pg-copy-streams')
    }

    const context = { tmp, serverUrl: server.url, method, teardown, checkpointRefused: false }
    const results: SizeResult[] = []
    for (const rows of sizes) results.push(await measureSize(context, rows, repeat))

    process.stdout.write(formatReport({
      postgres: server.version,
      embedded: server.embedded,
      method,
      cpus: os.availableParallelism(),
      node: process.version,
      load: [loadAtStart, os.loadavg()[0] ?? 0]
    }, results))
  } finally {
    await teardown.run()
  }
}

// One size from start to end: its file, then `repeat` times (a) and (b), each
// pair on a database and a service of its own, removed before the next pair.
async function measureSize(context: Context, rows: number, repeat: number): Promise<SizeResult> {
  const { teardown } = context
  const label = `${rows.toLocaleString('en-US')} rows`
  const file = path.join(context.tmp, `bench-${rows}.csv`)
  const removeFile = teardown.add('remove the CSV file', () => fs.rm(file, { force: true }))

  progress(`${label}: generating the file`)
  const bytes = await writeCsv(file, rows)

  const runs: RunResult[] = []
  for (let run = 1; run <= repeat; run++) {
    const of = repeat > 1 ? ` (run ${run} of ${repeat})` : ''
    runs.push(await measureRun(context, { file, bytes, rows, label: label + of }))
  }
  await removeFile()
  return { rows, bytes, runs, median: medianRun(runs) }
}

interface RunInput {
  file: string
  bytes: number
  rows: number
  label: string
}

async function measureRun(context: Context, input: RunInput): Promise<RunResult> {
  const { teardown } = context
  const { file, bytes, rows, label } = input
  const dataDir = path.join(context.tmp, `service-${rows}`)
  const database = await createDatabase(context.serverUrl)
  const dropDatabase = teardown.add('drop the bench database', database.drop)
  const removeDataDir = teardown.add('remove the service data',
    () => fs.rm(dataDir, { recursive: true, force: true }))

  await settle(context, database.url)
  progress(`${label}: (a) ${context.method} COPY of ${(bytes / 1e6).toFixed(1)} MB`)
  const baseline = await copyBaseline(context.method, database.url, file, HEADER.length)
  if (baseline.rows !== rows) {
    throw new Error(`the baseline copied ${baseline.rows} rows out of ${rows}`)
  }

  await settle(context, database.url)
  progress(`${label}: (b) upload to the service`)
  const service = await measureService({ databaseUrl: database.url, dataDir, file, bytes, rows },
    teardown)

  await removeDataDir()
  await dropDatabase()
  return {
    baselineSeconds: baseline.seconds,
    serviceSeconds: service.seconds,
    phases: service.phases,
    startRssKb: service.startRssKb,
    peakRssKb: service.peakRssKb,
    cpu: service.cpu,
    types: service.types
  }
}

async function settle(context: Context, url: string): Promise<void> {
  if (await checkpoint(url)) return
  if (!context.checkpointRefused) {
    progress('CHECKPOINT refused (needs superuser or pg_checkpoint): timings will be noisier')
  }
  context.checkpointRefused = true
}

const USAGE = 'usage: npm run bench -- --rows 100000,1000000 --repeat 3'

// `--rows 5000000`, `--rows=100000,1000000` or BENCH_ROWS; `--repeat 3` or
// BENCH_REPEAT. The command line wins.
function parseArguments(
  args: string[],
  env: NodeJS.ProcessEnv
): { sizes: number[]; repeat: number } {
  const given = (value: string | undefined) => (value === '' ? undefined : value)
  let rows = given(env.BENCH_ROWS)
  let repeat = given(env.BENCH_REPEAT)
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    const [name, inline] = arg.startsWith('--') && arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined]
    const value = inline ?? args[++i] ?? ''
    if (name === '--rows') rows = value
    else if (name === '--repeat') repeat = value
    else throw new Error(`unknown argument ${arg}; ${USAGE}`)
  }

  const sizes = rows === undefined
    ? DEFAULT_SIZES
    : rows.split(',').map((part) => positive(part, '--rows takes positive integers ' +
      'separated by commas'))
  return { sizes, repeat: repeat === undefined ? 1 : positive(repeat, '--repeat takes a ' +
    'positive integer') }
}

function positive(text: string, rule: string): number {
  const n = Number(text.trim().replaceAll('_', ''))
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${rule}, not "${text}"`)
  return n
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error)
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

// Everything is stopped by then; exit rather than wait on a handle some library
// may still keep open.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    const cause = error instanceof Error ? error.cause : undefined
    process.stderr.write(`bench failed: ${describe(error)}\n`)
    if (cause !== undefined) process.stderr.write(`cause: ${describe(cause)}\n`)
    process.exit(1)
  }
)
