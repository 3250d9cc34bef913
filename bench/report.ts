import type { CopyMethod } from './copy-baseline.js'
import type { Phase } from './phase-probe.js'

// One (a) and (b) pair.
export interface RunResult {
  baselineSeconds: number
  serviceSeconds: number
  phases: Phase[]
  startRssKb: number | null
  peakRssKb: number | null
  cpu: { service: number | null; postgres: number | null }
  types: string[]
}

// A size: every pair, in the order they ran, and the one whose ratio is the
// median, which the tables show.
export interface SizeResult {
  rows: number
  bytes: number
  runs: RunResult[]
  median: RunResult
}

const ratio = (run: RunResult) => run.serviceSeconds / run.baselineSeconds

// The lower median for an even count: the run shown is one that happened.
export function medianRun(runs: RunResult[]): RunResult {
  const sorted = [...runs].sort((x, y) => ratio(x) - ratio(y))
  const median = sorted[Math.floor((sorted.length - 1) / 2)]
  if (median === undefined) throw new Error('no run to report')
  return median
}

export interface Environment {
  postgres: string
  embedded: boolean
  method: CopyMethod
  cpus: number
  node: string
  // One-minute load averages when the run started and ended: on a shared
  // machine they say how far to trust the timings.
  load: [number, number]
}

// Targets are printed beside the numbers for a reader to judge; the bench
// itself never fails on them, as a shared machine can miss them for no fault of
// the code.
const RATIO_TARGET = 2.5
const RATIO_TARGET_ROWS = 1_000_000
const PEAK_TARGET_MB = 250

const count = new Intl.NumberFormat('en-US')
const fixed = (n: number, digits: number) => n.toFixed(digits)
// Decimal megabytes (10^6 bytes), for the files and the memory alike.
const mb = (bytes: number) => bytes / 1e6
const rssMb = (kb: number | null) => (kb === null ? null : mb(kb * 1024))
const short = (rows: number) =>
  rows >= 1e6 && rows % 1e5 === 0 ? `${rows / 1e6}M` : rows >= 1e3 ? `${rows / 1e3}k` : `${rows}`

export function formatReport(env: Environment, results: SizeResult[]): string {
  const baseline = env.method === 'psql'
    ? `psql \\copy (format csv, header, delimiter ';') into an all-text table`
    : 'COPY FROM STDIN through pg-copy-streams (psql is not on PATH), all-text table'
  const lines = [
    'Ouverture ingestion benchmark',
    `PostgreSQL ${env.postgres} (${env.embedded ? 'embedded' : 'DATABASE_URL'}) · ` +
      `nproc ${env.cpus} · Node ${env.node} · ` +
      `load average ${fixed(env.load[0], 2)} at start, ${fixed(env.load[1], 2)} at end`,
    `(a) ${baseline}`,
    '(b) the service: PUT /api/v1/resources/{id}/data, streamed from disk, until its 201 ' +
      '(rows typed and served)',
    '',
    ...table(results),
    '',
    ...growth(results),
    '',
    ...repeats(results),
    ...targets(results),
    '',
    'Where (b) spends its time (statements seen in pg_stat_activity, 100 ms poll):',
    ...results.map((r) => `  ${count.format(r.rows)} rows: ` +
      r.median.phases.map((p) => `${p.name} ${fixed(p.seconds, 1)} s`).join(' · ')),
    '',
    `CPU time of (b), all threads (on ${env.cpus} cores, elapsed time is at least the ` +
      `total over ${env.cpus}):`,
    ...results.map((r) => `  ${count.format(r.rows)} rows: ${cpuLine(r)}`),
    '',
    'Columns as typed by (b):',
    `  ${results[0]?.median.types.join(', ') ?? 'none'}`
  ]
  return lines.join('\n') + '\n'
}

function cpuLine(r: SizeResult): string {
  const seconds = (s: number | null) => (s === null ? 'n/a' : `${fixed(s, 2)} s`)
  const { service, postgres } = r.median.cpu
  const total = service === null || postgres === null ? null : service + postgres
  return `service ${seconds(service)} · PostgreSQL (the COPY's process) ${seconds(postgres)}` +
    ` · total ${seconds(total)}`
}

function table(results: SizeResult[]): string[] {
  const header = [
    'rows', 'MB', '(a) s', '(b) s', 'b/a', 'rows/s (b)', 'RSS start MB', 'RSS peak MB'
  ]
  const rows = results.map(({ rows, bytes, median }) => [
    count.format(rows),
    fixed(mb(bytes), 1),
    fixed(median.baselineSeconds, 2),
    fixed(median.serviceSeconds, 2),
    fixed(ratio(median), 2),
    count.format(Math.round(rows / median.serviceSeconds)),
    optional(rssMb(median.startRssKb)),
    optional(rssMb(median.peakRssKb))
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')
  return [line(header), ...rows.map(line)]
}

// Seconds per million rows at each size: flat numbers mean linear time.
function growth(results: SizeResult[]): string[] {
  const perMillion = (seconds: number, rows: number) => fixed(seconds / (rows / 1e6), 2)
  const series = (pick: (run: RunResult) => number) =>
    results.map((r) => `${perMillion(pick(r.median), r.rows)} s @${short(r.rows)}`).join(' · ')
  return [
    'Time per million rows (flat = linear):',
    `  (a) ${series((run) => run.baselineSeconds)}`,
    `  (b) ${series((run) => run.serviceSeconds)}`
  ]
}

// Every pair of a size run more than once, in the order they ran.
function repeats(results: SizeResult[]): string[] {
  const repeated = results.filter((r) => r.runs.length > 1)
  if (repeated.length === 0) return []
  const run = (r: RunResult) => `${fixed(r.baselineSeconds, 2)}/${fixed(r.serviceSeconds, 2)} s ` +
    `${fixed(ratio(r), 2)} ${optional(rssMb(r.peakRssKb))} MB`
  return [
    'Runs alternated, (a)/(b) seconds, b/a and peak RSS (the table shows the median b/a):',
    ...repeated.map((r) => `  ${count.format(r.rows)} rows: ${r.runs.map(run).join(' · ')}`),
    ''
  ]
}

function targets(results: SizeResult[]): string[] {
  const atTarget = results.find((r) => r.rows === RATIO_TARGET_ROWS)
  const measured = atTarget === undefined
    ? `not measured (run with --rows ${RATIO_TARGET_ROWS})`
    : verdict(ratio(atTarget.median), RATIO_TARGET, 2)

  // Memory is a limit, not a typical figure: the highest of every run.
  const peaks = results.map((r) => {
    const known = r.runs.flatMap((run) => (run.peakRssKb === null ? [] : [run.peakRssKb]))
    const peak = known.length === 0 ? null : rssMb(Math.max(...known))
    return peak === null
      ? `unknown @${short(r.rows)}`
      : `${verdict(peak, PEAK_TARGET_MB, 0, true)} @${short(r.rows)}`
  })
  return [
    'Targets (reported, not enforced):',
    `  b/a ≤ ${RATIO_TARGET} at ${count.format(RATIO_TARGET_ROWS)} rows: ${measured}`,
    `  service peak RSS < ${PEAK_TARGET_MB} MB at every size: ${peaks.join(' · ')}`
  ]
}

function verdict(value: number, limit: number, digits: number, strict = false): string {
  const met = strict ? value < limit : value <= limit
  return `${fixed(value, digits)} (${met ? 'met' : 'MISSED'})`
}

const optional = (value: number | null) => (value === null ? 'n/a' : fixed(value, 0))
