import { gzipSync } from 'node:zlib'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource } from '../helpers/http.js'

type Listing = { total: number }

// Found by attacking the API: a body's Content-Encoding was ignored. A JSON body marked
// gzip but sent plain created a dataset; a compressed CSV was stored, then refused as an
// archive. Nothing here decodes a coding: 415, before the body is read.
t.test('bodies sent with a content coding are refused with 415', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const datasets = async () =>
    (await admin.get('/api/v1/datasets')).json<Listing>().total

  const before = await datasets()
  const json = await admin.raw('POST', '/api/v1/datasets', {
    payload: JSON.stringify({ title: 'Budget' }),
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }
  })
  t.equal(json.status, 415, json.body)
  t.match(json.json(), { code: 'UNSUPPORTED_MEDIA_TYPE', detail: /Content-Encoding: gzip/ })
  t.equal(json.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(await datasets(), before, 'no dataset created')

  const resourceId = await createResource(admin, await createDataset(admin))
  const csv = await admin.put(`/api/v1/resources/${resourceId}/data`,
    gzipSync('nom;montant\nDupont;12,50\n'), { 'content-encoding': 'GZIP, identity' })
  t.equal(csv.status, 415, csv.body)
  const revisions = await admin.get(`/api/v1/resources/${resourceId}/revisions`)
  t.same(revisions.json<{ data: unknown[] }>().data, [], 'nothing stored, no revision')

  // Found by attacking the API: an upload was told to send JSON.
  const typeless = await admin.put(`/api/v1/resources/${resourceId}/data`, 'a\n1\n',
    { 'content-type': 'textcsv' })
  t.equal(typeless.status, 415)
  t.match(typeless.json(), { detail: /send the file as text\/csv/ })

  const identity = await admin.raw('POST', '/api/v1/datasets', {
    payload: JSON.stringify({ title: 'Budget' }),
    headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }
  })
  t.equal(identity.status, 201, 'identity is no coding')

  const noBody = await admin.get('/api/v1/datasets', { 'content-encoding': 'gzip' })
  t.equal(noBody.status, 200, 'a request without a body has nothing to decode')
  const zeros = await admin.raw('POST', '/api/v1/datasets', {
    headers: { 'content-encoding': 'gzip', 'content-length': '00' }
  })
  t.notMatch(zeros.json(), { detail: /Content-Encoding/ }, 'nor one whose length is 00')
})
