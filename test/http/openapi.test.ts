import { readFileSync } from 'node:fs'

import t from 'tap'

import { OPENAPI_FILE, openapiDocument } from '../../src/http/openapi-document.js'
import { buildTestApp } from '../helpers/app.js'
import { caller } from '../helpers/http.js'

interface Operation {
  summary?: string
  tags?: string[]
  responses?: Record<string, { content?: Record<string, unknown> }>
  security?: unknown[]
  parameters?: unknown[]
  requestBody?: { content: Record<string, unknown> }
}

type Paths = Record<string, Record<string, Operation>>

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

// Found by attacking the API: errors were documented as application/json, and answers
// the service gives (400 for a bad id, 401 for a bad token, 415) were not documented.
t.test('the document says what the service answers', async (t) => {
  const { paths } = (await openapiDocument()) as { paths: Paths }
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const name = `${method} ${path}`
      const responses = op.responses ?? {}
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && response.content !== undefined) {
          t.same(Object.keys(response.content), ['application/problem+json'], `${name} ${status}`)
        }
      }
      if (op.parameters?.length || op.security) t.ok(responses['400'], `${name} documents 400`)
      if (method !== 'get') {
        for (const status of ['408', '413', '415']) {
          t.ok(responses[status], `${name} documents ${status} for a body`)
        }
      }
      if (op.security) t.ok(responses['401'], `${name} documents 401`)
      t.ok(responses['503'], `${name} documents 503`)
      if (op.security && !['post', 'put', 'patch', 'delete'].includes(method) &&
        !path.includes('revision') && !path.includes('token')) {
        t.same(op.security, [{}, { bearer: [] }], `${name} takes a token optionally`)
      }
    }
  }
  const data = paths['/api/v1/resources/{id}/data']
  t.ok(data?.put?.requestBody?.content['text/csv'], 'PUT takes the CSV as its body')
  t.ok(data?.post?.requestBody?.content['multipart/form-data'], 'POST takes a form')

  const { app, adminToken } = await buildTestApp(t)
  const documented = (res: { status: number }, path: string, method: string) =>
    t.ok(paths[path]?.[method]?.responses?.[String(res.status)],
      `${method} ${path} answered ${res.status}, which is documented`)
  documented(await caller(app).get('/api/v1/datasets/xyz'), '/api/v1/datasets/{id}', 'get')
  documented(await caller(app, 'garbage').get('/api/v1/datasets'), '/api/v1/datasets', 'get')
  const text = await app.inject({ method: 'POST', url: '/api/v1/datasets', payload: 'title=x',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/plain' } })
  documented({ status: text.statusCode }, '/api/v1/datasets', 'post')
  const publish = await app.inject({ method: 'POST', payload: 'hello',
    url: '/api/v1/datasets/00000000-0000-4000-8000-000000000000/publish',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/plain' } })
  documented({ status: publish.statusCode }, '/api/v1/datasets/{id}/publish', 'post')
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
