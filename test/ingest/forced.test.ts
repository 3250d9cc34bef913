import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor } from '../helpers/http.js'

interface Revision {
  columns: Array<{ name: string; type: string }>
  report: { encoding: string; delimiter: string; header: boolean; forced: object }
}
type Rows = { data: Array<Record<string, unknown>> }

// Every detected setting can be forced by the uploader, in the upload's query.
t.test('forced settings', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)

  const put = async (query: string, body: Buffer | string) => {
    const id = await createResource(editor, datasetId)
    const res = await editor.put(`/api/v1/resources/${id}/data?${query}`, body)
    const records = () => editor.get(`/api/v1/resources/${id}/records`)
    const rows = async () => (await records()).json<Rows>().data
    return { res, rows, records }
  }

  t.test('encoding: Latin-9 and Latin-1 decoded as declared', async (t) => {
    const latin9 = Buffer.concat([Buffer.from('prix\ncaf'), Buffer.from([0xe9, 0x20, 0xa4, 0x0a])])
    const nine = await put('encoding=iso-8859-15', latin9)
    t.equal(nine.res.status, 201, nine.res.body)
    t.equal(nine.res.json<Revision>().report.encoding, 'iso-8859-15')
    t.same(await nine.rows(), [{ prix: 'café €' }])

    const one = await put('encoding=iso-8859-1', latin9)
    t.same(await one.rows(), [{ prix: 'café ¤' }], 'the same byte is ¤ in Latin-1')
  })

  t.test('separator, quote and header', async (t) => {
    const tab = await put('delimiter=tab&quote=none', 'a\tb\n"x\t1\n')
    t.equal(tab.res.status, 201, tab.res.body)
    t.same(await tab.rows(), [{ a: '"x', b: 1 }])

    const noHeader = await put('header=false', '12,34\n56,78\n')
    t.same(noHeader.res.json<Revision>().columns.map((c) => c.name), ['column_1', 'column_2'])
    t.same(await noHeader.rows(), [{ column_1: 12, column_2: 34 }, { column_1: 56, column_2: 78 }])
  })

  t.test('decimal mark and null markers', async (t) => {
    const dot = await put('decimal=.', 'v\n1,5\n2,5\n')
    t.equal(dot.res.json<Revision>().columns[0]?.type, 'text', 'commas are not decimals then')
    t.same(await dot.rows(), [{ v: '1,5' }, { v: '2,5' }])

    const replaced = await put('null=ND,s.o.', 'm\n1\nND\ns.o.\n')
    t.same(await replaced.rows(), [{ m: 1 }, { m: null }, { m: null }], 'typed, with nulls')
    const defaults = await put('', 'm\n1\nND\n')
    t.same(await defaults.rows(), [{ m: '1' }, { m: 'ND' }], 'ND is not a default marker')
    const none = await put('null=', 'm\n1\nNA\n')
    t.same(await none.rows(), [{ m: '1' }, { m: 'NA' }], 'no markers at all')
  })

  t.test('a forced encoding keeps the BOM out of the header and shows what was detected',
    async (t) => {
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('nom\nSète\n')])
      const { res, rows } = await put('encoding=windows-1252', bom)
      t.equal(res.status, 201, res.body)
      const revision = res.json<Revision & { report: { detected: { encoding: string } } }>()
      t.equal(revision.columns[0]?.name, 'nom')
      t.equal(revision.report.detected.encoding, 'utf-8')
      t.same(await rows(), [{ nom: 'SÃ¨te' }], 'as forced: the uploader asked for it')
    })

  t.test('a forced encoding that makes no sense of the bytes is refused', async (t) => {
    const { res } = await put('encoding=utf-16le', 'nom;ville\n' + 'Dupont;Sète\n'.repeat(200))
    t.equal(res.status, 422)
    t.equal(res.json().code, 'CSV_ENCODING_INVALID')
  })

  // The decoder refuses the byte as it reads it: the problem names where it is, in a small
  // file (loaded once stored) and in one loaded while it arrives.
  t.test('a forced UTF-8 on a windows-1252 file names the line and field of the first byte',
    async (t) => {
      for (const before of [10, 30_000]) {
        const body = Buffer.concat([
          Buffer.from('nom;ville;code\n' + 'Dupont;"Paris;\nCentre";75056\n'.repeat(before)),
          Buffer.from('Martin;Orl'), Buffer.from([0xe9]), Buffer.from('ans;45234\n'),
          Buffer.from('Durand;Nice;06088\n')
        ])
        const { res, records } = await put('encoding=utf-8', body)
        t.equal(res.status, 422, `${before} rows before: ${res.body}`)
        const problem = res.json<{ code: string; line: number; column: number; detail: string }>()
        t.equal(problem.code, 'CSV_ENCODING_INVALID')
        t.equal(problem.line, 2 + before * 2, 'quoted line breaks counted')
        t.equal(problem.column, 2)
        t.match(problem.detail, `Line ${2 + before * 2}, field 2`)
        t.equal((await records()).json<{ code: string }>().code, 'NO_DATA', 'nothing served')
      }
    })

  t.test('forcing the separator detection found keeps title lines skipped', async (t) => {
    const { res, rows } = await put('delimiter=;', 'Budget 2024\n\nnom;montant\na;1\nb;2\n')
    t.equal(res.status, 201, res.body)
    t.same(await rows(), [{ nom: 'a', montant: 1 }, { nom: 'b', montant: 2 }])
  })

  t.test('the number of title lines can be forced', async (t) => {
    const csv = 'Ville de Test\nBudget 2024;;\nnom;montant;note\na;1;x\n'
    const { res, rows } = await put('skip=2', csv)
    t.equal(res.status, 201, res.body)
    t.same(await rows(), [{ nom: 'a', montant: 1, note: 'x' }])
  })

  t.test('bad forced values are a 400', async (t) => {
    for (const query of ['encoding=ebcdic', 'delimiter=x', 'header=maybe', 'null=a,,b',
      'skip=-1', 'skip=x', 'skip=101', 'header=1']) {
      const { res } = await put(query, 'a\n1\n')
      t.equal(res.status, 400, query)
    }
  })

  // JavaScript reads all of these as numbers, and the validator coerced them so.
  t.test('a number of title lines is written in digits', async (t) => {
    for (const query of ['skip=1.0', 'skip=1e1', 'skip=0x1', 'skip=+1', 'skip=%201']) {
      const { res } = await put(query, 'a\n1\n')
      t.equal(res.status, 400, query)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.match(res.json(), {
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'querystring/skip', message: 'must be an integer written in digits' }]
      })
    }
  })
})
