import type { FastifyInstance } from 'fastify'

import { sendProblem } from './problem.js'

// Bodies are read as sent: nothing here decodes gzip or any other content coding.
// A body sent with one used to be taken as if it were not: a JSON body marked gzip
// but sent plain created a dataset, a compressed one was "not valid UTF-8", and a
// compressed CSV was stored before being refused as an archive. RFC 9110 answers a
// coding the server does not apply with 415, before the body is read.
export function refuseEncodedBodies(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const coding = request.headers['content-encoding']
    if (coding === undefined || !hasBody(request.headers)) return

    const codings = coding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '')
    if (codings.every((c) => c === 'identity')) return
    return sendProblem(reply, request, 'UNSUPPORTED_MEDIA_TYPE',
      `Bodies are not decoded here (Content-Encoding: ${coding.slice(0, 40)}); send it ` +
        'uncompressed.')
  })
}

// Whether the request carries a body: a length above zero, or chunks.
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length']
  return headers['transfer-encoding'] !== undefined ||
    (typeof length === 'string' && Number(length) > 0)
}
