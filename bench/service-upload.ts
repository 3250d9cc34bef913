import { createReadStream, promises as fs } from 'node:fs'
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

import { adminTokenFrom, type Service, startService } from '../test/helpers/process.js'
import { cpuSeconds } from './cpu.js'
import { AMOUNT_COLUMN } from './csv-generator.js'
import { type Phase, PhaseProbe } from './phase-probe.js'
import type { Teardown } from './teardown.js'

export interface ServiceRun {
  databaseUrl: string
  dataDir: string
  file: string
  bytes: number
  rows: number
}

export interface ServiceResult {
  seconds: number
  phases: Phase[]
  // Memory of the service process, in kB: after start-up, and its high-water mark.
  startRssKb: number | null
  peakRssKb: number | null
  // CPU time during the upload: the service, and the PostgreSQL process that ran the COPY
  // (from its start to the end of the load, for a process that may have run queries
  // before: only the load's own queries run on it in between).
  cpu: { service: number | null; postgres: number | null }
  types: string[]
}

interface Column {
  name: string
  label: string
  type: string
}

// Our side of the comparison: the real service, compiled as it runs in
// production (`npm run bench` builds it first), as a separate process, takes
// the file as an HTTP upload; the clock stops at its 201 answer, when the rows
// are in a typed table and served.
export async function measureService(run: ServiceRun, teardown: Teardown): Promise<ServiceResult> {
  const service = await startService({
    DATABASE_URL: run.databaseUrl,
    DATA_DIR: run.dataDir,
    LOG_LEVEL: 'warn',
    // The default limit (2 GiB) would turn a very large --rows into a 413.
    MAX_UPLOAD_BYTES: String(Math.max(run.bytes + 1, 2 ** 31))
  }, { compiled: true })
  const stopService = teardown.add('stop the service', () => stop(service))
  const probe = await PhaseProbe.connect(run.databaseUrl)
  const closeProbe = teardown.add('close the phase probe', () => probe.close())

  try {
    const api = new Api(service, await adminToken(service))
    const dataset = await api.create('/datasets', { title: 'Bench' })
    const resource = await api.create(`/datasets/${dataset}/resources`, {
      title: `${run.rows} rows`
    })
    const pid = service.child.pid ?? 0
    const startRssKb = await memoryKb(pid, 'VmRSS')

    const serviceCpu = await cpuSeconds(pid)
    const postgresCpu = await backendCpu(probe)
    probe.start()
    const started = performance.now()
    const answer = await putFile(api, `/resources/${resource}/data`, run)
    const seconds = (performance.now() - started) / 1000
    const phases = await probe.stop()
    const peakRssKb = await memoryKb(pid, 'VmHWM')
    const cpu = {
      service: difference(await cpuSeconds(pid), serviceCpu),
      // A process started during the upload (a new pooled connection) counts whole.
      postgres: difference(await cpuSeconds(probe.copyPid), postgresCpu.get(probe.copyPid) ?? 0)
    }

    if (answer.status !== 201) {
      throw new Error(`upload answered ${answer.status}: ${answer.body}\n${service.output()}`)
    }
    const columns = readColumns(answer.body)
    await checkLoaded(api, resource, columns, run.rows)
    return { seconds, phases, startRssKb, peakRssKb, cpu, types: columns.map(describe) }
  } finally {
    await closeProbe()
    await stopService()
  }
}

class Api {
  readonly base: string

  constructor(service: Service, readonly token: string) {
    this.base = `${service.url}/api/v1`
  }

  async json(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
    const response = await fetch(this.base + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
    return JSON.parse(text) as Record<string, unknown>
  }

  async create(path: string, body: object): Promise<string> {
    const { id } = await this.json('POST', path, body)
    if (typeof id !== 'string') throw new Error(`POST ${path} answered no id`)
    return id
  }
}

// The token is printed before the service listens; the poll only covers output
// still in the pipe when /healthz first answers.
async function adminToken(service: Service): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const token = adminTokenFrom(service.output())
    if (token !== undefined) return token
    await sleep(20)
  }
  throw new Error(`the service printed no admin token:\n${service.output()}`)
}

// The file is streamed from disk, as `curl -T` would send it: never whole in
// the bench's memory, so that the service alone decides how fast it goes.
function putFile(api: Api, path: string, run: ServiceRun) {
  const url = `${api.base}${path}?filename=bench-${run.rows}.csv`
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(url, {
      method: 'PUT',
      agent: false,
      headers: {
        authorization: `Bearer ${api.token}`,
        'content-type': 'text/csv; charset=utf-8',
        'content-length': run.bytes
      }
    })
    request.once('response', (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }))
      response.once('error', reject)
    })
    // After an early error answer the rest of the body may fail to send; the
    // answer, already resolved, is what gets reported.
    request.once('error', reject)
    createReadStream(run.file).once('error', (e) => request.destroy(e)).pipe(request)
  })
}

function readColumns(body: string): Column[] {
  const revision = JSON.parse(body) as { columns?: Column[] }
  if (!Array.isArray(revision.columns)) throw new Error(`upload answer without columns: ${body}`)
  return revision.columns
}

// The 201 is only worth timing if every row arrived and the amounts were
// recognised as numbers (which takes every value passing the inference).
async function checkLoaded(api: Api, resourceId: string, columns: Column[], rows: number) {
  const amount = columns.find((c) => c.label === AMOUNT_COLUMN)
  if (amount?.type !== 'decimal') {
    throw new Error(`column ${AMOUNT_COLUMN} typed ${amount?.type ?? 'missing'}, not decimal`)
  }
  const page = await api.json('GET', `/resources/${resourceId}/records?limit=1`)
  if (page.total !== rows) {
    throw new Error(`the service serves ${String(page.total)} rows, ${rows} were uploaded`)
  }
}

const describe = (c: Column): string => `${c.label} ${c.type}`

const difference = (after: number | null, before: number | null) =>
  after === null || before === null ? null : after - before

// The CPU time of every server process of the bench database before the upload: the load
// runs on one of them (a pooled connection), known only once its COPY is seen.
async function backendCpu(probe: PhaseProbe): Promise<Map<number | null, number | null>> {
  const times = new Map<number | null, number | null>()
  for (const pid of await probe.backendPids()) times.set(pid, await cpuSeconds(pid))
  return times
}

// Linux only: the kernel's own accounting of the process, including memory the
// V8 heap statistics do not show (buffers, the loader thread of tsx).
async function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | null> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]
  return kb === undefined ? null : Number(kb)
}

async function stop(service: Service): Promise<void> {
  const { child } = service
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const exited = await Promise.race([service.exited.then(() => true), sleep(10_000, false)])
  if (!exited) {
    child.kill('SIGKILL')
    await service.exited
  }
}
