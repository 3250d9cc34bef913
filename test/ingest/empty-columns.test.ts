import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Revision {
  columns: Array<{ name: string; label: string }>
  report: { warnings: Array<{ code: string; message: string }> }
}
type Rows = { data: Array<Record<string, unknown>> }

// Exports that end every line with a separator gained a column with no name and no
// value, null on every row. Such a column is left out, and the report says so.
t.test('a column with neither a name nor a value is left out', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)
  const load = async (csv: string) => {
    const id = await createResource(editor, datasetId)
    const res = await upload(editor, id, csv)
    t.equal(res.status, 201, res.body)
    const rows = (await editor.get(`/api/v1/resources/${id}/records`)).json<Rows>().data
    const revision = res.json<Revision>()
    const dropped = revision.report.warnings.filter((w) => w.code === 'EMPTY_COLUMN_DROPPED')
    return { id, names: revision.columns.map((c) => c.name), rows, dropped }
  }

  const trailing = await load('nom;montant;\nDupont;12,5;\nMartin;3;\n')
  t.same(trailing.names, ['nom', 'montant'])
  t.same(trailing.rows, [{ nom: 'Dupont', montant: '12.5' }, { nom: 'Martin', montant: '3' }])
  t.match(trailing.dropped, [{ message: /Column 3 has no name and no value/ }])

  // Many rows, past the first guess, and a column in the middle.
  const lines = Array.from({ length: 6000 }, (_, i) => `${i};;x${i};`)
  const middle = await load(`n;;t;\n${lines.join('\n')}\n`)
  t.same(middle.names, ['n', 't'])
  t.equal(middle.dropped.length, 2)
  const found = await editor.get(`/api/v1/resources/${middle.id}/records?where[t]=x5999`)
  t.same(found.json<Rows>().data, [{ n: 5999, t: 'x5999' }], 'filters on what is left')

  const headerless = await editor.put(
    `/api/v1/resources/${await createResource(editor, datasetId)}/data?header=false`,
    '12;34;\n56;78;\n')
  t.same(headerless.json<Revision>().columns.map((c) => c.name), ['column_1', 'column_2'],
    'without a header, an empty column has no name either')

  // What stays: a named column, empty or not; an unnamed one that holds a value, or a
  // null marker.
  t.same((await load('nom;obs\nDupont;\nMartin;\n')).names, ['nom', 'obs'])
  const valued = await load('nom;n;\nDupont;1;\nMartin;2;x\n')
  t.same(valued.names, ['nom', 'n', 'column_3'])
  t.same(valued.dropped, [])
  t.same((await load('nom;n;\nDupont;1;NA\nMartin;2;\n')).names, ['nom', 'n', 'column_3'])
})
