import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Column {
  name: string
  type: string
  semantic_kind: string | null
  null_count: number
  distinct_estimate: number
  min: string | null
  max: string | null
  format: { reason?: string }
}

interface Revision {
  row_count: number
  report: { warnings: Array<{ code: string; line?: number }>; columns: Column[] }
}

type Rows = { data: Array<Record<string, unknown>>; total: number }

// A spreadsheet's total line is left out of the rows, and out of everything the
// report says about the columns: a `Total` label in a column of years or of
// INSEE codes must not make it text, nor be its maximum, nor count as a value.
t.test('a total line left out counts for nothing', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)

  const load = async (csv: string) => {
    const id = await createResource(editor, datasetId)
    const res = await upload(editor, id, csv)
    t.equal(res.status, 201, res.body)
    const revision = res.json<Revision>()
    const column = (name: string) => {
      const found = revision.report.columns.find((c) => c.name === name)
      if (found === undefined) throw new Error(`no column ${name}`)
      return found
    }
    const rows = async (query: string) => {
      const r = await editor.get(`/api/v1/resources/${id}/records?${query}`)
      t.equal(r.status, 200, r.body)
      return r.json<Rows>()
    }
    return { revision, column, rows }
  }
  const removed = (revision: Revision) =>
    revision.report.warnings.some((w) => w.code === 'TOTAL_ROW_REMOVED')

  t.test('a labelled total in a column of years', async (t) => {
    // Trailing blank lines, as spreadsheets leave them.
    const csv = 'Année;Montant\r\n2021;1 000,00\r\n2022;2 000,50\r\n2023;3 000,25\r\n' +
      'Total;6 000,75\r\n;\r\n\r\n'
    const { revision, column, rows } = await load(csv)
    t.ok(removed(revision))
    t.equal(revision.row_count, 3)
    t.match(column('annee'), { type: 'integer', min: '2021', max: '2023', null_count: 0 })
    t.notOk(column('annee').format.reason, 'no reason left from the total')
    t.equal(column('annee').distinct_estimate, 3)
    t.match(column('montant'), { type: 'decimal', min: '1000.00', max: '3000.25' })

    const recent = await rows('where[annee][gte]=2022&order=annee')
    t.same(recent.data, [{ annee: 2022, montant: '2000.50' }, { annee: 2023, montant: '3000.25' }],
      'years compare as numbers')
  })

  t.test('past the rows the types are guessed from', async (t) => {
    const lines = Array.from({ length: 6000 }, (_, i) => `${1000 + i};${i + 1}`)
    const sum = (6000 * 6001) / 2
    const { revision, column, rows } = await load(`annee;nombre\n${lines.join('\n')}\nTotal;${sum}`)
    t.ok(removed(revision))
    t.equal(revision.row_count, 6000)
    t.match(column('annee'), { type: 'integer', min: '1000', max: '6999' })
    t.match(column('nombre'), { type: 'integer', min: '1', max: '6000' })
    t.equal((await rows('where[annee]=6999')).data[0]?.nombre, 6000)
  })

  t.test('a column of INSEE codes keeps its kind and its extremes', async (t) => {
    const csv = 'code_insee;commune;montant\n34172;Montpellier;10\n01004;Ambérieu;20\n' +
      '34172;Montpellier;30\nTOTAL;;60\n'
    const { revision, column } = await load(csv)
    t.ok(removed(revision))
    t.match(column('code_insee'), {
      type: 'text', semantic_kind: 'insee_commune', min: '01004', max: '34172',
      distinct_estimate: 2
    })
    t.match(column('commune'), { null_count: 0, max: 'Montpellier' })
  })

  t.test('a total followed by a repeated header', async (t) => {
    const { revision, column } =
      await load('Année;Montant\n2020;10\n2021;20\n2022;30\nTotal;60\nAnnée;Montant\n')
    t.ok(removed(revision))
    t.match(column('annee'), { type: 'integer', max: '2022', distinct_estimate: 3 })
  })

  t.test('a total that alone made a column decimal', async (t) => {
    const { revision, column, rows } = await load('Poste;Montant\nA;10\nB;20\nC;30\nTotal;60,00\n')
    t.ok(removed(revision))
    t.match(column('montant'), { type: 'integer', min: '10', max: '30' })
    t.same((await rows('order=-montant&limit=1')).data, [{ poste: 'C', montant: 30 }])
  })

  t.test('a last row that is no total still counts', async (t) => {
    const { revision, column } = await load('annee;montant\n2021;1\n2022;2\nvoir annexe;4\n')
    t.notOk(removed(revision))
    t.equal(revision.row_count, 3)
    t.match(column('annee'), { type: 'text', max: 'voir annexe' })
    t.match(column('annee').format.reason, /voir annexe/)
  })
})

// Found by attacking uploads: a column left as text by a forced decimal mark reported
// numbers that are not in the file as its extremes.
t.test('a column left as text by a forced decimal mark reports its text', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const resource = await createResource(editor, await createDataset(editor))
  const res = await editor.put(`/api/v1/resources/${resource}/data?decimal=.`,
    'v;w\n10,5;a\n9,5;b\n100,25;c\nNA;d\n')
  t.equal(res.status, 201, res.body)
  const [v] = res.json<Revision>().report.columns
  t.match(v, { type: 'text', min: '10,5', max: 'NA', null_count: 0 })
})
