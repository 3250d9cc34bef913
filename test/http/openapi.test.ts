import { readFileSync } from 'node:fs'

import t from 'tap'

import { OPENAPI_FILE, openapiDocument } from '../../src/http/openapi-document.js'
import { buildTestApp } from '../helpers/app.js'
import { caller } from '../helpers/http.js'

interface Operation {
  summary?: string
  tags?: string[]
  responses?: Record<string, unknown>
  security?: unknown[]
}

t.test('the committed openapi/openapi.json is the one the routes generate', async (t) => {
  const committed: unknown = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))
  t.same(committed, await openapiDocument(), 'run `npm run openapi` and commit the result')
})

t.test('every operation is described, and writes are marked as secured', async (t) => {
  const doc = (await openapiDocument()) as { paths: Record<string, Record<string, Operation>> }
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      t.ok(op.summary, `${method} ${path} has a summary`)
      t.ok(op.tags?.length, `${method} ${path} has tags`)
      t.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path} responses`)
      if (method !== 'get' || path.includes('revision') || path.includes('token')) {
        t.ok(op.security, `${method} ${path} declares its bearer token`)
      }
    }
  }
  const records = doc.paths['/api/v1/resources/{id}/records']?.get as { parameters: unknown[] }
  t.ok(JSON.stringify(records.parameters).includes('"deepObject"'), 'filters are documented')
})

t.test('the document is served at /openapi.json', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await caller(app).get('/openapi.json')
  t.equal(res.status, 200)
  t.equal(res.json<{ openapi: string }>().openapi, '3.1.0')

  const ui = await caller(app).get('/docs/')
  t.equal(ui.status, 200, 'Swagger UI at /docs')
  t.match(ui.headers['content-type'], /text\/html/)
})
