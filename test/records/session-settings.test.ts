import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Page {
  data: Array<Record<string, unknown>>
  next_cursor: string | null
}

// An external PostgreSQL may be set to write dates its own way: a French server
// with `DateStyle = 'SQL, DMY'`, a time zone with a quarter-hour offset. The API
// answers the same: dates read back, cursors work, the catalogue is whole.
t.test('a server set to other date styles and time zones', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t, {}, {
    prepare: async (client) => {
      await client.query(`alter database ${client.database ?? ''} set DateStyle = 'SQL, DMY'`)
      await client.query(`alter database ${client.database ?? ''} set TimeZone = 'Pacific/Chatham'`)
      await client.query(
        `alter database ${client.database ?? ''} set default_transaction_isolation = serializable`)
    }
  })
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const publisher = caller(app, await tokenFor(admin, 'publisher'))

  const session = await handle.pool.query<{ level: string }>(
    'select current_setting(\'transaction_isolation\') as level')
  t.same(session.rows, [{ level: 'read committed' }], 'the locks before checks hold')

  const ids = [await createDataset(editor, { title: 'Un' }), await createDataset(editor)]
  const read = (await editor.get(`/api/v1/datasets/${ids[0] ?? ''}`)).json<{
    created_at: string
  }>()
  t.match(read.created_at, /^\d{4}-\d{2}-\d{2}T/, 'dates read back')

  const first = (await editor.get('/api/v1/datasets?limit=1')).json<Page>()
  const second = await editor.get(`/api/v1/datasets?limit=1&cursor=${first.next_cursor ?? ''}`)
  t.equal(second.status, 200, `a list cursor works: ${second.body}`)

  const resource = await createResource(editor, ids[0] ?? '')
  const csv = 'quand;jour\n2024-01-01T10:00:00+01:00;03/04/2024\n2024-06-01T10:00:00Z;04/04/2024\n'
  t.equal((await upload(editor, resource, csv)).status, 201)
  const base = `/api/v1/resources/${resource}/records`
  for (const order of ['quand', 'jour']) {
    const page = (await editor.get(`${base}?order=${order}&limit=1`)).json<Page>()
    const next = await editor.get(`${base}?order=${order}&limit=1&cursor=${page.next_cursor ?? ''}`)
    t.equal(next.status, 200, `a ${order} cursor works: ${next.body}`)
    t.equal(next.json<Page>().data.length, 1)
  }
  t.same((await editor.get(`${base}?order=jour`)).json<Page>().data.map((r) => r.jour),
    ['2024-04-03', '2024-04-04'], 'dd/mm/yyyy read as days first')

  t.equal((await publisher.post(`/api/v1/datasets/${ids[0] ?? ''}/publish`)).status, 200)
  const catalog = await caller(app).get('/catalog')
  t.equal(catalog.status, 200)
  const doc = catalog.json<{ '@graph': Array<Record<string, unknown>> }>()
  const dataset = doc['@graph'].find((n) => n['@type'] === 'dcat:Dataset')
  t.match(dataset?.['dct:issued'], { '@value': /^\d{4}-\d{2}-\d{2}T/ }, 'the catalogue is whole')
})
