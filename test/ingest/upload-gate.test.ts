import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, revisionRecorded, upload
} from '../helpers/http.js'

const run = promisify(execFile)

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
