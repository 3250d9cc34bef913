import http from 'node:http'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, revisionRecorded, upload
} from '../helpers/http.js'

// Found by attacking the API: a token is checked when a request's headers arrive; one
// revoked while the request's body was still held back went on to act, minutes later
// (a revoked admin issued itself a token that never expires).
t.test('a token revoked while its request is under way does nothing', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const port = await listen(app)

  const tokenOf = async (role: string) => {
    const res = await admin.post('/api/v1/tokens', { name: `${role} en vol`, role })
    return res.json<{ id: string; token: string }>()
  }

  t.test('a write whose body arrives after the revocation', async (t) => {
    const other = await tokenOf('admin')
    const body = JSON.stringify({ name: 'porte dérobée', role: 'admin', ttl_days: 0 })
    const request = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/api/v1/tokens',
      headers: {
        authorization: `Bearer ${other.token}`, 'content-type': 'application/json',
        'content-length': Buffer.byteLength(body)
      }
    })
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      request.on('error', reject)
    })
    request.flushHeaders()
    await new Promise((resolve) => setTimeout(resolve, 200))
    t.equal((await admin.delete(`/api/v1/tokens/${other.id}`)).status, 204)
    request.end(body)

    const got = await answer
    t.equal(got.status, 401, got.body)
    t.match(JSON.parse(got.body), { code: 'TOKEN_INVALID', detail: /while the request was sent/ })
    const tokens = (await admin.get('/api/v1/tokens')).json<{ data: Array<{ name: string }> }>()
    t.notOk(tokens.data.some((x) => x.name === 'porte dérobée'), 'no token was issued')
  })

  // Expiry is in days: the token's end is brought to the moment the upload is under way.
  const endings: Array<[string, (id: string) => Promise<unknown>]> = [
    ['revoked', async (id) => t.equal((await admin.delete(`/api/v1/tokens/${id}`)).status, 204)],
    ['expired', (id) => handle.pool.query(
      'update api_token set expires_at = clock_timestamp() where id = $1', [id])]
  ]
  for (const [how, end] of endings) {
    t.test(`an upload whose token is ${how} before it ends`, async (t) => {
      const editor = await tokenOf('editor')
      const resource = await createResource(caller(app, editor.token),
        await createDataset(caller(app, editor.token)))
      t.equal((await upload(caller(app, editor.token), resource, 'n\n1\n')).status, 201)

      const sending = openUpload(port, resource, editor.token)
      sending.request.write('n\n')
      await revisionRecorded(admin, resource)
      await end(editor.id)
      sending.request.end('2\n3\n')

      const got = await sending.answer
      t.equal(got.status, 401, got.body)
      t.match(JSON.parse(got.body), { code: 'TOKEN_INVALID' })
      const rows = await admin.get(`/api/v1/resources/${resource}/records`)
      t.same(rows.json<{ data: unknown[] }>().data, [{ n: 1 }], 'the previous revision serves')
    })
  }
})
