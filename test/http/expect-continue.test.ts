import net from 'node:net'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, listen } from '../helpers/http.js'

// What a client that asks before sending its body (`Expect: 100-continue`, as
// `curl -T` does for large files) receives first, on one raw connection.
function ask(port: number, head: string) {
  const socket = net.connect(port, '127.0.0.1')
  let received = ''
  const waiting: Array<{ pattern: RegExp; resolve: (text: string) => void }> = []
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString()
    for (const w of waiting.filter((w) => w.pattern.test(received))) w.resolve(received)
  })
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)))
  socket.write(head)
  // What has come once `pattern` is in it.
  const until = (pattern: RegExp) => new Promise<string>((resolve) => {
    if (pattern.test(received)) resolve(received)
    else waiting.push({ pattern, resolve })
  })
  return { until, closed, send: (body: string) => socket.write(body), end: () => socket.end() }
}

t.test('Expect: 100-continue', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const editor = caller(app, adminToken)
  const resource = await createResource(editor, await createDataset(editor))
  const port = await listen(app)
  const body = 'nom;montant\nA;1,5\nB;2\n'
  const head = (token: string, length: number) =>
    `PUT /api/v1/resources/${resource}/data HTTP/1.1\r\nHost: x\r\n` +
    `Authorization: Bearer ${token}\r\nContent-Type: text/csv\r\n` +
    `Content-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`

  t.test('a refused upload is answered before its body is asked for', async (t) => {
    const refused = ask(port, head('not-a-token', 50_000_000))
    const answer = await refused.until(/\r\n\r\n/)
    t.match(answer, /^HTTP\/1\.1 401 /, 'no 100 Continue first')
    t.match(await refused.closed, /"code":"TOKEN_INVALID"/)
    t.match(answer, /connection: close/i, 'and the connection is not kept')
  })

  t.test('a file announced larger than allowed is refused before it is sent', async (t) => {
    const large = ask(port, head(adminToken, 3 * 2 ** 31))
    const answer = await large.until(/"code":"UPLOAD_TOO_LARGE"/)
    t.match(answer, /^HTTP\/1\.1 413 /, 'no 100 Continue first')
    await large.closed
  })

  t.test('an accepted upload gets the go-ahead, then loads', async (t) => {
    const accepted = ask(port, head(adminToken, Buffer.byteLength(body)))
    t.match(await accepted.until(/\r\n\r\n/), /^HTTP\/1\.1 100 Continue\r\n\r\n/)
    accepted.send(body)
    t.match(await accepted.until(/"row_count":2/), /HTTP\/1\.1 201 /)
    accepted.end()
  })
})
