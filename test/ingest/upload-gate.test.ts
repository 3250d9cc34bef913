import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, upload
} from '../helpers/http.js'

const run = promisify(execFile)

// An upload sent while the most the service takes are under way, left open: its
// answer, headers included, and whether the connection was closed after it.
function refusedUpload(port: number, resourceId: string, token: string) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: `/api/v1/resources/${resourceId}/data`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }
  })
  request.write('n;libelle\n1;un\n')
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      request.on('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => {
          // As a client that heard the answer: nothing more is sent.
          request.destroy()
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
        })
      })
      request.on('error', reject)
    })
}

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
    // The first upload is in once its revision is on record.
    for (let i = 0; i < 500; i++) {
      const list = await editor.get(`/api/v1/resources/${held}/revisions`)
      if (list.json<{ data: unknown[] }>().data.length > 0) break
      await new Promise((resolve) => setTimeout(resolve, 10))
    }

    // Its body never ends: the answer comes without it.
    const answer = await refusedUpload(port, refused, adminToken)
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

t.test('a form that never reaches its file does not keep its place for ever', async (t) => {
  const { app, adminToken } = await buildTestApp(t,
    { MAX_UPLOADS_IN_PROGRESS: '1', UPLOAD_IDLE_SECONDS: '1' })
  const editor = caller(app, adminToken)
  const datasetId = await createDataset(editor)
  const resource = await createResource(editor, datasetId)
  const port = await listen(app)

  // Headers and a first text field, then nothing.
  const boundary = '----ouverture'
  const form = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/v1/resources/${resource}/data`,
    headers: {
      authorization: `Bearer ${adminToken}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': 100_000
    }
  })
  const closed = new Promise<void>((resolve) => {
    form.once('error', () => resolve())
    form.once('response', () => resolve())
  })
  form.write(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nbudget\r\n`)
  await closed

  const after = await upload(editor, resource, 'n;libelle\n1;un\n')
  t.equal(after.status, 201, 'the next upload is taken')
})

t.test('a form whose connection closes before its file gives its place back', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { MAX_UPLOADS_IN_PROGRESS: '2' })
  const editor = caller(app, adminToken)
  const resource = await createResource(editor, await createDataset(editor))
  const port = await listen(app)

  // As a script's curl -F that gives up at once on a large file: curl asks for the
  // go-ahead (Expect: 100-continue), and closes before the form is read.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-form-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const large = path.join(dir, 'large.csv')
  await fs.truncate(await fs.writeFile(large, '').then(() => large), 100_000_000)
  const url = `http://127.0.0.1:${port}/api/v1/resources/${resource}/data`
  for (let i = 0; i < 10; i++) {
    await run('curl', ['-s', '-o', '/dev/null', '--max-time', '0.01', '-F', `file=@${large}`,
      '-H', `Authorization: Bearer ${adminToken}`, url]).catch(() => undefined)
  }

  // The server sees each close as it comes; the places are free once it has.
  let status = 0
  for (let i = 0; i < 100 && status !== 201; i++) {
    status = (await upload(editor, resource, 'n;libelle\n1;un\n')).status
    if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 30))
  }
  t.equal(status, 201, 'the next upload is taken')
})
