import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

// Nothing of a draft dataset may reach an anonymous caller, on any endpoint.
t.test('drafts stay private everywhere', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const reader = caller(app, await tokenFor(admin, 'reader'))
  const publisher = caller(app, await tokenFor(admin, 'publisher'))
  const anonymous = caller(app)

  const draftId = await createDataset(editor, { title: 'Brouillon secret' })
  const resourceId = await createResource(editor, draftId)
  t.equal((await upload(editor, resourceId, 'nom;valeur\nsecret;42\n')).status, 201)

  const urls = [
    `/api/v1/datasets/${draftId}`,
    `/api/v1/datasets/${draftId}/resources`,
    `/api/v1/resources/${resourceId}`,
    `/api/v1/resources/${resourceId}/records`,
    `/api/v1/resources/${resourceId}/records?where[nom]=secret`,
    `/api/v1/resources/${resourceId}/download`
  ]

  t.test('anonymous callers get 404 problem+json that says nothing of the draft', async (t) => {
    for (const url of urls) {
      const res = await anonymous.get(url)
      t.equal(res.status, 404, url)
      t.match(res.headers['content-type'], /application\/problem\+json/, url)
      t.notMatch(res.body, /secret|Brouillon/, `${url} leaks nothing`)
    }
  })

  t.test('a reader of the organization sees the draft', async (t) => {
    for (const url of urls) t.equal((await reader.get(url)).status, 200, url)
  })

  t.test('lists, counts and the catalogue leave the draft out', async (t) => {
    const list = await anonymous.get('/api/v1/datasets')
    t.notMatch(list.body, /Brouillon secret/)
    t.equal(list.json<{ total: number }>().total, 0)
    const catalog = await anonymous.get('/catalog')
    t.notMatch(catalog.body, /Brouillon secret|secret/)
    t.notMatch(catalog.body, new RegExp(draftId))
  })

  t.test('once published, the same URLs answer anonymous callers', async (t) => {
    t.equal((await publisher.post(`/api/v1/datasets/${draftId}/publish`)).status, 200)
    for (const url of urls) t.equal((await anonymous.get(url)).status, 200, url)
    const rows = await anonymous.get(`/api/v1/resources/${resourceId}/records`)
    t.same(rows.json<{ data: unknown[] }>().data, [{ nom: 'secret', valeur: 42 }])
  })
})
