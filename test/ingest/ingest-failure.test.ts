import { setTimeout as sleep } from 'node:timers/promises'

import pg from 'pg'
import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import {
  caller, createDataset, createResource, listen, openUpload, tokenFor
} from '../helpers/http.js'

t.test('a failed upload is recorded even when the connection recording it dies',
  async (t) => {
    const { app, adminToken, databaseUrl } = await buildTestApp(t)
    const token = await tokenFor(caller(app, adminToken), 'editor')
    const editor = caller(app, token)
    const resource = await createResource(editor, await createDataset(editor))
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    t.teardown(() => admin.end())

    // The upload's first bytes, once their progress is written: nothing else
    // touches the revision row until the upload fails.
    const { request, answer } = openUpload(await listen(app), resource, token)
    answer.catch(() => undefined)
    request.write('n;libelle\n')
    let revision: string | undefined
    for (let i = 0; i < 500 && revision === undefined; i++) {
      const { rows } = await admin.query<{ id: string }>(
        'select id from revision where resource_id = $1 and bytes_received > 0', [resource])
      revision = rows[0]?.id
      if (revision === undefined) await sleep(10)
    }
    if (revision === undefined) throw new Error('the upload\'s progress was never written')

    // The row held, the client gone: the failure's record waits for the row, and
    // its connection is terminated there, as a database restart would. (pg_locks
    // is read as it is now; pg_stat_activity stays as first read in a transaction.)
    await admin.query('begin')
    await admin.query('select 1 from revision where id = $1 for update', [revision])
    request.destroy()
    let killed = false
    for (let i = 0; i < 500 && !killed; i++) {
      const { rows } = await admin.query<{ killed: boolean }>(
        `select pg_terminate_backend(pid) as killed from pg_locks
         where not granted and pg_backend_pid() = any(pg_blocking_pids(pid))`)
      killed = rows[0]?.killed === true
      if (!killed) await sleep(10)
    }
    t.ok(killed, 'the first attempt to record the failure lost its connection')
    await admin.query('rollback')

    // Closing the app waits for every upload to settle, its failure's record included.
    await app.close()
    const { rows } = await admin.query('select status, error from revision where id = $1',
      [revision])
    t.match(rows[0], { status: 'failed', error: { code: 'BODY_INVALID' } },
      'the cut upload is recorded as failed, with its reason')
  })
