import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

type Revisions = { data: Array<{ id: string; status: string }> }

// Found by a new user's run through the README: restoring a revision past
// REVISIONS_KEPT was refused without saying what to do instead.
t.test('a superseded revision cannot be served again, and the answer says why', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { REVISIONS_KEPT: '1' })
  const editor = caller(app, await tokenFor(caller(app, adminToken), 'editor'))
  const id = await createResource(editor, await createDataset(editor))
  const first = (await upload(editor, id, 'v\nun\n')).json<{ id: string }>().id
  t.equal((await upload(editor, id, 'v\ndeux\n')).status, 201)

  const revisions = (await editor.get(`/api/v1/resources/${id}/revisions`)).json<Revisions>()
  t.equal(revisions.data.find((r) => r.id === first)?.status, 'superseded')
  const refused = await editor.post(`/api/v1/revisions/${first}/restore`)
  t.equal(refused.status, 409)
  t.match(refused.json(), { code: 'STATE_CONFLICT', detail: /upload the file again/ })
})
