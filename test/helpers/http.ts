import http from 'node:http'

import type { FastifyInstance, InjectOptions } from 'fastify'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
  json: <T = Record<string, unknown>>() => T
}

// A caller of the API through inject, with or without a token.
export function caller(app: FastifyInstance, token?: string) {
  const send = async (method: Method, url: string, options: Partial<InjectOptions> = {}) => {
    const headers = { ...(options.headers ?? {}) } as Record<string, string>
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    const res = await app.inject({ ...options, method, url, headers })
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
      json: <T = Record<string, unknown>>() => res.json<T>()
    } satisfies Answer
  }

  return {
    get: (url: string, headers?: Record<string, string>) => send('GET', url, { headers }),
    delete: (url: string) => send('DELETE', url),
    post: (url: string, body?: object) =>
      send('POST', url, body === undefined ? {} : { payload: body }),
    patch: (url: string, body: object) => send('PATCH', url, { payload: body }),
    put: (url: string, payload: Buffer | string, headers: Record<string, string> = {}) =>
      send('PUT', url, { payload, headers: { 'content-type': 'text/csv', ...headers } }),
    raw: send
  }
}

export type Caller = ReturnType<typeof caller>

// Small factories: a token of a given role, a dataset, a resource with data.
export async function tokenFor(admin: Caller, role: string): Promise<string> {
  const res = await admin.post('/api/v1/tokens', { name: `${role} for tests`, role })
  if (res.status !== 201) throw new Error(`token: ${res.status} ${res.body}`)
  return res.json<{ token: string }>().token
}

export async function createDataset(c: Caller, fields: object = {}): Promise<string> {
  const res = await c.post('/api/v1/datasets', { title: 'Jeu de test', ...fields })
  if (res.status !== 201) throw new Error(`dataset: ${res.status} ${res.body}`)
  return res.json<{ id: string }>().id
}

export async function createResource(c: Caller, datasetId: string, title = 'Fichier') {
  const res = await c.post(`/api/v1/datasets/${datasetId}/resources`, { title })
  if (res.status !== 201) throw new Error(`resource: ${res.status} ${res.body}`)
  return res.json<{ id: string }>().id
}

export async function upload(c: Caller, resourceId: string, content: Buffer | string) {
  return c.put(`/api/v1/resources/${resourceId}/data`, content)
}

// The app on a real socket, for tests that need a body sent piece by piece.
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return typeof address === 'object' && address !== null ? address.port : 0
}

export interface OpenUploadOptions {
  method?: 'PUT' | 'POST'
  headers?: http.OutgoingHttpHeaders
}

// An upload of a resource's data whose body the test writes, and ends, itself: a
// PUT of CSV unless told otherwise. `closed` settles once its connection is
// closed; `continued()` tells whether the service said to go ahead (`Expect:
// 100-continue`).
export function openUpload(
  port: number,
  resourceId: string,
  token: string,
  options: OpenUploadOptions = {}
) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: options.method ?? 'PUT',
    path: `/api/v1/resources/${resourceId}/data`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...options.headers }
  })
  let continued = false
  request.once('continue', () => (continued = true))
  const closed = new Promise<void>((resolve) => {
    request.once('socket', (socket) => socket.once('close', () => resolve()))
  })
  type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string }
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    request.on('error', reject)
  })
  return { request, answer, closed, continued: () => continued }
}

// Once an upload to `resourceId` has its revision on record (its request is in).
export async function revisionRecorded(editor: Caller, resourceId: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const list = await editor.get(`/api/v1/resources/${resourceId}/revisions`)
    if (list.json<{ data: unknown[] }>().data.length > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`no revision of ${resourceId} was recorded`)
}
