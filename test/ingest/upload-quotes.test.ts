import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Revision {
  row_count: number
  report: { warnings: Array<{ code: string; line?: number }> }
}

type Rows = { data: Array<Record<string, unknown>>; total: number }

// Quotes that quote nothing (ditto marks, inch marks, a stray `"` left open) are kept
// as characters and reported; a file that quotes its fields, one of them broken, is
// refused, naming it. In the detection sample and past it.
t.test('uploads with stray quotes', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { MAX_ROW_CHARS: '100000' })
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)
  const fresh = () => createResource(editor, datasetId)

  t.test('quotes kept as characters, because reading them breaks the rows, are reported',
    async (t) => {
      // Ditto marks: a `"` under a value to repeat.
      const csv = 'nom;ville\nDupont;Sète\nMartin;"\nPetit;"\nDurand;Agde\n'
      const kept = await upload(editor, await fresh(), csv)
      t.equal(kept.status, 201, kept.body)
      t.match(kept.json<Revision>().report.warnings, [{ code: 'QUOTES_KEPT', line: 3 }])

      const forced = await editor.put(
        `/api/v1/resources/${await fresh()}/data?quote=${encodeURIComponent('"')}`, csv)
      t.equal(forced.status, 201, forced.body)
      t.equal(forced.json<{ row_count: number }>().row_count, 3, 'forced, they join lines')

      // Found by attacking uploads: a file that quotes its fields, one of them broken, was
      // loaded with the quotes of every value kept. It is refused, naming the field.
      for (const broken of ['"Gamma;14', '"Le "Grand" Café";14']) {
        const quoted = `"nom";"montant"\n"Alpha";12\n"Beta";13\n${broken}\n"Delta";15\n`
        const refused = await upload(editor, await fresh(), quoted)
        t.equal(refused.status, 422, broken)
        t.match(refused.json(), { code: 'CSV_MALFORMED', line: 4, column: 1 })
      }

      const plain = await upload(editor, await fresh(), 'nom;montant\nAlpha;12\nBeta;13\n')
      t.same(plain.json<Revision>().report.warnings, [], 'no quotes, no warning')
    })

  // Found by fuzzing detection: these were refused as malformed.
  t.test('a quote that never closes on the last line of a file that quotes nothing is kept',
    async (t) => {
      for (const rows of [2, 20_000]) {
        const csv = 'commune;population\n' + 'Lunel;26420\n'.repeat(rows) + ';"\n'
        const id = await fresh()
        const kept = await upload(editor, id, csv)
        t.equal(kept.status, 201, kept.body)
        t.match(kept.json<Revision>().report.warnings,
          [{ code: 'QUOTES_KEPT', line: rows + 2 }], `${rows} rows: reported`)
        const last = await editor.get(`/api/v1/resources/${id}/records?where[population]="`)
        t.same(last.json<Rows>().data, [{ commune: null, population: '"' }], 'as a character')

        const forced = await editor.put(
          `/api/v1/resources/${await fresh()}/data?quote=${encodeURIComponent('"')}`, csv)
        t.match(forced.json(), { code: 'CSV_MALFORMED', line: rows + 2, column: 2 },
          'forced, it is refused')
      }
    })

  // Found by attacking uploads again: past what detection reads, these changed values.
  t.test('stray quotes past the detection sample keep the values and are reported',
    async (t) => {
      const rows = (n: number) => Array.from({ length: n }, (_, i) => `N${i}\tP${i}\tV${i}\tB${i}`)
      const ditto = ['nom\tprenom\tville\tcode', ...rows(1500), 'Dupont\t"\t"\tB1500',
        ...rows(3000)].join('\n') + '\n'
      const id = await fresh()
      const res = await upload(editor, id, ditto)
      t.equal(res.status, 201, res.body)
      t.match(res.json<Revision>().report.warnings, [{ code: 'QUOTES_KEPT', line: 1502 }])
      const dupont = await editor.get(`/api/v1/resources/${id}/records?where[nom]=Dupont`)
      t.same(dupont.json<Rows>().data,
        [{ nom: 'Dupont', prenom: '"', ville: '"', code: 'B1500' }], 'ditto marks stay')

      // An inch mark in the sample: no quoting; a quoted value far below says so.
      const inch = ['produit;taille;n', 'ecran;24";1',
        ...Array.from({ length: 5000 }, (_, i) => `P${i};T${i};${i}`), 'tv;"Salon";2']
      const late = await upload(editor, await fresh(), inch.join('\n') + '\n')
      t.equal(late.status, 201, late.body)
      t.match(late.json<Revision>().report.warnings, [{ code: 'QUOTES_KEPT', line: 5003 }])
    })
})
