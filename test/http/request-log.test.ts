import { randomUUID } from 'node:crypto'
import { PassThrough } from 'node:stream'

import t from 'tap'

import { loggedUrl } from '../../src/http/request-log.js'
import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource } from '../helpers/http.js'

// Found by attacking the API: the request log held every URL whole, and with it a
// filter's value (`where[nom]=Dupont Jean`) and the records cursor, which carries the
// last row's sort values, drafts included.
t.test('the request log names query parameters, without their values', async (t) => {
  const stream = new PassThrough()
  const lines: string[] = []
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')))
  const { app, adminToken } = await buildTestApp(t, {}, { log: stream })
  const admin = caller(app, adminToken)

  const cursor = Buffer.from(JSON.stringify(['184127645108946', '1'])).toString('base64url')
  const path = `/api/v1/resources/${randomUUID()}/records`
  await admin.get(`${path}?where%5Bnom%5D=Dupont%20Jean&cursor=${cursor}&limit=5`)
  await admin.put(`/api/v1/resources/${randomUUID()}/data?filename=liste_martin.csv`, 'a\n1\n')
  const datasetId = await createDataset(admin)
  const resourceId = await createResource(admin, datasetId)
  const loaded = await admin.put(
    `/api/v1/resources/${resourceId}/data?filename=liste_martin.csv`, 'nom\nDupont\n')
  t.equal(loaded.status, 201, 'a load too')
  // Found by attacking the API again: refusals logged their detail, which quotes input.
  const order = await admin.get(`/api/v1/resources/${resourceId}/records?order=Martinez`)
  t.match(order.json(), { code: 'ORDER_INVALID', detail: /Martinez/ }, 'the client is told')
  const charset = await admin.raw('POST', '/api/v1/datasets', {
    payload: '{}', headers: { 'content-type': 'application/json; charset=latin9secret' }
  })
  t.equal(charset.status, 415)

  const requests = lines.filter((l) => l.includes('"msg":"request"'))
  t.equal(requests.length, 7, 'one line per request')
  t.ok(lines.some((l) => l.includes('"msg":"ingest done"')), 'the load is logged')
  t.match(JSON.parse(requests[0] ?? '{}'),
    { path, query: ['where[nom]', 'cursor', 'limit'], status: 404 })
  for (const secret of
    ['Dupont', cursor, '184127645108946', 'liste_martin', 'Martinez', 'latin9secret']) {
    t.notOk(lines.some((l) => l.includes(secret)), `${secret} is not logged`)
  }
})

t.test('loggedUrl', async (t) => {
  t.same(loggedUrl('/api/v1/datasets'), { path: '/api/v1/datasets' })
  t.same(loggedUrl('/x?a=1&&b&c=%ZZ&d+e=2'), { path: '/x', query: ['a', 'b', 'c', 'd e'] })
  t.same(loggedUrl('/x?%ZZ=1'), { path: '/x', query: ['%ZZ'] }, 'a name that does not decode')
  const many = loggedUrl('/x?' + Array.from({ length: 50 }, (_, i) => `p${i}=v`).join('&'))
  t.equal(many.query?.length, 21, 'at most twenty names, then a mark')
  t.equal(many.query?.at(-1), '…')
  t.equal(loggedUrl(`/x?${'n'.repeat(500)}=1`).query?.[0]?.length, 100, 'long names are cut')
})
