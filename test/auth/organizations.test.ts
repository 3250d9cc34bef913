import { randomUUID } from 'node:crypto'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { type Answer, caller, createDataset, createResource, upload } from '../helpers/http.js'

// What a problem says, without what differs from one request to the next.
function said(res: Answer) {
  const { status, headers } = res
  const { code, title, detail } = res.json<Record<string, unknown>>()
  return { status, type: headers['content-type'], length: res.body.length, code, title, detail }
}

// Two organizations on one service: neither may reach the other's things, nor learn
// that they exist. Each of the other's ids must be answered as an id nobody holds.
t.test("another organization's ids are answered as unknown ones", async (t) => {
  const { app, adminToken, otherOrganization } = await buildTestApp(t)
  const owner = caller(app, adminToken)
  const stranger = caller(app, await otherOrganization('Commune voisine'))

  const draft = await createDataset(owner, { title: 'Brouillon' })
  const resource = await createResource(owner, draft)
  t.equal((await upload(owner, resource, 'nom;valeur\nsecret;42\n')).status, 201)
  const revisions = await owner.get(`/api/v1/resources/${resource}/revisions`)
  const revision = revisions.json<{ data: Array<{ id: string }> }>().data[0]?.id ?? ''
  t.ok(revision, 'the owner lists the revision')

  const unknown = randomUUID()
  const pairs: Array<[string, 'get' | 'post', string, string]> = [
    ['revision', 'get', `/api/v1/revisions/${revision}`, `/api/v1/revisions/${unknown}`],
    ['restore', 'post', `/api/v1/revisions/${revision}/restore`,
      `/api/v1/revisions/${unknown}/restore`],
    ['revisions', 'get', `/api/v1/resources/${resource}/revisions`,
      `/api/v1/resources/${unknown}/revisions`],
    ['resource', 'get', `/api/v1/resources/${resource}`, `/api/v1/resources/${unknown}`],
    ['dataset', 'get', `/api/v1/datasets/${draft}`, `/api/v1/datasets/${unknown}`],
    ['records', 'get', `/api/v1/resources/${resource}/records`,
      `/api/v1/resources/${unknown}/records`],
    ['publish', 'post', `/api/v1/datasets/${draft}/publish`,
      `/api/v1/datasets/${unknown}/publish`]
  ]
  for (const [name, method, theirs, nobodys] of pairs) {
    const [a, b] = [await stranger[method](theirs), await stranger[method](nobodys)]
    t.equal(a.status, 404, `${name}: not found`)
    t.same(said(a), said(b), `${name}: the same answer as for an unknown id`)
    t.notMatch(a.body, /secret|Brouillon/, `${name}: nothing of it in the answer`)
  }

  const ownerTokens = await owner.get('/api/v1/tokens')
  const token = ownerTokens.json<{ data: Array<{ id: string }> }>().data[0]?.id ?? ''
  const writes: Array<[string, (id: string) => Promise<Answer>, string]> = [
    ['revoke', (id) => stranger.delete(`/api/v1/tokens/${id}`), token],
    ['patch', (id) => stranger.patch(`/api/v1/datasets/${id}`, { title: 'x' }), draft],
    ['upload', (id) => upload(stranger, id, 'a;b\n1;2\n'), resource]
  ]
  for (const [name, send, theirs] of writes) {
    const [a, b] = [await send(theirs), await send(unknown)]
    t.equal(a.status, 404, `${name}: not found`)
    t.same(said(a), said(b), `${name}: the same answer as for an unknown id`)
  }
  t.equal((await owner.get(`/api/v1/datasets/${draft}`)).json().title, 'Brouillon',
    'the owner\'s dataset is unchanged')

  const list = await stranger.get('/api/v1/datasets')
  t.same(list.json<{ data: unknown[] }>().data, [], 'the lists show none of them')
  const restore = await stranger.post(`/api/v1/revisions/${revision}/restore`)
  t.equal(restore.status, 404, 'nor can it serve one of their revisions again')
})
