import t from 'tap'

import { formLimits, longestForm, PART_HEADER_BYTES } from '../../src/ingest/upload-form.js'
import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, listen, openUpload } from '../helpers/http.js'

const MAX = 4096
// As long as RFC 2046 allows, so that the longest form is as long as it gets.
const BOUNDARY = 'b'.repeat(70)
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`

// A form part: its headers padded to `headerBytes`, then its content.
function part(disposition: string, content: string, headerBytes: number): string {
  const head = `Content-Disposition: form-data; ${disposition}\r\nX-Pad: `
  return `\r\n--${BOUNDARY}\r\n${head.padEnd(headerBytes, 'x')}\r\n\r\n${content}`
}

t.test('a form announced longer than any whose file fits', async (t) => {
  // A stalled form is answered within a second, should the refusal not come.
  const { app, adminToken } = await buildTestApp(t,
    { MAX_UPLOAD_BYTES: String(MAX), UPLOAD_IDLE_SECONDS: '1' })
  const editor = caller(app, adminToken)
  const resource = await createResource(editor, await createDataset(editor))
  const port = await listen(app)
  const length = longestForm(MAX, CONTENT_TYPE) + 1
  const announced = { 'content-type': CONTENT_TYPE, 'content-length': length }

  t.test('is refused with 413 before a byte of it is read', async (t) => {
    const form = openUpload(port, resource, adminToken, { method: 'POST', headers: announced })
    form.request.flushHeaders()
    const answer = await form.answer
    form.request.destroy()
    t.equal(answer.status, 413)
    t.match(JSON.parse(answer.body), { code: 'UPLOAD_TOO_LARGE', detail: /4096 bytes/ })
    t.equal(answer.headers.connection, 'close', 'the body that would follow is not read')
  })

  t.test('is refused before the go-ahead when the sender asks first', async (t) => {
    const headers = { ...announced, expect: '100-continue' }
    const form = openUpload(port, resource, adminToken, { method: 'POST', headers })
    form.request.flushHeaders()
    const answer = await form.answer
    t.equal(answer.status, 413)
    t.equal(form.continued(), false, 'no 100 Continue first')
    await form.closed
    const revisions = await editor.get(`/api/v1/resources/${resource}/revisions`)
    t.same(revisions.json<{ data: unknown[] }>().data, [], 'no revision was begun')
  })
})

t.test('the longest form within the limits, its file at the limit, is taken', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { MAX_UPLOAD_BYTES: String(MAX) })
  const editor = caller(app, adminToken)
  const resource = await createResource(editor, await createDataset(editor))

  // As many fields as taken, each and every header as long as the reader keeps.
  const { fields, fieldSize } = formLimits(MAX)
  let form = ''
  for (let i = 0; i < fields; i++) {
    form += part(`name="f${i}"`, 'v'.repeat(fieldSize), PART_HEADER_BYTES)
  }
  const rows = 'n;libelle\n' + '1;un\n'.repeat(800)
  const file = `${rows}2;${'d'.repeat(MAX - rows.length - 3)}\n`
  form += part('name="file"; filename="long.csv"', file, PART_HEADER_BYTES)
  form += `\r\n--${BOUNDARY}--\r\n`
  t.equal(Buffer.byteLength(file), MAX)
  t.ok(Buffer.byteLength(form) <= longestForm(MAX, CONTENT_TYPE), 'within the announced bound')

  const res = await editor.raw('POST', `/api/v1/resources/${resource}/data`,
    { payload: form, headers: { 'content-type': CONTENT_TYPE } })
  t.equal(res.status, 201, res.body)
  t.equal(res.json<{ byte_size: number }>().byte_size, MAX)
})

t.test('a form with more fields before its file than taken is refused, saying so', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, adminToken)
  const resource = await createResource(editor, await createDataset(editor))

  const { fields } = formLimits(MAX)
  let form = ''
  for (let i = 0; i <= fields; i++) form += part(`name="f${i}"`, 'v', 100)
  form += part('name="file"; filename="a.csv"', 'n;libelle\n1;un\n', 100)
  form += `\r\n--${BOUNDARY}--\r\n`
  const res = await editor.raw('POST', `/api/v1/resources/${resource}/data`,
    { payload: form, headers: { 'content-type': CONTENT_TYPE } })
  t.equal(res.status, 400)
  t.match(res.json(), { code: 'BODY_INVALID', detail: `more than ${fields} fields` })
})

t.test('a form without a length is measured as its file streams', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { MAX_UPLOAD_BYTES: String(MAX) })
  const editor = caller(app, adminToken)
  const resource = await createResource(editor, await createDataset(editor))
  const port = await listen(app)

  const form = openUpload(port, resource, adminToken,
    { method: 'POST', headers: { 'content-type': CONTENT_TYPE } })
  form.request.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ` +
    'filename="large.csv"\r\n\r\nn;libelle\n')
  form.request.end('1;un\n'.repeat(MAX) + `\r\n--${BOUNDARY}--\r\n`)
  const answer = await form.answer
  t.equal(answer.status, 413)
  t.match(JSON.parse(answer.body), { code: 'UPLOAD_TOO_LARGE' })
})
