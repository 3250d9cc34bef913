import http from 'node:http'
import https from 'node:https'
import type { Readable } from 'node:stream'

export interface UploadRequest {
  url: URL
  token: string
  body: Readable
  size: number
  onBytes: (bytes: number) => void
  onBodySent: () => void
}

export interface HttpAnswer {
  status: number
  statusText: string
  contentType: string
  body: string
  // Seconds from a Retry-After header given as a number, else null.
  retryAfter: number | null
}

// A revision report with a thousand columns and a hundred warnings stays well
// under this; anything larger is not an answer from Ouverture.
const MAX_ANSWER_BYTES = 16 * 1024 * 1024

// The file could not be read: a local problem, told apart from a network one.
export class FileReadError extends Error {
  override readonly name = 'FileReadError'
}

// Sends the file as the body of one PUT, streamed with backpressure so memory
// stays flat whatever its size, and resolves with the server's answer. The
// server may answer before the body is complete (a bad token, a file too
// large): the answer wins and the rest of the file is not sent.
export function sendFile(request: UploadRequest): Promise<HttpAnswer> {
  const { url, body, size } = request
  const client = url.protocol === 'https:' ? https : http

  // Keep-alive, though there is one request: a server that answers early then
  // reads and discards the rest of the body, where `Connection: close` would make
  // it close the socket under the body still arriving, and the reset that follows
  // loses its answer (the client sees EPIPE instead of "401 TOKEN_INVALID").
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 })

  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = client.request(url, {
      method: 'PUT',
      agent,
      headers: {
        authorization: `Bearer ${request.token}`,
        'content-type': 'text/csv',
        'content-length': String(size),
        accept: 'application/json, application/problem+json'
      }
    })
    let answered = false

    req.on('response', (res) => {
      answered = true
      body.unpipe(req)
      body.destroy()
      readAnswer(res).then(resolve, reject).finally(() => {
        req.destroy()
        agent.destroy()
      })
    })
    req.on('error', (error) => {
      // Once the server has answered, a broken pipe on the unsent rest is expected.
      if (answered) return
      agent.destroy()
      reject(error)
    })
    req.on('finish', () => request.onBodySent())

    let read = 0
    body.on('data', (chunk: Buffer) => {
      read += chunk.length
      request.onBytes(chunk.length)
    })
    body.on('error', (error) => {
      const failure = new FileReadError(`cannot read the file: ${error.message}`, { cause: error })
      reject(failure)
      req.destroy(failure)
    })
    // Registered before pipe() so it runs before the request is ended: a file cut
    // short while being read would leave the server waiting for bytes never sent.
    body.on('end', () => {
      if (read === size) return
      const failure = new FileReadError(`the file changed size while being sent (${size} bytes ` +
        `announced, ${read} read)`)
      reject(failure)
      req.destroy(failure)
    })
    body.pipe(req)
  })
}

async function readAnswer(res: http.IncomingMessage): Promise<HttpAnswer> {
  // Kept as bytes until the end: a character may straddle two chunks.
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of res) {
    const buffer = chunk as Buffer
    bytes += buffer.length
    if (bytes > MAX_ANSWER_BYTES) throw new Error('the answer is too large to be Ouverture\'s')
    chunks.push(buffer)
  }

  const retryAfter = Number(res.headers['retry-after'] ?? '')
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    contentType: (res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
    body: Buffer.concat(chunks).toString('utf8'),
    retryAfter: res.headers['retry-after'] !== undefined && Number.isInteger(retryAfter) &&
      retryAfter >= 0 ? retryAfter : null
  }
}
