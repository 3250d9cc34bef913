import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

import t from 'tap'

import {
  adminTokenFrom, embeddedEnv, embeddedRunOnly, type Service, startService
} from '../helpers/process.js'

// Stopping the service (a deploy, `docker stop`) must not cost the upload a town's
// script is sending: on the embedded PostgreSQL, which the service stops last.

// With `lateText`, the last row breaks the type the first rows gave a column: the
// load copies the file a second time, as text, once its last byte is in.
function csv(rows: number, lateText = false): Buffer {
  const lines = ['code;libelle;montant;n']
  for (let i = 0; i < rows; i++) {
    lines.push(`${String(i).padStart(6, '0')};Ligne ${i};${i},25;${i}`)
  }
  if (lateText) lines.push('999999;Fin;0,25;n.c.')
  return Buffer.from(lines.join('\n') + '\n')
}

interface Answer { status: number; body: string }

// An upload whose body is sent in two parts, the second when the test says.
function startUpload(service: Service, token: string, resource: string, body: Buffer) {
  const request = http.request(`${service.url}/api/v1/resources/${resource}/data`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'text/csv',
      'content-length': body.length
    }
  })
  const answer = new Promise<Answer | Error>((resolve) => {
    request.once('error', resolve)
    request.once('response', (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
    })
  })
  const half = body.length >> 1
  request.write(body.subarray(0, half))
  return { answer, finish: () => request.end(body.subarray(half)) }
}

// An upload that keeps sending, slowly, and would take minutes: loaded while it
// arrives, in a transaction with its COPY open, when the service stops.
function trickle(service: Service, token: string, resource: string) {
  const size = 50 << 20
  const request = http.request(`${service.url}/api/v1/resources/${resource}/data`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'text/csv',
      'content-length': size
    }
  })
  const cut = new Promise<Error | null>((resolve) => {
    request.once('error', resolve)
    request.once('response', () => resolve(null))
  })
  request.write('code;libelle;montant\n')
  let line = 0
  const rows = () => {
    let text = ''
    for (let i = 0; i < 500; i++, line++) {
      text += `${String(line).padStart(6, '0')};L ${line};${line},25\n`
    }
    return text
  }
  const timer = setInterval(() => request.write(rows()), 20)
  void cut.then(() => clearInterval(timer))
  return cut
}

// Starts of the embedded PostgreSQL (the first creates its cluster) take most of
// this file's time, which a loaded machine can stretch past .taprc's two minutes.
t.setTimeout(300_000)

t.test('SIGTERM lets an upload under way finish; past the grace period it is cut and recorded',
  { skip: embeddedRunOnly() }, async (t) => {
    const env = await embeddedEnv(t, 'shutdown')

    let service = await startService(env)
    // SIGTERM, not SIGKILL: a killed service would leave its PostgreSQL running.
    t.teardown(async () => {
      if (service.child.exitCode !== null) return
      service.child.kill('SIGTERM')
      await service.exited
    })
    const token = adminTokenFrom(service.output()) ?? ''
    const api = async (method: string, url: string, body?: object) => {
      const res = await fetch(`${service.url}/api/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      return (await res.json()) as Record<string, unknown>
    }
    const dataset = await api('POST', '/datasets', { title: 'Arrêt' })
    const resource = String((await api('POST', `/datasets/${String(dataset.id)}/resources`,
      { title: 'r' })).id)
    const revisions = async () =>
      ((await api('GET', `/resources/${resource}/revisions`)).data as Array<{
        status: string
        row_count: number | null
        error: { code: string } | null
        progress: { bytes_received: number }
      }>)

    const upload = startUpload(service, token, resource, csv(100_000))
    await sleep(500)
    service.child.kill('SIGTERM')
    await sleep(500)
    const refused = await fetch(`${service.url}/healthz`).then(() => false, () => true)
    t.ok(refused, 'no new request is taken once stopping')
    upload.finish()
    const answer = await upload.answer
    t.equal(answer instanceof Error ? answer.message : answer.status, 201, 'the upload completes')
    t.equal(await service.exited, 0, 'then the service stops cleanly')
    t.match(service.output(), /"msg":"stopped"/, 'and its log says so, last')

    service = await startService({ ...env, SHUTDOWN_GRACE_SECONDS: '1' })
    const [loaded] = await revisions()
    t.match(loaded, { status: 'ready', row_count: 100_000 }, 'its revision serves after restart')

    const slow = trickle(service, token, resource)
    await sleep(1000)
    const stopped = Date.now()
    service.child.kill('SIGTERM')
    t.equal(await service.exited, 0, 'an upload that would take minutes does not hold the stop')
    t.ok(Date.now() - stopped < 10_000, 'it is cut after the grace period')
    t.ok(await slow instanceof Error, 'its connection is closed')

    service = await startService(env)
    const [cut, previous] = await revisions()
    t.equal(cut?.status, 'failed', 'the cut upload is recorded as failed')
    t.equal(cut?.error?.code, 'UNAVAILABLE',
      'by the service as it stopped (not at restart), as cut by the stop')
    t.match(previous, { status: 'ready', row_count: 100_000 }, 'the previous revision remains')
    const records = await api('GET', `/resources/${resource}/records?limit=1`)
    t.equal((records.data as unknown[]).length, 1, 'and serves')

    // A second signal does not wait for the grace period.
    const hurried = startUpload(service, token, resource, csv(100_000))
    await sleep(500)
    const signalled = Date.now()
    service.child.kill('SIGTERM')
    await sleep(200)
    service.child.kill('SIGTERM')
    t.equal(await service.exited, 0, 'a second signal still stops cleanly')
    t.ok(Date.now() - signalled < 5_000, 'without the grace period')
    t.ok(await hurried.answer instanceof Error, 'the upload under way is cut')

    // A file wholly sent, still loading (copied again as text) when the grace period
    // ends (none here): its client was cut off, so it must not be committed behind
    // its back.
    service = await startService({ ...env, SHUTDOWN_GRACE_SECONDS: '0' })
    const file = csv(300_000, true)
    const sent = startUpload(service, token, resource, file)
    sent.finish()
    let received = false
    for (let i = 0; i < 1000 && !received; i++) {
      const [latest] = await revisions()
      received = latest?.status === 'ingesting' && latest.progress.bytes_received === file.length
      if (!received) await sleep(10)
    }
    t.ok(received, 'the file is in, and loading')
    service.child.kill('SIGTERM')
    t.equal(await service.exited, 0, 'the stop does not wait for the load')
    t.ok(await sent.answer instanceof Error, 'its client is cut off')

    service = await startService(env)
    const [stoppedLoad] = await revisions()
    t.match(stoppedLoad, { status: 'failed', error: { code: 'UNAVAILABLE' } },
      'the load was rolled back and recorded, to be sent again')
    const current = await api('GET', `/resources/${resource}`)
    t.match(current, { current_revision: { row_count: 100_000 } }, 'the previous revision serves')
  })
