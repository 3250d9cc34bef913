import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

import type { Db } from '../db/database.js'
import type { Role } from '../db/schema.js'
import { AppError } from '../http/errors.js'
import { type Actor, allows } from './roles.js'
import { findActiveToken } from './token.queries.js'
import { verifyToken } from './tokens.js'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyContextConfig {
    // The least role a route needs; routes without one are public reads.
    role?: Role
    // Routes whose answer is the same for everyone ignore any token sent.
    anonymous?: boolean
  }
}

export interface AuthOptions {
  db: Db
  signingKey: Uint8Array
}

// Authentication is declared once here: routes only state the role they need in
// their config, and this hook enforces it before any handler runs.
async function authPlugin(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  app.decorateRequest('actor', null)

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.anonymous === true) return
    request.actor = await authenticate(request, opts)

    const needed = request.routeOptions.config.role
    if (needed === undefined) return
    if (request.actor === null) {
      throw new AppError('UNAUTHENTICATED', 'Send a token in the Authorization header.')
    }
    if (!allows(request.actor.role, needed)) {
      throw new AppError('FORBIDDEN', `This needs the ${needed} role or above.`)
    }
  })

  // A token revoked while a request's body was still arriving (it may be held back for
  // minutes) must not act: a write checks it again once its body is in. An upload,
  // whose body arrives in the handler, checks it again as its load commits.
  app.addHook('preHandler', async (request) => {
    const { actor } = request
    if (actor === null || request.method === 'GET' || request.method === 'HEAD') return
    if ((await findActiveToken(opts.db, actor.tokenId)) === undefined) {
      throw new AppError('TOKEN_INVALID', 'The token was revoked or expired while the ' +
        'request was sent.')
    }
  })
}

async function authenticate(request: FastifyRequest, opts: AuthOptions) {
  const header = request.headers.authorization
  if (header === undefined) return null
  // Node keeps the first of repeated Authorization headers; a proxy in front may act on
  // another. Two credentials are refused rather than one chosen.
  if (countHeader(request.raw.rawHeaders, 'authorization') > 1) {
    throw new AppError('REQUEST_INVALID', 'Send one Authorization header, not several.')
  }

  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (match?.[1] === undefined) {
    throw new AppError('TOKEN_INVALID', 'Use "Authorization: Bearer <token>".')
  }
  return verifyToken(opts.db, opts.signingKey, match[1])
}

// rawHeaders alternates names and values, as received.
function countHeader(raw: string[], name: string): number {
  let count = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) count++
  return count
}

export default fp(authPlugin, { name: 'auth' })
