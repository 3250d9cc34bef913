import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'

import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { AppError, notFound } from '../http/errors.js'
import { idParams, problems } from '../http/schemas.js'
import { recordAudit } from './audit.queries.js'
import { requireActor } from './roles.js'
import { createTokenBody, issuedTokenSchema, tokenListSchema } from './token.schemas.js'
import { listTokens, revokeUnlessLastAdmin } from './token.queries.js'
import { issueToken } from './tokens.js'

export interface TokenRoutesOptions {
  db: Db
  config: Config
  signingKey: Uint8Array
}

export default async function tokenRoutes(app: FastifyInstance, opts: TokenRoutesOptions) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db, signingKey } = opts
  const tags = ['tokens']

  api.post('/tokens', {
    config: { role: 'admin' },
    schema: {
      summary: 'Issue a token',
      description: 'The token is shown once, in this answer; only its id is kept.',
      tags,
      body: createTokenBody,
      response: { 201: issuedTokenSchema, ...problems(400, 401, 403) }
    }
  }, async (request, reply) => {
    const actor = requireActor(request.actor)
    const issued = await issueToken(db, signingKey, {
      organizationId: actor.organizationId,
      role: request.body.role,
      name: request.body.name,
      createdBy: actor.tokenId,
      ttlDays: request.body.ttl_days ?? opts.config.TOKEN_TTL_DAYS
    })
    await recordAudit(db, actor, 'token.issue', 'token', issued.id, { role: issued.role })
    return reply.code(201).send(issued)
  })

  api.get('/tokens', {
    config: { role: 'admin' },
    schema: {
      summary: 'List the tokens of the organization',
      tags,
      response: { 200: tokenListSchema, ...problems(401, 403) }
    }
  }, async (request) => {
    const actor = requireActor(request.actor)
    return { data: await listTokens(db, actor.organizationId) }
  })

  api.delete('/tokens/:id', {
    config: { role: 'admin' },
    schema: {
      summary: 'Revoke a token',
      tags,
      params: idParams,
      response: { 204: { type: 'null' }, ...problems(401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const actor = requireActor(request.actor)
    const outcome = await revokeUnlessLastAdmin(db, actor.organizationId, request.params.id)
    if (outcome === 'not-found') throw notFound('Token')
    if (outcome === 'last-admin') {
      throw new AppError('STATE_CONFLICT', 'This is the last admin token; issue another first.')
    }
    if (outcome === 'last-lasting-admin') {
      throw new AppError('STATE_CONFLICT', 'This is the last admin token that does not ' +
        'expire; issue another first, with "ttl_days": 0.')
    }
    await recordAudit(db, actor, 'token.revoke', 'token', request.params.id)
    return reply.code(204).send()
  })
}
