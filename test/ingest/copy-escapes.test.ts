import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

// Text cells go to PostgreSQL as COPY text, where a backslash, a tab and a line break
// must be escaped. Rows of plain text are copied without looking at each cell, until
// the file shows one of those: every such value must still come back as written,
// however far into the file it first appears.
t.test('backslashes, tabs and line breaks in text cells come back as written', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)

  const tricky = [
    'C:\\dossier\\fichier.csv', '\\N', 'avant\tapres', '"deux\nlignes"', 'fin\\'
  ]
  const expected = ['C:\\dossier\\fichier.csv', '\\N', 'avant\tapres', 'deux\nlignes', 'fin\\']
  for (const at of [2, 30_000]) {
    const lines = ['id;texte']
    for (let i = 1; i < at; i++) lines.push(`${i};ligne ${i}`)
    tricky.forEach((value, k) => lines.push(`${at + k};${value}`))
    lines.push(`${at + tricky.length};après`)

    const resource = await createResource(editor, datasetId)
    const res = await upload(editor, resource, lines.join('\n') + '\n')
    t.equal(res.status, 201, res.body)
    const query = `where[id][gte]=${at - 1}&order=id`
    const rows = (await editor.get(`/api/v1/resources/${resource}/records?${query}`))
      .json<{ data: Array<{ texte: string | null }> }>().data
    t.same(rows.map((r) => r.texte),
      [at === 2 ? 'ligne 1' : `ligne ${at - 1}`, ...expected, 'après'], `from row ${at}`)
  }
})
