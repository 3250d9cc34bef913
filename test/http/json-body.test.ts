import net from 'node:net'
import { once } from 'node:events'
import { Writable } from 'node:stream'

import t from 'tap'

import { answerClientError } from '../../src/http/problem.js'
import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, listen } from '../helpers/http.js'

// Bodies other than uploads: JSON, whole, in UTF-8, arriving in time.

// Found by attacking the API: the last of two `role` fields won.
t.test('a JSON body that gives a field twice is refused', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const send = (payload: string) => app.inject({
    method: 'POST', url: '/api/v1/tokens', payload,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  })
  for (const payload of ['{"name":"x","role":"reader","role":"admin"}',
    '{"name":"x","r\\u006fle":"reader","role":"admin"}']) {
    const res = await send(payload)
    t.equal(res.statusCode, 400, payload)
    t.match(res.json(), { code: 'VALIDATION_FAILED', detail: /"role" twice/ }, payload)
  }
  // The same name in different objects, in arrays and in strings is no repeat.
  const fine = await app.inject({
    method: 'POST', url: '/api/v1/datasets',
    payload: '{"title":"a {\\"title\\": 1}, \\"title\\"","keywords":["title","title"]}',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  })
  t.equal(fine.statusCode, 201, fine.body)
  // A JSON body past 1 MiB is not an upload, and is not told it is one.
  const big = await send(`{"name":"${'x'.repeat(1_100_000)}","role":"reader"}`)
  t.equal(big.statusCode, 413)
  t.match(big.json(), { code: 'BODY_TOO_LARGE', title: 'The request body is larger than allowed' })

  // Found by attacking the API: these were refused as "not valid JSON".
  for (const payload of ['{"name":"x","role":"reader","__proto__":{"admin":true}}',
    '{"name":"x","role":"reader","constructor":{"prototype":{"admin":true}}}']) {
    const poisoned = await send(payload)
    t.equal(poisoned.statusCode, 400, 'prototype poisoning is still refused')
    t.match(poisoned.json(), { code: 'VALIDATION_FAILED', detail: /__proto__/ }, 'and named')
  }
  const broken = await send('{"name":')
  t.match(broken.json(), { code: 'BODY_INVALID', detail: /not valid JSON/ }, 'broken JSON too')
})

// Found by attacking the API: a text/plain body failed as "body must be object", and
// bytes that are not UTF-8 were stored as U+FFFD.
t.test('a JSON body is read only as JSON in UTF-8', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const send = (payload: string | Buffer, type: string) => app.inject({
    method: 'POST', url: '/api/v1/datasets', payload,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': type }
  })

  const text = await send('{"title":"x"}', 'text/plain')
  t.equal(text.statusCode, 415, 'text/plain is refused for its type')
  t.equal(text.json<{ code: string }>().code, 'UNSUPPORTED_MEDIA_TYPE')

  const broken = await send(Buffer.from('{"title":"a\xff\xfeb"}', 'latin1'), 'application/json')
  t.equal(broken.statusCode, 400, 'bytes that are not UTF-8 are refused')
  t.match(broken.json(), { code: 'BODY_INVALID', detail: /not valid UTF-8/ })

  for (const charset of ['latin1', 'utf-16', '"iso-8859-1"']) {
    const res = await send('{"title":"x"}', `application/json; charset=${charset}`)
    t.equal(res.statusCode, 415, `charset=${charset} is refused`)
    t.match(res.json(), { code: 'UNSUPPORTED_MEDIA_TYPE', detail: /UTF-8 only/ })
  }
  for (const charset of ['utf-8', 'UTF8', '"utf-8"']) {
    const res = await send('{"title":"Écoles"}', `application/json; charset=${charset}`)
    t.equal(res.statusCode, 201, `charset=${charset} is read`)
    t.equal(res.json<{ title: string }>().title, 'Écoles')
  }
  const list = await app.inject({ method: 'GET', url: '/api/v1/datasets',
    headers: { authorization: `Bearer ${adminToken}` } })
  t.notMatch(list.body, /\ufffd/, 'no replacement character was stored')
})

// Found by attacking the API: a body that stopped half-way held its connection for good.
t.test('a JSON body that stops arriving is answered 408 and its connection closed',
  async (t) => {
    const { app, adminToken } = await buildTestApp(t, { UPLOAD_IDLE_SECONDS: '1' })
    const port = await listen(app)
    const socket = net.connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.write('POST /api/v1/datasets HTTP/1.1\r\nHost: x\r\n' +
      `Authorization: Bearer ${adminToken}\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\n\r\n{"title":')
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => { answer += chunk })
    const started = Date.now()
    await once(socket, 'end')
    t.ok(Date.now() - started >= 900, 'after the idle time')
    t.match(answer, /^HTTP\/1\.1 408 /)
    t.match(answer, /connection: close/i)
    t.match(answer, /"code":"REQUEST_STALLED"/)
    socket.destroy()

    // A body refused half-way is no longer read: its watch must not fire later on a
    // stream nobody listens to, which would bring the process down.
    const big = await app.inject({
      method: 'POST', url: '/api/v1/datasets', payload: `{"title":"${'x'.repeat(1_100_000)}"}`,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
    })
    t.equal(big.statusCode, 413)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const after = await fetch(`http://127.0.0.1:${port}/healthz`)
    t.equal(after.status, 200, 'the service still answers past the idle time')
  })

// Node refuses headers that take too long (headersTimeout) before any route runs.
t.test('headers that take too long are answered 408 as well', async (t) => {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0

  const client = net.connect(port, '127.0.0.1')
  const [accepted] = (await once(server, 'connection')) as [net.Socket]
  const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' })
  answerClientError(timeout, accepted)
  let answer = ''
  client.setEncoding('utf8')
  client.on('data', (chunk: string) => { answer += chunk })
  await once(client, 'end')
  t.match(answer, /^HTTP\/1\.1 408 /)
  t.match(answer, /"code":"REQUEST_STALLED"/)
  t.match(answer, /did not all arrive in time/)
})

// Found by attacking the first version of the stall check, which watched every body
// sent as JSON: an upload sent as JSON was never read, and a body nobody read (a GET's,
// a refused type's) failed later with no one listening, which ended the process.
t.test('only JSON bodies that a route reads are watched', async (t) => {
  const { app, adminToken } = await buildTestApp(t, { UPLOAD_IDLE_SECONDS: '1' })
  const port = await listen(app)
  const admin = caller(app, adminToken)

  const resource = await createResource(admin, await createDataset(admin))
  const csv = 'code;montant\n' + Array.from({ length: 20_000 }, (_, i) =>
    `${String(i).padStart(5, '0')};${i},5`).join('\n') + '\n'
  const sent = await fetch(`http://127.0.0.1:${port}/api/v1/resources/${resource}/data`, {
    method: 'PUT', body: csv,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  })
  t.equal(sent.status, 201, 'an upload sent as JSON is a CSV upload all the same')
  t.equal(((await sent.json()) as { row_count: number }).row_count, 20_000)

  const unread = [
    ['GET /healthz', ''],
    ['POST /api/v1/datasets', `Authorization: Bearer ${adminToken}\r\n`]
  ]
  for (const [line, auth] of unread) {
    for (const type of ['application/json', 'application/json-patch+json']) {
      const socket = net.connect(port, '127.0.0.1')
      await once(socket, 'connect')
      socket.on('error', () => undefined)
      socket.write(`${line} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: ${type}\r\n` +
        'Content-Length: 10\r\n\r\n{')
      await new Promise((resolve) => setTimeout(resolve, 300))
      socket.write('"')
      t.teardown(() => { socket.destroy() })
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2500))
  const alive = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(alive.status, 200, 'the service still answers once their idle time is past')
})

t.test('an empty JSON body is no body', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const dataset = await createDataset(admin)
  const send = (method: 'POST' | 'PATCH', url: string) => app.inject({ method, url, payload: '',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' } })

  const publish = await send('POST', `/api/v1/datasets/${dataset}/publish`)
  t.equal(publish.statusCode, 200, 'a route that takes no body does its work')
  t.equal(publish.json<{ state: string }>().state, 'published')
  const patch = await send('PATCH', `/api/v1/datasets/${dataset}`)
  t.equal(patch.statusCode, 400, 'a route that takes one says so')
  t.match(patch.json(), { code: 'VALIDATION_FAILED', detail: /body must be object/ })
})

// Found by attacking the body reader: a client leaving mid-body was logged as the
// database gone (an error line a second, from anyone), and one leaving while its token
// was checked was held for the whole idle time, then called stalled.
t.test('a client that leaves mid-body is let go at once, as its own doing', async (t) => {
  const lines: string[] = []
  const log = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((l) => l !== ''))
      done()
    }
  })
  const { app, adminToken } = await buildTestApp(t, { UPLOAD_IDLE_SECONDS: '30' }, { log })
  const port = await listen(app)

  const leave = async (auth: string, reset: boolean) => {
    const socket = net.connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.on('error', () => undefined)
    socket.write(`POST /api/v1/datasets HTTP/1.1\r\nHost: x\r\n${auth}` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":')
    if (reset) socket.resetAndDestroy()
    else {
      await new Promise((resolve) => setTimeout(resolve, 200))
      socket.destroy()
    }
  }
  const auth = `Authorization: Bearer ${adminToken}\r\n`
  await leave(auth, false)
  for (let i = 0; i < 5; i++) await leave(auth, true)

  const started = Date.now()
  const given = () => lines.filter((l) => l.includes('"code":"BODY_INVALID"')).length
  while (given() < 6 && Date.now() - started < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(given(), 6, 'each is given up as a closed connection, long before the idle time')
  t.notOk(lines.some((l) => l.includes('"level":50')), 'nothing is logged as an error')
  t.notOk(lines.some((l) => l.includes('REQUEST_STALLED')), 'none is called stalled')
})
