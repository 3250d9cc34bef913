import net from 'node:net'

import pg from 'pg'
import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { freePort } from '../helpers/process.js'

// Requests refused before any route runs still get problem+json.
t.test('errors outside the routes', async (t) => {
  const { app } = await buildTestApp(t)
  // A plugin's own 4xx error, with no code of ours: its status is kept.
  app.get('/test/plugin-error', async () => {
    throw Object.assign(new Error('payload too large for a plugin'), { statusCode: 413 })
  })
  // A query to a PostgreSQL that is not there (stopped, restarting).
  const gone = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${await freePort()}/x` })
  t.teardown(() => gone.end())
  app.get('/test/database-gone', async () => (await gone.query('select 1')).rowCount)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const base = `http://127.0.0.1:${port}`

  t.test('a database out of reach is a 503 to retry, not a 500', async (t) => {
    const res = await fetch(`${base}/test/database-gone`)
    t.equal(res.status, 503)
    t.match(await res.json(), { code: 'UNAVAILABLE', detail: /database does not answer/ })
  })

  t.test('a URL too long for the HTTP parser', async (t) => {
    const res = await fetch(`${base}/api/v1/datasets?q=${'x'.repeat(20_000)}`)
    t.equal(res.status, 431)
    t.match(res.headers.get('content-type'), /application\/problem\+json/)
    t.equal(((await res.json()) as { code: string }).code, 'HEADERS_TOO_LARGE')
  })

  t.test('a URL Fastify cannot decode', async (t) => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        const head = 'Host: x\r\nConnection: close\r\n\r\n'
        socket.write(`GET /api/v1/datasets/%E0%A4%A HTTP/1.1\r\n${head}`)
      })
      let data = ''
      socket.on('data', (chunk) => (data += chunk.toString()))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    t.match(raw, /^HTTP\/1\.1 400/)
    t.match(raw, /application\/problem\+json/)
  })

  t.test('a URL with raw non-ASCII bytes is a request error, not a body error', async (t) => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(Buffer.concat([Buffer.from('GET /api/v1/datasets?q='),
          Buffer.from('é'), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]))
      })
      let data = ''
      socket.on('data', (chunk) => (data += chunk.toString()))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    t.match(raw, /^HTTP\/1\.1 400/)
    t.match(raw, /"code":"REQUEST_INVALID"/)
    t.match(raw, /percent-encode/)

    // Other requests the parser refuses are not told about URLs.
    const header = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n')
      })
      let data = ''
      socket.on('data', (chunk) => (data += chunk.toString()))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    t.match(header, /"code":"REQUEST_INVALID"/)
    t.notMatch(header, /percent-encode/)
  })

  t.test('a plugin error keeps its status under our nearest code', async (t) => {
    const res = await fetch(`${base}/test/plugin-error`)
    t.equal(res.status, 413)
    t.equal(((await res.json()) as { code: string }).code, 'UPLOAD_TOO_LARGE')
  })

  // Found by attacking the API: this was a 403 saying "This role may not do that".
  t.test('a path out of the documentation\'s files is not found', async (t) => {
    const up = ['../..', '%2e%2e/%2e%2e']
    for (const path of up.map((parent) => `/docs/static/${parent}/package.json`)) {
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
        })
        let data = ''
        socket.on('data', (chunk) => (data += chunk.toString()))
        socket.on('end', () => resolve(data))
        socket.on('error', reject)
      })
      t.match(raw, /^HTTP\/1\.1 404/, path)
      t.match(raw, /"code":"ROUTE_NOT_FOUND"/, path)
      t.notMatch(raw, /"name":\s*"ouverture"/, `${path}: nothing of the file`)
    }
  })

  t.test('a method a route does not have', async (t) => {
    const res = await fetch(`${base}/api/v1/datasets`, { method: 'DELETE' })
    t.equal(res.status, 404)
    t.match(res.headers.get('content-type'), /application\/problem\+json/)
  })
})

t.test('a request arriving while the app closes gets a problem, and no kept connection',
  async (t) => {
    const { app } = await buildTestApp(t)
    // A request under way holds the close open.
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    app.get('/test/held', async () => {
      await held
      return { done: true }
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0

    // One connection: the held request, then another sent while the app closes.
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()))
    const ended = new Promise((resolve) => socket.once('close', resolve))
    socket.write('GET /test/held HTTP/1.1\r\nHost: x\r\n\r\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closed = app.close()
    await new Promise((resolve) => setTimeout(resolve, 100))
    socket.write('GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\n\r\n')
    release()
    await closed
    await ended

    const answers = received.split(/(?=HTTP\/1\.1 )/)
    t.match(answers[0], /^HTTP\/1\.1 200/, 'the request under way finishes')
    t.match(answers[1], /^HTTP\/1\.1 503/)
    t.match(answers[1], /content-type: application\/problem\+json/i)
    t.match(answers[1], /connection: close/i)
    t.match(answers[1], /"code":"UNAVAILABLE"/)
  })

t.test('a connection the database terminates while checked out does not end the process',
  async (t) => {
    const { app, handle } = await buildTestApp(t)
    const client = await handle.pool.connect()
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
    // No listener of the test's own: the service's must be there.
    const ended = new Promise((resolve) => client.once('end', resolve))
    await handle.pool.query('select pg_terminate_backend($1)', [rows[0]?.pid])
    await ended
    t.pass('the connection ended, between two queries')
    client.release(true)

    const res = await app.inject({ method: 'GET', url: '/api/v1/datasets' })
    t.equal(res.statusCode, 200, 'and the service goes on answering')
  })

t.test('a refused parameter is named, with the values it takes', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const headers = { authorization: `Bearer ${adminToken}` }

  const unknown = await app.inject({ url: '/api/v1/datasets?bogus=1', headers })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json(), {
    code: 'VALIDATION_FAILED',
    detail: 'querystring has no parameter or field "bogus"'
  })

  const role = await app.inject({
    method: 'POST', url: '/api/v1/tokens', headers, payload: { name: 'x', role: 'superuser' }
  })
  t.equal(role.statusCode, 400)
  t.match(role.json(), {
    code: 'VALIDATION_FAILED',
    detail: 'body/role must be one of: admin, publisher, editor, reader',
    errors: [{ path: 'body/role', message: /^must be one of: / }]
  })
})

// Found by attacking the API: both were 500s.
t.test('odd but well-formed input gets a 400, never a 500', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const headers = { authorization: `Bearer ${adminToken}` }

  const urn = 'urn:uuid:00000000-0000-4000-8000-000000000000'
  for (const url of [`/api/v1/datasets/${urn}`, `/api/v1/resources/${urn}/records`]) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 400, url)
    t.match(res.json(), { code: 'VALIDATION_FAILED', detail: /uuid/ }, url)
    // Request ids are random: a count would tell how busy the service is.
    t.match(res.json(), { request_id: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/ }, url)
  }
  const form = await app.inject({
    method: 'POST', url: '/api/v1/datasets', payload: 'title=x',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
  })
  t.equal(form.statusCode, 415)
  t.match(form.json(), {
    code: 'UNSUPPORTED_MEDIA_TYPE', detail: /application\/x-www-form-urlencoded .*application\/json/
  })

  const revoke = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${urn}`, headers })
  t.equal(revoke.statusCode, 400, 'an id in a token route too')

  // Half a UTF-16 pair would be stored as U+FFFD, silently.
  for (const payload of ['{"title":"\\ud800"}', '{"title":"a","\\udc00":1}']) {
    const lone = await app.inject({
      method: 'POST', url: '/api/v1/datasets', payload,
      headers: { ...headers, 'content-type': 'application/json' }
    })
    t.equal(lone.statusCode, 400, payload)
    t.match(lone.json(), { code: 'VALIDATION_FAILED', detail: /lone surrogates/ }, payload)
  }
  const pair = await app.inject({
    method: 'POST', url: '/api/v1/datasets', payload: '{"title":"\\ud83d\\ude00 fontaines"}',
    headers: { ...headers, 'content-type': 'application/json' }
  })
  t.equal(pair.statusCode, 201, 'a whole pair is a character like any other')

  const deep = `{"title":"a","keywords":${'['.repeat(5000)}${']'.repeat(5000)}}`
  const nested = await app.inject({
    method: 'POST', url: '/api/v1/datasets', payload: deep,
    headers: { ...headers, 'content-type': 'application/json' }
  })
  t.equal(nested.statusCode, 400, nested.body)
  t.equal(nested.json<{ code: string }>().code, 'VALIDATION_FAILED')
})
