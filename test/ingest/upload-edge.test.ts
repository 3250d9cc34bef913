import pg from 'pg'
import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, tokenFor, upload
} from '../helpers/http.js'

interface Revision {
  row_count: number
  report: {
    warnings: Array<{ code: string; line?: number }>
    columns: Array<{ min: string | null; max: string | null }>
  }
}

type Rows = { data: Array<Record<string, unknown>>; total: number }

t.test('uploads at the edges', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t, { MAX_ROW_CHARS: '100000' })
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)
  const fresh = () => createResource(editor, datasetId)
  const rows = async (id: string) =>
    (await editor.get(`/api/v1/resources/${id}/records?limit=1000`)).json<Rows>()

  t.test('a byte the decoder refuses is a 422, and the service keeps serving', async (t) => {
    const id = await fresh()
    t.equal((await upload(editor, id, 'a,b\n1,2\n')).status, 201)
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('a,b\n' + '1,é\n'.repeat(3000)),
      Buffer.from([0x31, 0x2c, 0x43, 0xe9, 0x0a])
    ])
    const res = await upload(editor, id, body)
    t.equal(res.status, 422)
    t.equal(res.json().code, 'CSV_ENCODING_INVALID')
    t.same((await rows(id)).data, [{ a: 1, b: 2 }])
  })

  t.test('a UTF-8 file damaged on one line is refused, naming the line', async (t) => {
    const body = Buffer.concat([
      Buffer.from('nom,ville\n' + 'Élève,Sète\n'.repeat(200)),
      Buffer.from([0x58, 0x2c, 0xe9, 0x0a])
    ])
    const res = await upload(editor, await fresh(), body)
    t.equal(res.status, 422)
    t.equal(res.json().code, 'CSV_ENCODING_INVALID')
    t.equal(res.json().line, 202)
    t.equal(res.json().column, 2, 'and the field')

    // Lines end with a lone CR (old Mac exports): still counted, small file or large.
    for (const rows of [3, 20_000]) {
      const cr = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('a,b,c\r' + '1,x,y\r'.repeat(rows) + '2,z,caf'),
        Buffer.from([0xe9, 0x0d]),
        Buffer.from('3,u,v\r')
      ])
      const refused = await upload(editor, await fresh(), cr)
      t.equal(refused.json().code, 'CSV_ENCODING_INVALID')
      t.same([refused.json().line, refused.json().column], [rows + 2, 3], `${rows} rows before`)
    }
  })

  t.test('short rows are padded with nulls and reported, early or late in the file',
    async (t) => {
      const id = await fresh()
      const full = (i: number) => `${i};a${i};${i}.5;x`
      const lines = ['n;t;d;e', '1;court', ...Array.from({ length: 6000 }, (_, i) => full(i + 2)),
        '6002', '6003;fin;3.5']
      const res = await upload(editor, id, lines.join('\n') + '\n')
      t.equal(res.status, 201, res.body)
      const short = res.json<Revision>().report.warnings.filter((w) => w.code === 'SHORT_ROW')
      t.match(short, [{ line: 2 }, { line: 6003 }, { line: 6004 }])

      const get = async (n: number) => (await editor.get(
        `/api/v1/resources/${id}/records?where[n]=${n}`)).json<Rows>().data
      t.same(await get(1), [{ n: 1, t: 'court', d: null, e: null }], 'held while guessing')
      t.same(await get(6002), [{ n: 6002, t: null, d: null, e: null }], 'after the guess')
      t.same(await get(6003), [{ n: 6003, t: 'fin', d: '3.5', e: null }])
      t.same(await get(2), [{ n: 2, t: 'a2', d: '2.5', e: 'x' }])
    })

  t.test('title lines above the header are skipped and reported', async (t) => {
    const id = await fresh()
    const res = await upload(editor, id, 'Export du 03/04/2024\n\nnom;valeur\nx;1\ny;2\n')
    t.equal(res.status, 201, res.body)
    const revision = res.json<Revision & { columns: Array<{ name: string }> }>()
    t.same(revision.columns.map((c) => c.name), ['nom', 'valeur'])
    t.ok(revision.report.warnings.some((w) => w.code === 'PREAMBLE_SKIPPED'))
    t.same((await rows(id)).data, [{ nom: 'x', valeur: 1 }, { nom: 'y', valeur: 2 }])
  })

  t.test('a last row is removed as a total only when it provably is one', async (t) => {
    const cases: Array<[string, number, boolean]> = [
      ['n\n1\n2\n3\n', 3, false],
      ['nom,valeur\nA,0\nB,0\n,0\n', 3, false],
      ['nom,valeur\nA,1\nB,2\nC,3\n,6\n', 3, true],
      // An id that sums by chance over two rows, and an empty last name.
      ['id;nom;montant\n1;Alpha;10\n2;Beta;20\n3;;\n', 3, false],
      ['nom;montant;actif\na;1,5;oui\nb;2,5;non\nc;3;oui\n;7;\n', 3, true],
      ['nom;montant\nA;1 000,50\nB;2 000\nTotal général;3 000,50\n', 2, true],
      ['nom;montant\nA;1\nB;2\nC;4\n', 3, false]
    ]
    for (const [csv, count, removed] of cases) {
      const res = await upload(editor, await fresh(), csv)
      t.equal(res.status, 201, `${JSON.stringify(csv)}: ${res.body}`)
      const revision = res.json<Revision>()
      t.equal(revision.row_count, count, JSON.stringify(csv))
      const warned = revision.report.warnings.some((w) => w.code === 'TOTAL_ROW_REMOVED')
      t.equal(warned, removed, `${JSON.stringify(csv)}: reported`)
    }
  })

  t.test('mixed line ends, a NUL in a header, a runaway quote, a too-wide row', async (t) => {
    const mixed = await fresh()
    t.equal((await upload(editor, mixed, 'a,b\r\n1,x\n2,y\r\n3,z\r4,w\n')).status, 201)
    t.same((await rows(mixed)).data.map((r) => r.b), ['x', 'y', 'z', 'w'])

    const nul = await upload(editor, await fresh(), 'a\u0000b,c\n' + '1,2\n'.repeat(2000))
    t.equal(nul.status, 201, nul.body)
    t.equal(nul.json<{ columns: Array<{ name: string }> }>().columns[0]?.name, 'ab')

    // NULs in cells, the first far from the file's start: removed, and reported.
    const cells = await fresh()
    const late = await upload(editor, cells,
      'a,b\n' + '1,x\n'.repeat(30_000) + '2,y\u0000z\n3,\u0000\n')
    t.equal(late.status, 201, late.body)
    const { warnings } = late.json<Revision>().report
    t.match(warnings.filter((w) => w.code === 'NUL_REMOVED'),
      [{ line: 30_002, column: 'b' }, { line: 30_003, column: 'b' }])
    // A text column's extremes are reported by their start only.
    const extremes = await upload(editor, await fresh(),
      `t\n${'a'.repeat(199)}🙂${'x'.repeat(10_000)}\n${'z'.repeat(5000)}\n`)
    const [column] = extremes.json<Revision>().report.columns
    t.equal(column?.min, `${'a'.repeat(199)}…`, 'not cut inside a surrogate pair')
    t.equal(column?.max, `${'z'.repeat(200)}…`)

    const last = (await editor.get(`/api/v1/resources/${cells}/records?order=-a&limit=2`))
      .json<Rows>().data
    t.same(last.map((r) => r.b), [null, 'yz'], 'a cell of only NUL is empty')

    const runaway = await upload(editor, await fresh(), 'a,b\n1,"' + 'x'.repeat(200_000) + '\n')
    t.equal(runaway.status, 422)
    t.equal(runaway.json().code, 'CSV_CELL_TOO_LARGE')
    t.equal(runaway.json().line, 2)

    const header = Array.from({ length: 700 }, (_, i) => `colonne_${i}`).join(',')
    const wideRow = `${'abcdefghijklmno,'.repeat(699)}x`
    const forced = await editor.put(`/api/v1/resources/${await fresh()}/data?delimiter=,`,
      'a;b\n1;2\nx,y;3\n')
    t.match(forced.json(), { code: 'CSV_TOO_MANY_FIELDS', detail: /1 column: is the separator/ })

    const wide = await upload(editor, await fresh(), `${header}\n${wideRow}\n`)
    t.equal(wide.status, 422, wide.body)
    t.equal(wide.json().code, 'CSV_ROW_TOO_WIDE')

    // Refused while rows are still streaming into COPY (past the rows held to guess
    // types): once crashed the process with an unhandled stream error.
    const streamed = await upload(editor, await fresh(),
      `${header}\n${`${wideRow}\n`.repeat(600)}`)
    t.equal(streamed.status, 422, streamed.body)
    t.equal(streamed.json().code, 'CSV_ROW_TOO_WIDE')

    // A digit string too long for any quantity (and for numeric) is text.
    const digits = Array.from({ length: 6000 }, (_, i) => `${i},${i}.5`)
    digits[5500] = `5500,1${'0'.repeat(20_000)}`
    const long = await upload(editor, await fresh(), `id,v\n${digits.join('\n')}\n`)
    t.equal(long.status, 201, long.body)
    t.match(long.json(), { columns: [{ type: 'integer' }, { type: 'text' }] })
  })

  t.test('a broken multipart body is a 400', async (t) => {
    const id = await fresh()
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
      const res = await editor.raw('POST', `/api/v1/resources/${id}/data`, {
        payload: 'this is not multipart at all',
        headers: { 'content-type': contentType }
      })
      t.ok(res.status === 400 || res.status === 415, `${contentType}: ${res.status}`)
      t.match(res.headers['content-type'], /problem\+json/)
    }
  })

  t.test('the upload started last wins, even when an earlier one finishes after it',
    async (t) => {
      const small = await buildTestApp(t, { REVISIONS_KEPT: '1' })
      const smallEditor = caller(small.app, small.adminToken)
      const id = await createResource(smallEditor, await createDataset(smallEditor))
      const pool = new pg.Pool({ connectionString: small.databaseUrl, max: 1 })
      // The app's teardown, which runs first, drops the database and so ends any
      // connection this pool still holds: that is expected, not a failure.
      pool.on('error', () => undefined)
      t.teardown(() => pool.end())

      // Half sent and held open while two quick uploads start and finish; then the
      // rest is sent, so the first upload started is the last to finish.
      const port = await listen(small.app)
      const { request, answer } = openUpload(port, id, small.adminToken)
      const big = Array.from({ length: 200_000 }, (_, i) => `${i};l ${i}\n`)
      request.write('n;libelle\n' + big.slice(0, 100_000).join(''))
      for (let i = 0; i < 400; i++) {
        const active = await pool.query(`select 1 from revision where status = 'ingesting'`)
        if ((active.rowCount ?? 0) > 0) break
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      for (const n of [1, 2]) t.equal((await upload(smallEditor, id, `n\n${n}\n`)).status, 201)
      request.end(big.slice(100_000).join(''))

      const finished = await answer
      t.equal(finished.status, 201, 'the slow upload is reported too')
      const late = { json: <T>() => JSON.parse(finished.body) as T }
      const report = late.json<Revision & { current: boolean }>()
      t.equal(report.current, false)
      t.ok(report.report.warnings.some((w) => w.code === 'NEWER_UPLOAD_SERVED'))

      const served = await smallEditor.get(`/api/v1/resources/${id}/records`)
      t.same(served.json<Rows>().data, [{ n: 2 }], 'the last upload serves')
      const tables = await pool.query(`select 1 from pg_tables where schemaname = 'ingest'`)
      t.equal(tables.rowCount, 1, 'only the served table remains')
    })

  t.test('reads and downloads during uploads never fail, even when each upload drops the last',
    async (t) => {
      const small = await buildTestApp(t, { REVISIONS_KEPT: '1' })
      const smallEditor = caller(small.app, small.adminToken)
      const id = await createResource(smallEditor, await createDataset(smallEditor))
      const body = 'n;v\n' + Array.from({ length: 2000 }, (_, i) => `${i};x${i}`).join('\n')
      await upload(smallEditor, id, body)

      let uploading = true
      const uploads = (async () => {
        for (let i = 0; i < 25; i++) await upload(smallEditor, id, body)
        uploading = false
      })()
      const statuses = new Set<number>()
      while (uploading) {
        const reads = await Promise.all([
          ...[1, 2, 3].map(() =>
            smallEditor.get(`/api/v1/resources/${id}/records?limit=5&order=-n`)),
          smallEditor.get(`/api/v1/resources/${id}/download`)
        ])
        for (const r of reads) statuses.add(r.status)
        t.equal(reads[3]?.body, body, 'a download is always a whole file')
      }
      await uploads
      t.same([...statuses], [200], 'every read answered from one revision or the other')
    })

  t.test('an older revision can be served again while it is kept', async (t) => {
    const id = await fresh()
    const first = (await upload(editor, id, 'v\nun\n')).json<{ id: string }>().id
    await upload(editor, id, 'v\ndeux\n')
    const restored = await editor.post(`/api/v1/revisions/${first}/restore`)
    t.equal(restored.status, 200, restored.body)
    t.same((await rows(id)).data, [{ v: 'un' }])

    const list = await editor.get(`/api/v1/resources/${id}/revisions`)
    const revisions = list.json<{ data: Array<{ id: string; current: boolean }> }>().data
    t.same(revisions.map((r) => r.current), [false, true], 'newest first, the first is served')

    const reader = caller(app, await tokenFor(caller(app, adminToken), 'reader'))
    t.equal((await reader.post(`/api/v1/revisions/${first}/restore`)).status, 403)
    const failed = await upload(editor, id, '')
    t.equal(failed.status, 422)
    const failedId = (await editor.get(`/api/v1/resources/${id}/revisions`))
      .json<{ data: Array<{ id: string; status: string }> }>().data[0]
    t.equal(failedId?.status, 'failed')
    t.equal((await editor.post(`/api/v1/revisions/${failedId?.id ?? ''}/restore`)).status, 409)
  })

  t.test('five-digit amounts under a quantity header stay numbers', async (t) => {
    const csv = 'Montant CP;nb_postes;code_postal\n34000;12345;34000\n34170;23456;34170\n'
    const res = await upload(editor, await fresh(), csv)
    const types = res.json<{ columns: Array<{ name: string; type: string }> }>().columns
    t.same(types.map((c) => [c.name, c.type]),
      [['montant_cp', 'integer'], ['nb_postes', 'integer'], ['code_postal', 'text']])
  })

  t.test('a restore made while an upload runs holds when the upload finishes', async (t) => {
    const small = await buildTestApp(t)
    const smallEditor = caller(small.app, small.adminToken)
    const id = await createResource(smallEditor, await createDataset(smallEditor))
    const first = (await upload(smallEditor, id, 'v\nfirst\n')).json<{ id: string }>().id
    const pool = new pg.Pool({ connectionString: small.databaseUrl, max: 1 })
    pool.on('error', () => undefined)
    t.teardown(() => pool.end())

    const big = ['v'].concat(Array.from({ length: 600_000 }, (_, i) => `slow ${i}`))
    const slow = upload(smallEditor, id, big.join('\n') + '\n')
    for (let i = 0; i < 400; i++) {
      const active = await pool.query(`select 1 from revision where status = 'ingesting'`)
      if ((active.rowCount ?? 0) > 0) break
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    t.equal((await smallEditor.post(`/api/v1/revisions/${first}/restore`)).status, 200)
    t.equal((await slow).status, 201)
    const served = await smallEditor.get(`/api/v1/resources/${id}/records`)
    t.same(served.json<Rows>().data, [{ v: 'first' }], 'the restored revision still serves')
  })

  t.test('a revision shows its progress, and is done once loaded', async (t) => {
    const id = await fresh()
    const revision = (await upload(editor, id, 'a\n1\n2\n')).json<{
      id: string; progress: { phase: string; rows_loaded: number; bytes_received: number }
    }>()
    t.same(revision.progress, { phase: 'done', rows_loaded: 2, bytes_received: 6 })
  })

  t.test('nothing stray is left in the ingest schema', async (t) => {
    const result = await handle.pool.query<{ n: number }>(
      `select count(*)::int as n from pg_tables t where schemaname = 'ingest' and not exists
         (select 1 from revision r where r.table_name = t.tablename and r.status = 'ready')`
    )
    t.equal(result.rows[0]?.n, 0)
  })
})
