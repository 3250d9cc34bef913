import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, tokenFor } from '../helpers/http.js'

interface Dataset {
  id: string
  title: string
  state: string
  keywords: string[]
  license: string
  published_at: string | null
}

interface Page {
  data: Dataset[]
  total: number
  next_cursor: string | null
}

t.test('datasets', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const publisher = caller(app, await tokenFor(admin, 'publisher'))
  const anonymous = caller(app)

  t.test('create, read and update a dataset', async (t) => {
    const created = await editor.post('/api/v1/datasets', {
      title: 'Subventions 2024',
      description: 'Subventions aux associations',
      keywords: ['subvention', 'association']
    })
    t.equal(created.status, 201)
    const dataset = created.json<Dataset>()
    t.equal(dataset.state, 'draft')
    t.equal(dataset.license, 'etalab-2.0', 'Licence Ouverte 2.0 by default')
    t.same(dataset.keywords, ['subvention', 'association'])

    const updated = await editor.patch(`/api/v1/datasets/${dataset.id}`, { license: 'odbl-1.0' })
    t.equal(updated.status, 200)
    t.equal(updated.json<Dataset>().license, 'odbl-1.0')
    t.equal(updated.json<Dataset>().title, 'Subventions 2024')

    const read = await editor.get(`/api/v1/datasets/${dataset.id}`)
    t.equal(read.json<Dataset>().license, 'odbl-1.0')
  })

  t.test('invalid input gets 400 problem+json naming the field', async (t) => {
    const res = await editor.post('/api/v1/datasets', { title: '', license: 'wtfpl' })
    t.equal(res.status, 400)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    const body = res.json<{ code: string; errors: Array<{ path: string }> }>()
    t.equal(body.code, 'VALIDATION_FAILED')
    t.ok(body.errors.length > 0)

    const unknownId = await editor.get('/api/v1/datasets/not-a-uuid')
    t.equal(unknownId.status, 400)
  })

  t.test('only a publisher publishes; anonymous callers see published datasets only', async (t) => {
    const id = await createDataset(editor, { title: 'Brouillon puis publié' })
    t.equal((await anonymous.get(`/api/v1/datasets/${id}`)).status, 404)
    t.equal((await editor.post(`/api/v1/datasets/${id}/publish`)).status, 403)

    const published = await publisher.post(`/api/v1/datasets/${id}/publish`)
    t.equal(published.status, 200)
    const firstIssued = published.json<Dataset>().published_at
    t.ok(firstIssued)
    t.equal((await anonymous.get(`/api/v1/datasets/${id}`)).status, 200)
    // Compared in the database, to the microsecond: harvesters must never read a
    // dct:modified earlier than the dct:issued of the same publication.
    const { rows } = await handle.pool.query<{ same: boolean }>(
      'select updated_at = published_at as same from dataset where id = $1', [id])
    t.same(rows, [{ same: true }], 'published and modified at the same instant')

    t.equal((await publisher.post(`/api/v1/datasets/${id}/unpublish`)).status, 200)
    t.equal((await anonymous.get(`/api/v1/datasets/${id}`)).status, 404)
    const again = await publisher.post(`/api/v1/datasets/${id}/publish`)
    t.equal(again.json<Dataset>().published_at, firstIssued, 'first publication date kept')
  })

  t.test('lists are paged by cursor and anonymous lists and counts skip drafts', async (t) => {
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(await createDataset(editor, { title: `Liste ${i}` }))
    for (const id of ids.slice(0, 3)) await publisher.post(`/api/v1/datasets/${id}/publish`)

    const all: string[] = []
    let url = '/api/v1/datasets?limit=2'
    for (let guard = 0; guard < 50; guard++) {
      const page = (await editor.get(url)).json<Page>()
      t.ok(page.data.length <= 2)
      all.push(...page.data.map((d) => d.id))
      if (page.next_cursor === null) break
      url = `/api/v1/datasets?limit=2&cursor=${page.next_cursor}`
    }
    t.equal(new Set(all).size, all.length, 'no dataset twice')
    for (const id of ids) t.ok(all.includes(id))

    const publicPage = (await anonymous.get('/api/v1/datasets?limit=1000')).json<Page>()
    t.ok(publicPage.data.every((d) => d.state === 'published'))
    t.equal(publicPage.total, publicPage.data.length, 'the count says the same')
    for (const id of ids.slice(3)) t.notOk(publicPage.data.some((d) => d.id === id))

    const drafts = (await anonymous.get('/api/v1/datasets?state=draft')).json<Page>()
    t.equal(drafts.total, 0, 'asking for drafts shows none to anonymous callers')
  })

  t.test('a forged cursor is a 400, not a database error', async (t) => {
    const forged = Buffer.from(JSON.stringify(['datasets', "x'; drop table dataset", 'y']))
      .toString('base64url')
    const res = await editor.get(`/api/v1/datasets?cursor=${forged}`)
    t.equal(res.status, 400)
    t.equal(res.json().code, 'CURSOR_INVALID')
  })

  t.test('unknown routes answer problem+json 404', async (t) => {
    const res = await anonymous.get('/api/v1/nothing-here')
    t.equal(res.status, 404)
    t.equal(res.json().code, 'ROUTE_NOT_FOUND')
  })

  t.test('JSON bodies are not coerced, and NUL characters are refused', async (t) => {
    for (const body of [{ title: 123 }, { title: ['a'] }, { title: 'a', keywords: 'solo' },
      { title: 'a\u0000b' }, { title: 'ok', description: 'x\u0000' }]) {
      const res = await editor.post('/api/v1/datasets', body)
      t.equal(res.status, 400, JSON.stringify(body))
      t.equal(res.json().code, 'VALIDATION_FAILED')
    }
    const role = await admin.post('/api/v1/tokens', { name: 'x', role: ['admin'] })
    t.equal(role.status, 400)
  })

  t.test('a number in the query is written in digits', async (t) => {
    t.equal((await anonymous.get('/api/v1/datasets?limit=10')).status, 200)
    for (const limit of ['10.0', '1e1', '0xa', '%2010']) {
      const res = await anonymous.get(`/api/v1/datasets?limit=${limit}`)
      t.equal(res.status, 400, limit)
      t.equal(res.json().code, 'VALIDATION_FAILED')
    }
  })

  t.test('forged list cursors with impossible timestamps are a 400', async (t) => {
    const id = '00000000-0000-4000-8000-000000000000'
    const forged = ['2024-99-99 99:99:99+00', '0000-01-01 00:00:00+00', '2024-01-01 00:00:00+99']
    for (const at of forged) {
      const cursor = Buffer.from(JSON.stringify(['datasets', at, id])).toString('base64url')
      const res = await editor.get(`/api/v1/datasets?cursor=${cursor}`)
      t.equal(res.status, 400, at)
      t.equal(res.json().code, 'CURSOR_INVALID')
    }
  })

  t.test('resources of a dataset are paged too', async (t) => {
    const id = await createDataset(editor, { title: 'Plusieurs fichiers' })
    for (let i = 0; i < 5; i++) {
      await editor.post(`/api/v1/datasets/${id}/resources`, { title: `Fichier ${i}` })
    }
    const seen: string[] = []
    let url = `/api/v1/datasets/${id}/resources?limit=2`
    for (let guard = 0; guard < 10; guard++) {
      const page = (await editor.get(url)).json<{
        data: Array<{ title: string }>; total: number; next_cursor: string | null
      }>()
      t.equal(page.total, 5)
      seen.push(...page.data.map((r) => r.title))
      if (page.next_cursor === null) break
      url = `/api/v1/datasets/${id}/resources?limit=2&cursor=${page.next_cursor}`
    }
    t.same(seen, ['Fichier 0', 'Fichier 1', 'Fichier 2', 'Fichier 3', 'Fichier 4'])
  })
})

