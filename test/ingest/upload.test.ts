import { createHash } from 'node:crypto'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

interface Revision {
  id: string
  status: string
  row_count: number
  columns: Array<{ name: string; label: string; type: string }>
  report: Record<string, unknown>
}

interface Problem {
  code: string
  detail: string
  line?: number
  column?: number
}

interface Records {
  data: Array<Record<string, unknown>>
  total: number
  next_cursor: string | null
}

t.test('uploads', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const datasetId = await createDataset(editor)

  t.test('a French CSV is loaded with its types', async (t) => {
    const resourceId = await createResource(editor, datasetId)
    const csv = 'code;nom;montant;date;actif\n01004;Ambérieu;1 234,50;03/04/2024;oui\n' +
      '06088;Nice;-0,5;31/12/2023;non\n'
    const res = await upload(editor, resourceId, csv)
    t.equal(res.status, 201, res.body)
    const revision = res.json<Revision>()
    t.equal(revision.status, 'ready')
    t.equal(revision.row_count, 2)
    t.same(revision.columns.map((c) => [c.name, c.type]), [
      ['code', 'text'], ['nom', 'text'], ['montant', 'decimal'], ['date', 'date'],
      ['actif', 'boolean']
    ])

    const rows = (await editor.get(`/api/v1/resources/${resourceId}/records`)).json<Records>()
    t.same(rows.data[0], {
      code: '01004', nom: 'Ambérieu', montant: 1234.5, date: '2024-04-03', actif: true
    })
    t.equal(rows.total, 2)
  })

  // Found by attacking uploads: the header became a title line, the values were split.
  t.test('commas inside quotes or beside another separator stay in their values',
    async (t) => {
      const cases: Array<[string, Record<string, unknown>]> = [
        ['nom,latitude,longitude\nFontaine A,"43,615","3,87576"\n' +
          'Fontaine B,"43,590","3,84642"\n',
        { nom: 'Fontaine A', latitude: 43.615, longitude: 3.87576 }],
        ['nom;montant\nDupont, Jean;12,50\nMartin, Paul;3,05\n',
          { nom: 'Dupont, Jean', montant: 12.5 }],
        ['"id";"montant";"code"\r\n"1";"12,50";"01004"\r\n"";"";""\r\n"2";"3,00";"01005"\r\n',
          { id: 1, montant: 12.5, code: '01004' }]
      ]
      for (const [csv, first] of cases) {
        const resourceId = await createResource(editor, datasetId)
        const res = await upload(editor, resourceId, csv)
        t.equal(res.status, 201, res.body)
        t.equal(res.json<Revision>().row_count, 2)
        const rows = await editor.get(`/api/v1/resources/${resourceId}/records`)
        t.same(rows.json<Records>().data[0], first)
      }
    })

  t.test('a row with too many fields is refused with its line, and the previous revision stays',
    async (t) => {
      const resourceId = await createResource(editor, datasetId)
      t.equal((await upload(editor, resourceId, 'a,b\n1,2\n3,4\n')).status, 201)
      const ingestTables = async () => (await handle.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_tables where schemaname = 'ingest'`
      )).rows[0]?.n
      const before = await ingestTables()

      const bad = await upload(editor, resourceId, 'a,b\n1,2\n5,6\n7,8,9\n')
      t.equal(bad.status, 422)
      t.match(bad.headers['content-type'], /application\/problem\+json/)
      const problem = bad.json<Problem>()
      t.equal(problem.code, 'CSV_TOO_MANY_FIELDS')
      t.equal(problem.line, 4)
      t.equal(problem.column, 3)

      const rows = (await editor.get(`/api/v1/resources/${resourceId}/records`)).json<Records>()
      t.same(rows.data, [{ a: 1, b: 2 }, { a: 3, b: 4 }], 'the previous rows still serve')

      t.equal(await ingestTables(), before, 'no half-built table is left')
    })

  t.test('encodings made here: Windows-1252 and UTF-16 come back with their accents', async (t) => {
    const text = 'commune;montant\nSaint-Étienne;1 000,50\nCœur-de-Lièvre;€ 3\n'
    const cp1252 = Buffer.from(
      text.replace('œ', '\x9c').replace('€', '\x80'), 'latin1'
    )
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])

    for (const [encoding, bytes] of [['windows-1252', cp1252], ['utf-16le', utf16]] as const) {
      const resourceId = await createResource(editor, datasetId)
      const res = await upload(editor, resourceId, bytes)
      t.equal(res.status, 201, `${encoding}: ${res.body}`)
      t.equal(res.json<Revision>().report.encoding, encoding)
      const rows = (await editor.get(`/api/v1/resources/${resourceId}/records`)).json<Records>()
      t.same(rows.data.map((r) => r.commune), ['Saint-Étienne', 'Cœur-de-Lièvre'])
      t.equal(rows.data[1]?.montant, '€ 3', 'a value that is not a number stays text')
    }
  })

  t.test('bad files get a 4xx problem with a stable code', async (t) => {
    const resourceId = await createResource(editor, datasetId)
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
      'hex')
    const wide = Array.from({ length: 1001 }, (_, i) => `c${i}`).join(';')
    const cases: Array<[string, Buffer | string, string, number | undefined]> = [
      ['a PNG image', png, 'CSV_NOT_TEXT', undefined],
      ['an empty file', '', 'CSV_EMPTY', undefined],
      ['an unclosed quote', 'a,b\n"x",2\n"y, z",3\n3,"oops\n4,5\n', 'CSV_MALFORMED', 4],
      ['blank lines only', '\n \n\n', 'CSV_NO_HEADER', undefined],
      ['too many columns, under a title line', `Export du 03/04/2024\n\n\n${wide}\n${wide}\n`,
        'CSV_TOO_MANY_COLUMNS', 4]
    ]
    for (const [what, body, code, line] of cases) {
      const res = await upload(editor, resourceId, body)
      t.equal(res.status, 422, what)
      t.match(res.headers['content-type'], /application\/problem\+json/, what)
      const problem = res.json<Problem>()
      t.equal(problem.code, code, what)
      if (line !== undefined) t.equal(problem.line, line, what)
      t.notMatch(res.body, /stack|at .*\.ts:\d+|select |insert /i, `${what}: no internals`)
    }
    const resource = await editor.get(`/api/v1/resources/${resourceId}`)
    t.equal(resource.json<{ current_revision: unknown }>().current_revision, null)
  })

  t.test('a PUT names its file in Content-Disposition, as RFC 6266 writes it', async (t) => {
    const utf8AsHeader = (text: string) => Buffer.from(text, 'utf8').toString('latin1')
    const cases: Array<[string, string]> = [
      [`attachment; filename*=UTF-8''subv%20%C3%A9t%C3%A9.csv`, 'subv été.csv'],
      [`attachment; filename="repli.csv"; filename*=UTF-8''r%C3%A9colte.csv`, 'récolte.csv'],
      [`attachment; filename*=iso-8859-1''r%E9colte.csv`, 'récolte.csv'],
      [`attachment; filename*=UTF-8''bad%FF.csv; filename="repli.csv"`, 'repli.csv'],
      [utf8AsHeader('attachment; filename="subv été.csv"'), 'subv été.csv'],
      ['attachment; filename="dit \\"oui\\".csv"', 'dit "oui".csv'],
      ['attachment; filename=brut.csv', 'brut.csv'],
      ['attachment; xfilename="autre.csv"; filename="vrai.csv"', 'vrai.csv'],
      ['attachment; filename="pas fermé.csv', 'pas fermé.csv'],
      [`attachment; filename*=UTF-8''${'a'.repeat(254)}%F0%9F%98%80.csv`, 'a'.repeat(254)],
      // Found by attacking uploads: shown as `exe.csv`, the name of an executable.
      [`attachment; filename*=UTF-8''%E2%80%AEvsc.exe`, 'vsc.exe'],
      [`attachment; filename*=UTF-8''a%E2%81%A6b%C2%85c%E2%80%8F.csv`, 'abc.csv'],
      // Found by attacking again: characters that show nothing.
      [`attachment; filename*=UTF-8''%E2%80%8BSE%E2%80%A8CR%E2%81%A0ET%F3%A0%81%81.csv`,
        'SECRET.csv']
    ]
    for (const [header, name] of cases) {
      const resourceId = await createResource(editor, datasetId)
      const res = await editor.put(`/api/v1/resources/${resourceId}/data`, 'a\n1\n',
        { 'content-disposition': header })
      t.equal(res.status, 201, res.body)
      t.equal(res.json<{ file_name: string }>().file_name, name, header)
    }
  })

  t.test('the original file is kept, hashed and downloadable under its name', async (t) => {
    const resourceId = await createResource(editor, datasetId)
    const body = Buffer.from('nom;quantité\npommes;3\n', 'latin1')
    const res = await editor.put(
      `/api/v1/resources/${resourceId}/data?filename=${encodeURIComponent('récolte 2024.csv')}`,
      body
    )
    t.equal(res.status, 201)
    const sha = createHash('sha256').update(body).digest('hex')
    t.equal(res.json<{ sha256: string }>().sha256, sha)

    const download = await editor.get(`/api/v1/resources/${resourceId}/download`)
    t.equal(download.status, 200)
    t.equal(download.headers['content-type'], 'text/csv; charset=windows-1252')
    t.match(String(download.headers['content-disposition']),
      /attachment; filename="recolte 2024.csv"; filename\*=UTF-8''r%C3%A9colte%202024.csv/)
    const raw = await app.inject({
      method: 'GET',
      url: `/api/v1/resources/${resourceId}/download`,
      headers: { authorization: `Bearer ${adminToken}` }
    })
    t.same(raw.rawPayload, body, 'the bytes as uploaded')

    // The ETag is the file's hash: a client holding these bytes is told so.
    t.equal(download.headers.etag, `"${sha}"`)
    const url = `/api/v1/resources/${resourceId}/download`
    const again = await editor.get(url, { 'if-none-match': `W/"x", "${sha}"` })
    t.equal(again.status, 304)
    t.equal(again.body, '', 'no body')
    const changed = await editor.get(url, { 'if-none-match': '"other"' })
    t.equal(changed.status, 200)
  })

  t.test('multipart POST uploads too; PUT refuses multipart', async (t) => {
    const resourceId = await createResource(editor, datasetId)
    const boundary = '----ouverture'
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
      `filename="ecoles.csv"\r\nContent-Type: text/csv\r\n\r\nuai,eleves\n0341303G,120\n` +
      `\r\n--${boundary}--\r\n`
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` }
    const res = await editor.raw('POST', `/api/v1/resources/${resourceId}/data`,
      { payload: form, headers })
    t.equal(res.status, 201, res.body)
    t.equal(res.json<{ file_name: string }>().file_name, 'ecoles.csv')
    const rows = (await editor.get(`/api/v1/resources/${resourceId}/records`)).json<Records>()
    t.same(rows.data, [{ uai: '0341303G', eleves: 120 }])

    const wrong = await editor.raw('PUT', `/api/v1/resources/${resourceId}/data`,
      { payload: form, headers })
    t.equal(wrong.status, 415)
    t.equal(wrong.json<Problem>().code, 'UNSUPPORTED_MEDIA_TYPE')
  })

  t.test('uploads over the configured size get 413', async (t) => {
    const small = await buildTestApp(t, { MAX_UPLOAD_BYTES: '64' })
    const smallEditor = caller(small.app, small.adminToken)
    const id = await createResource(smallEditor, await createDataset(smallEditor))
    const res = await upload(smallEditor, id, 'a,b\n' + '1,2\n'.repeat(40))
    t.equal(res.status, 413)
    t.equal(res.json<Problem>().code, 'UPLOAD_TOO_LARGE')
    t.same(await small.files.keys(), [], 'nothing is left on disk')
  })
})

