import t from 'tap'

import { LoadSlots } from '../../src/ingest/load-slots.js'
import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, upload
} from '../helpers/http.js'

t.test('slots are taken up to their number, then handed over in turn', async (t) => {
  const slots = new LoadSlots(2)
  t.ok(slots.tryTake())
  await slots.take()
  t.notOk(slots.tryTake(), 'none left')

  const order: string[] = []
  const first = slots.take().then(() => order.push('first'))
  const second = slots.take().then(() => order.push('second'))
  slots.give()
  await first
  t.same(order, ['first'], 'a slot given back goes to the longest waiting')
  slots.give()
  await second
  t.same(order, ['first', 'second'])
  slots.give()
  slots.give()
  t.ok(slots.tryTake(), 'free again once all are given back')
})

t.test('stopped slots refuse every load, those waiting included', async (t) => {
  const slots = new LoadSlots(1)
  await slots.take()
  const waiting = slots.take()
  t.doesNotThrow(() => slots.checkGoing(), 'loads go on until the stop')
  slots.stop()
  await t.rejects(waiting, { code: 'UNAVAILABLE' }, 'the one waiting fails')
  await t.rejects(slots.take(), { code: 'UNAVAILABLE' }, 'so does the next')
  slots.give()
  t.notOk(slots.tryTake(), 'even with a slot free')
  t.throws(() => slots.checkGoing(), { code: 'UNAVAILABLE' }, 'loads under way stop')
})

// Each load holds a pooled connection until it commits, and needs the pool once
// more on the way: ten uploads at once on a pool of ten used to wait for each
// other forever, with every API request behind them.
t.test('more uploads at once than pooled connections all load, and reads go on',
  async (t) => {
    const { app, adminToken } = await buildTestApp(t)
    const editor = caller(app, adminToken)
    const datasetId = await createDataset(editor)

    const rows = 40_000
    const body = (n: number) =>
      'n;libelle;montant\n' +
      Array.from({ length: rows }, (_, i) => `${i};fichier ${n} ligne ${i};${i},5`).join('\n')
    const ids = await Promise.all(
      Array.from({ length: 12 }, () => createResource(editor, datasetId)))

    const answers = Promise.all(ids.map((id, n) => upload(editor, id, body(n))))
    const read = await editor.get(`/api/v1/datasets/${datasetId}`)
    t.equal(read.status, 200, 'the API answers while the uploads run')

    for (const [n, answer] of (await answers).entries()) {
      t.equal(answer.status, 201, answer.body.slice(0, 300))
      t.equal(answer.json<{ row_count: number }>().row_count, rows, `upload ${n}`)
    }
    const last = await editor.get(`/api/v1/resources/${ids[11] ?? ''}/records?where[n][eq]=7`)
    t.same(last.json<{ data: unknown[] }>().data,
      [{ n: 7, libelle: 'fichier 11 ligne 7', montant: '7.5' }], 'each upload its own rows')
  })

t.test('an upload stored while the slots are taken waits as queued, then loads',
  async (t) => {
    const { app, adminToken } = await buildTestApp(t, { MAX_CONCURRENT_LOADS: '1' })
    const editor = caller(app, adminToken)
    const datasetId = await createDataset(editor)
    const [held, queued] = [await createResource(editor, datasetId),
      await createResource(editor, datasetId)]

    // Past its first 64 kB an upload starts loading, in the only slot, and holds it
    // until its last byte is in.
    const port = await listen(app)
    const first = openUpload(port, held, adminToken)
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i};ligne ${i}\n`).join('')
    first.request.write('n;libelle\n' + rows)
    const phaseOf = async (resource: string, wanted: string) => {
      let phase: string | undefined
      for (let i = 0; i < 500 && phase !== wanted; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
        const list = await editor.get(`/api/v1/resources/${resource}/revisions`)
        phase = list.json<{ data: Array<{ progress: { phase: string } }> }>()
          .data[0]?.progress.phase
      }
      return phase
    }
    t.equal(await phaseOf(held, 'loading'), 'loading', 'the first upload holds the slot')

    const second = upload(editor, queued, 'n\n1\n2\n')
    t.equal(await phaseOf(queued, 'queued'), 'queued', 'stored, and shown waiting for a slot')

    const ended = Date.now()
    first.request.end('20000;fin\n')
    const loaded = await first.answer
    t.equal(loaded.status, 201)
    // The load's transaction began with its first rows: the end is the clock's.
    const finished = JSON.parse(loaded.body) as { finished_at: string }
    t.ok(Date.parse(finished.finished_at) >= ended, 'finished once its last byte was in')
    const answer = await second
    t.equal(answer.status, 201, answer.body)
    t.equal(answer.json<{ row_count: number }>().row_count, 2)
  })
