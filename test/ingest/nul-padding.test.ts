import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Revision {
  row_count: number
  report: {
    warnings: Array<{ code: string; line?: number }>
    skipped_lines: { blank: number }
  }
}

// Broken exports pad files with NUL bytes. A line of them is a blank line, not a
// row of nulls; NULs around a value are removed before it is trimmed.
t.test('NUL padding', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const resource = await createResource(editor, await createDataset(editor))

  // Far enough into a file of text that the NULs do not make it look binary.
  const text = Array.from({ length: 20_000 }, (_, i) => `${i + 1};a;${i}\n`).join('')
  // A NUL-padded repeated header, too.
  const csv = `id;nom;montant\n${text}\0\0\n\0id;nom;montant\0\n20001;\0 x \0;20\n` +
    `${'\0'.repeat(512)}\n`
  const res = await upload(editor, resource, csv)
  t.equal(res.status, 201, res.body)
  const revision = res.json<Revision>()
  t.equal(revision.row_count, 20_001, 'no phantom rows')
  t.equal(revision.report.skipped_lines.blank, 2)
  t.match(revision.report.warnings.filter((w) => w.code === 'NUL_REMOVED'), [{ line: 20_004 }])
  t.ok(revision.report.warnings.some((w) => w.code === 'REPEATED_HEADER'))
  t.notOk(revision.report.warnings.some((w) => w.code === 'SHORT_ROW'))

  const rows = await editor.get(`/api/v1/resources/${resource}/records?where[id][gte]=20000`)
  t.equal(rows.json<{ total: number }>().total, 2)
  t.same(rows.json<{ data: unknown[] }>().data, [
    { id: 20_000, nom: 'a', montant: 19_999 },
    { id: 20_001, nom: 'x', montant: 20 }
  ])
})
