import http from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

import pg from 'pg'
import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, revisionRecorded, upload
} from '../helpers/http.js'

const BOUNDARY = '----ouverture'

t.test('past MAX_UPLOADS_IN_PROGRESS an upload is refused at once, with when to retry',
  async (t) => {
    const { app, adminToken } = await buildTestApp(t, { MAX_UPLOADS_IN_PROGRESS: '1' })
    const editor = caller(app, adminToken)
    const datasetId = await createDataset(editor)
    const [held, refused] = [await createResource(editor, datasetId),
      await createResource(editor, datasetId)]
    const port = await listen(app)

    const first = openUpload(port, held, adminToken)
    first.request.write('n;libelle\n1;un\n')
    await revisionRecorded(editor, held)

    // Its body never ends: the answer comes without it.
    const second = openUpload(port, refused, adminToken)
    second.request.write('n;libelle\n1;un\n')
    const answer = await second.answer
    // As a client that heard the answer: nothing more is sent.
    second.request.destroy()
    t.equal(answer.status, 503)
    t.equal((JSON.parse(answer.body) as { code: string }).code, 'UPLOADS_BUSY')
    t.equal(answer.headers['retry-after'], '5')
    const revisions = await editor.get(`/api/v1/resources/${refused}/revisions`)
    t.same(revisions.json<{ data: unknown[] }>().data, [], 'no revision for the refused upload')

    first.request.end('2;deux\n')
    t.equal((await first.answer).status, 201)
    const again = await upload(editor, refused, 'n;libelle\n1;un\n')
    t.equal(again.status, 201, 'once the first is done, the next is taken')
  })

// A multipart POST sending its headers and a text field; the file part would
// come later.
function openForm(port: number, resourceId: string, token: string) {
  const form = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/v1/resources/${resourceId}/data`,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': 100_000
    }
  })
  form.on('error', () => undefined)
  form.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nbudget\r\n`)
  return form
}

t.test('a form that never reaches its file does not keep its place for ever', async (t) => {
  const { app, adminToken } = await buildTestApp(t,
    { MAX_UPLOADS_IN_PROGRESS: '1', UPLOAD_IDLE_SECONDS: '1' })
  const editor = caller(app, adminToken)
  const datasetId = await createDataset(editor)
  const resource = await createResource(editor, datasetId)
  const port = await listen(app)

  // Headers and a first text field, then nothing: answered once given up.
  const form = openForm(port, resource, adminToken)
  await new Promise<void>((resolve) => {
    form.once('error', () => resolve())
    form.once('response', () => resolve())
  })

  const after = await upload(editor, resource, 'n;libelle\n1;un\n')
  t.equal(after.status, 201, 'the next upload is taken')
})


t.test('a form whose connection closes before its route reads it gives its place back',
  async (t) => {
    // The stall timer, far off, is not what frees the places.
    const { app, adminToken, databaseUrl } = await buildTestApp(t,
      { MAX_UPLOADS_IN_PROGRESS: '2', UPLOAD_IDLE_SECONDS: '10' })
    const editor = caller(app, adminToken)
    const resource = await createResource(editor, await createDataset(editor))
    const port = await listen(app)
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    t.teardown(() => admin.end())
    // The server's side of each connection, and when the server saw it close.
    const closed: Array<Promise<void>> = []
    app.server.on('connection', (socket: Socket) => {
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())))
    })
    const count = async (query: string) => (await admin.query(query)).rowCount

    // Two forms whose routes wait to read their resource: pg_locks, as it is now
    // (pg_stat_activity stays as first read within a transaction).
    await admin.query('begin')
    await admin.query('lock table resource in access exclusive mode')
    const forms = [openForm(port, resource, adminToken), openForm(port, resource, adminToken)]
    const waiting = `select 1 from pg_locks where not granted
      and pg_backend_pid() = any(pg_blocking_pids(pid))`
    for (let i = 0; i < 500 && await count(waiting) !== 2; i++) await sleep(10)
    t.equal(await count(waiting), 2, 'both routes wait for their resource')

    // Their connections close meanwhile, before the file part: once the server has
    // seen it, the routes go on, each takes a place, and the multipart reader
    // meets a request already closed (it never settles on one).
    for (const form of forms) form.destroy()
    await Promise.all(closed)
    await admin.query('rollback')

    // Their resource read, the routes decide at once; this upload's own queries
    // (token, resource) come back after theirs.
    const reading = `select 1 from pg_stat_activity where datname = current_database()
      and state = 'active' and pid <> pg_backend_pid()`
    for (let i = 0; i < 500 && await count(reading) !== 0; i++) await sleep(10)
    const after = await upload(editor, resource, 'n;libelle\n1;un\n')
    t.equal(after.status, 201, 'the next upload is taken')
  })
