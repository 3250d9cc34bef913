import { setTimeout as sleep } from 'node:timers/promises'

import t from 'tap'

import { SAMPLE_BYTES } from '../../src/ingest/sniff-file.js'
import { GUESS_ROWS } from '../../src/ingest/typed-load.js'
import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, tokenFor
} from '../helpers/http.js'

type Rows = { data: Array<Record<string, unknown>> }
interface Revision {
  status: string
  columns: Array<{ name: string; type: string }>
  report: { encoding: string }
}

// Rows of about 40 bytes: enough of them pass SAMPLE_BYTES and GUESS_ROWS.
const row = (i: number): string => `${i};Rue de la République n°${i % 97};${i % 1000},5\n`
const rows = (from: number, to: number): string => {
  let text = ''
  for (let i = from; i <= to; i++) text += row(i)
  return text
}
const HEADER = 'id;adresse;montant\n'
const MANY = GUESS_ROWS * 2

t.test('a large upload is parsed while it arrives', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const token = await tokenFor(caller(app, adminToken), 'editor')
  const datasetId = await createDataset(editor)
  const port = await listen(app)
  const open = (resourceId: string) => openUpload(port, resourceId, token)

  // The load's COPY, seen from another connection while the body is unfinished.
  const copying = async (): Promise<boolean> => {
    for (let i = 0; i < 100; i++) {
      const result = await handle.pool.query(
        `select 1 from pg_stat_activity where datname = current_database()
         and query ilike 'copy %rev_%' and state = 'active'`)
      if (result.rowCount !== 0) return true
      await sleep(100)
    }
    return false
  }
  const ingestTables = async () => (await handle.pool.query(
    `select tablename from pg_tables where schemaname = 'ingest'`)).rowCount

  t.test('rows reach PostgreSQL before the last byte is sent', async (t) => {
    const id = await createResource(editor, datasetId)
    const { request, answer } = open(id)
    request.write(HEADER + rows(1, MANY))
    t.ok(await copying(), 'the COPY runs while the upload is half sent')

    request.end(rows(MANY + 1, MANY + 10))
    const done = await answer
    t.equal(done.status, 201, done.body)
    const served = await editor.get(`/api/v1/resources/${id}/records?where[id][gt]=${MANY + 8}`)
    t.same(served.json<Rows>().data, [
      { id: MANY + 9, adresse: `Rue de la République n°${(MANY + 9) % 97}`, montant: 9.5 },
      { id: MANY + 10, adresse: `Rue de la République n°${(MANY + 10) % 97}`, montant: 10.5 }
    ])
  })

  t.test('an upload cut half-way leaves the last revision serving, and no table',
    async (t) => {
      const id = await createResource(editor, datasetId)
      t.equal((await editor.put(`/api/v1/resources/${id}/data`, 'a\n1\n')).status, 201)
      const tablesBefore = await ingestTables()

      const { request, answer } = open(id)
      answer.catch(() => undefined)
      request.write(HEADER + rows(1, MANY))
      t.ok(await copying(), 'loading early')
      request.destroy()

      let status = ''
      for (let i = 0; i < 100 && status !== 'failed'; i++) {
        await sleep(100)
        const list = await editor.get(`/api/v1/resources/${id}/revisions`)
        status = list.json<{ data: Array<{ status: string }> }>().data[0]?.status ?? ''
      }
      t.equal(status, 'failed', 'the cut upload is a failed revision')
      t.equal(await ingestTables(), tablesBefore, 'its table is gone')
      const records = await editor.get(`/api/v1/resources/${id}/records`)
      t.same(records.json<Rows>().data, [{ a: 1 }], 'the first revision still serves')

      // Its place among the uploads parsed early was given back.
      for (let i = 0; i < 3; i++) {
        const next = open(await createResource(editor, datasetId))
        next.request.write(HEADER + rows(1, MANY))
        t.ok(await copying(), `upload ${i + 1} after it loads early too`)
        next.request.end()
        t.equal((await next.answer).status, 201)
      }
    })
})

t.test('a load whose connection is killed fails alone; the service goes on', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const token = await tokenFor(caller(app, adminToken), 'editor')
  const id = await createResource(editor, await createDataset(editor))
  const { request, answer } = openUpload(await listen(app), id, token)
  request.write(HEADER + rows(1, MANY))

  // The backend running the early load's COPY, terminated as a restart would.
  let killed = false
  for (let i = 0; i < 100 && !killed; i++) {
    const result = await handle.pool.query<{ killed: boolean }>(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity
       where datname = current_database() and query ilike 'copy %rev_%' and state = 'active'`)
    killed = result.rows[0]?.killed === true
    if (!killed) await sleep(100)
  }
  t.ok(killed, 'the COPY was terminated')
  request.end(rows(MANY + 1, MANY + 10))

  const done = await answer
  t.equal(done.status, 503, 'the upload fails, to be tried again')
  t.match(JSON.parse(done.body), { code: 'UNAVAILABLE' })
  const again = await editor.put(`/api/v1/resources/${id}/data`, 'a\n1\n')
  t.equal(again.status, 201, 'the next upload is served')
})

t.test('when the first bytes mislead, the stored file decides', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const datasetId = await createDataset(editor)
  const put = async (body: Buffer | string) => {
    const id = await createResource(editor, datasetId)
    const res = await editor.put(`/api/v1/resources/${id}/data`, body)
    return { id, res }
  }

  // Plain ASCII for more than the sample, then a Windows-1252 é.
  const plain = rows(1, MANY).replaceAll('é', 'e').replaceAll('°', 'o')
  const ascii = HEADER.replace('adresse', 'voie') + plain
  t.ok(ascii.length > SAMPLE_BYTES)
  const latin = Buffer.concat([Buffer.from(ascii), Buffer.from('0;caf'),
    Buffer.from([0xe9]), Buffer.from(';1,5\n')])
  const late = await put(latin)
  t.equal(late.res.status, 201, late.res.body)
  t.equal(late.res.json<Revision>().report.encoding, 'windows-1252')
  const cafe = await editor.get(`/api/v1/resources/${late.id}/records?where[id]=0`)
  t.same(cafe.json<Rows>().data, [{ id: 0, voie: 'café', montant: 1.5 }])

  // A decimal far past the rows the types were guessed from.
  const decimal = await put(HEADER + rows(1, MANY) + `${MANY + 1};x;0,25\n`)
  t.equal(decimal.res.status, 201, decimal.res.body)
  t.same(decimal.res.json<Revision>().columns.map((c) => c.type), ['integer', 'text', 'decimal'])

  // A file error found early is the file's error, told with its line.
  const wide = await put(HEADER + rows(1, 10) + '11;x;1;extra\n' + rows(12, MANY))
  t.equal(wide.res.status, 422)
  t.match(wide.res.json(), { code: 'CSV_TOO_MANY_FIELDS', line: 12 })
})

t.test('a sender that stops sending is cut off, and its early load rolled back', async (t) => {
  const { app, adminToken, handle } = await buildTestApp(t, { UPLOAD_IDLE_SECONDS: '1' })
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const token = await tokenFor(caller(app, adminToken), 'editor')
  const id = await createResource(editor, await createDataset(editor))
  const { request, answer } = openUpload(await listen(app), id, token)
  answer.catch(() => undefined)
  request.on('error', () => undefined)
  request.write(HEADER + rows(1, MANY))

  let revision: { id: string; status: string } | undefined
  for (let i = 0; i < 100 && revision?.status !== 'failed'; i++) {
    await sleep(100)
    const list = await editor.get(`/api/v1/resources/${id}/revisions`)
    revision = list.json<{ data: Array<typeof revision> }>().data[0]
  }
  const failed = await editor.get(`/api/v1/revisions/${revision?.id ?? ''}`)
  t.match(failed.json(), { status: 'failed', error: { code: 'UPLOAD_STALLED' } })
  // The connection was closed; its backend goes away a moment later.
  let open: number | null = null
  for (let i = 0; i < 50 && open !== 0; i++) {
    if (open !== null) await sleep(100)
    open = (await handle.pool.query(
      `select 1 from pg_stat_activity where datname = current_database()
       and query ilike 'copy %rev_%' and state <> 'idle'`
    )).rowCount
  }
  t.equal(open, 0, 'no COPY left open')
  const tables = await handle.pool.query(`select 1 from pg_tables where schemaname = 'ingest'`)
  t.equal(tables.rowCount, 0, 'no table left')
  request.destroy()
})
