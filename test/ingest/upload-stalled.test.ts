import { setTimeout as sleep } from 'node:timers/promises'

import t, { type Test } from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, type OpenUploadOptions, upload
} from '../helpers/http.js'

interface Problem {
  code: string
  detail: string
}

const BOUNDARY = '----ouverture'
const form: OpenUploadOptions = {
  method: 'POST',
  headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }
}

t.test('a sender that goes silent is answered 408, and the resource keeps its data',
  async (t) => {
    const { app, adminToken } = await buildTestApp(t, { UPLOAD_IDLE_SECONDS: '1' })
    const editor = caller(app, adminToken)
    const resource = await createResource(editor, await createDataset(editor))
    t.equal((await upload(editor, resource, 'n;libelle\n1;un\n')).status, 201)
    const port = await listen(app)

    // Part of a body, announced longer, then nothing.
    const stall = async (options: OpenUploadOptions, start: string) => {
      const headers = { ...options.headers, 'content-length': 100_000 }
      const sending = openUpload(port, resource, adminToken, { ...options, headers })
      sending.request.write(start)
      const answer = await sending.answer
      return { ...answer, problem: JSON.parse(answer.body) as Problem, closed: sending.closed }
    }
    const served = async () => {
      const records = await editor.get(`/api/v1/resources/${resource}/records`)
      return records.json<{ data: unknown[] }>().data
    }
    const latest = async () => {
      const list = await editor.get(`/api/v1/resources/${resource}/revisions`)
      return list.json<{ data: Array<{ error: { code: string } | null }> }>().data[0]
    }

    // A connection left open fails the test in seconds, not at tap's timeout.
    const bounded = { timeout: 10_000 }

    // A file begun, then nothing: given up, answered, and recorded as failed.
    const fileStalls = (options: OpenUploadOptions, first: string) =>
      async (t: Test) => {
        const answer = await stall(options, first)
        t.equal(answer.status, 408)
        t.equal(answer.headers.connection, 'close', 'the connection is not kept')
        await answer.closed
        t.equal(answer.problem.code, 'UPLOAD_STALLED')
        t.match(answer.problem.detail, /Nothing arrived for 1 s: .* nothing was kept/)
        t.same(await served(), [{ n: 1, libelle: 'un' }], 'the previous revision is served')
        t.match(await latest(), { error: { code: 'UPLOAD_STALLED' } }, 'the upload failed')
      }

    t.test('a PUT whose file has begun', bounded, fileStalls({}, 'n;libelle\n1;deux\n'))
    t.test('a form whose file has begun', bounded, fileStalls(form,
      `--${BOUNDARY}\r\nContent-Disposition: form-data; ` +
      'name="file"; filename="b.csv"\r\n\r\nn;libelle\n1;deux\n'))

    t.test('a form that never reaches its file', bounded, async (t) => {
      const before = await latest()
      const answer = await stall(form,
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nbudget\r\n`)
      t.equal(answer.status, 408)
      t.equal(answer.headers.connection, 'close', 'the connection is not kept')
      await answer.closed
      t.equal(answer.problem.code, 'UPLOAD_STALLED')
      t.match(answer.problem.detail,
        /Nothing arrived for 1 s before the form's file: .* nothing was kept/)
      t.same(await served(), [{ n: 1, libelle: 'un' }], 'the previous revision is served')
      t.same(await latest(), before, 'no revision was begun')
    })

    // Last: its upload succeeds, and replaces the data the others check.
    t.test('a form whose fields come slowly is not given up', bounded, async (t) => {
      const pieces = [
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n`,
        ...Array.from({ length: 8 }, () => 'x'.repeat(500)),
        `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ` +
          `filename="c.csv"\r\n\r\nn;libelle\n1;trois\n\r\n--${BOUNDARY}--\r\n`
      ]
      const headers = { ...form.headers, 'content-length': Buffer.byteLength(pieces.join('')) }
      const sending = openUpload(port, resource, adminToken, { ...form, headers })
      // 2.7 s in all, never more than 0.3 s apart: past UPLOAD_IDLE_SECONDS in total,
      // never idle that long.
      for (const piece of pieces) {
        sending.request.write(piece)
        await sleep(300)
      }
      sending.request.end()
      const answer = await sending.answer
      t.equal(answer.status, 201, 'the upload is taken')
      t.same(await served(), [{ n: 1, libelle: 'trois' }], 'its file is served')
    })
  })
