import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

type Rows = { data: Array<Record<string, unknown>> }

// MAX_CELL_BYTES bounds a value: past it, the upload is refused naming the cell, and
// the resource keeps what it served.
t.test('a cell past MAX_CELL_BYTES is refused with its line and field', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { MAX_CELL_BYTES: '20' })
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const id = await createResource(editor, await createDataset(editor))
  t.equal((await upload(editor, id, 'nom;ville\nDupont;Sète\n')).status, 201)

  // 21 bytes: ten characters of two bytes and one of one.
  const big = 'é'.repeat(10) + 'x'
  const rows = (n: number) => 'Martin;Agde\n'.repeat(n)
  for (const before of [1, 6000]) {
    const refused = await upload(editor, id, `nom;ville\n${rows(before)}Roux;${big}\n`)
    t.equal(refused.status, 422, `${before} rows before`)
    t.match(refused.json(), {
      code: 'CSV_CELL_TOO_LARGE', line: before + 2, column: 2, detail: /larger than 20 bytes/
    })
  }
  // Found by attacking uploads again: a header cell was not held to the limit.
  const header = await upload(editor, id, `nom;${big}\nx;1\n`)
  t.match(header.json(), { code: 'CSV_CELL_TOO_LARGE', line: 1, column: 2 }, 'a header cell')
  const served = (await editor.get(`/api/v1/resources/${id}/records`)).json<Rows>().data
  t.same(served, [{ nom: 'Dupont', ville: 'Sète' }], 'the previous revision serves')

  // Found by attacking uploads: the padding was counted, and a value of 20 bytes with
  // spaces around it was refused.
  const padded = await upload(editor, id, `nom;ville\nRoux;   ${'é'.repeat(10)}   \n`)
  t.equal(padded.status, 201, padded.body)
  const kept = (await editor.get(`/api/v1/resources/${id}/records`)).json<Rows>().data
  t.same(kept, [{ nom: 'Roux', ville: 'é'.repeat(10) }])
})
