import { promises as fs } from 'node:fs'
import http from 'node:http'
import path from 'node:path'

import t from 'tap'

import { adminTokenFrom, embeddedEnv, embeddedRunOnly, startService } from '../helpers/process.js'

// Ctrl-C in a terminal signals the whole process group: the embedded PostgreSQL
// stops at once, beside the service. Uploads under way cannot finish then; they
// must fail as retryable (503), and the service must still exit.
t.test('Ctrl-C reaching PostgreSQL too: the upload is a 503, and the service exits',
  { skip: embeddedRunOnly() }, async (t) => {
    const env = await embeddedEnv(t, 'interrupt')
    const service = await startService(env)
    t.teardown(async () => {
      if (service.child.exitCode !== null) return
      service.child.kill('SIGKILL')
      await service.exited
    })
    const token = adminTokenFrom(service.output()) ?? ''
    const post = async (url: string, body: object) => {
      const res = await fetch(`${service.url}/api/v1${url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })
      return (await res.json()) as { id: string }
    }
    const dataset = await post('/datasets', { title: 'Interruption' })
    const resource = await post(`/datasets/${dataset.id}/resources`, { title: 'r' })

    // An upload loading while it arrives, ended once the signals are sent.
    const request = http.request(`${service.url}/api/v1/resources/${resource.id}/data`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }
    })
    const answer = new Promise<{ status: number; body: string } | Error>((resolve) => {
      request.once('error', resolve)
      request.once('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
    })
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i};l ${i}\n`)
    request.write('n;libelle\n' + rows.join(''))
    await new Promise((resolve) => setTimeout(resolve, 500))

    const pidPath = path.join(env.DATA_DIR ?? '', 'postgres', 'postmaster.pid')
    const pidFile = await fs.readFile(pidPath, 'utf8')
    const signalled = Date.now()
    process.kill(Number(pidFile.split('\n')[0]), 'SIGINT')
    service.child.kill('SIGINT')
    await new Promise((resolve) => setTimeout(resolve, 300))
    request.end('20000;fin\n')

    const got = await answer
    t.equal(got instanceof Error ? got.message : got.status, 503, 'a retryable failure')
    if (!(got instanceof Error)) t.match(JSON.parse(got.body), { code: 'UNAVAILABLE' })
    const deadline = setTimeout(() => service.child.kill('SIGKILL'), 20_000)
    t.equal(await service.exited, 0, 'the service exits, cleanly')
    clearTimeout(deadline)
    t.ok(Date.now() - signalled < 10_000, 'without waiting for a PostgreSQL already gone')
    // The failure cannot be recorded with the database gone: expected, left to the next
    // start, and not an error with a stack trace for whoever pressed Ctrl-C.
    t.notMatch(service.output(), /could not record the failed load/, service.output())
  })
