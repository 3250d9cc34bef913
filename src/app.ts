import { randomUUID } from 'node:crypto'

import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type pg from 'pg'
import type { Logger } from 'pino'

import authPlugin from './auth/auth.plugin.js'
import tokenRoutes from './auth/token.routes.js'
import datasetRoutes from './catalogue/dataset.routes.js'
import { datasetSchema } from './catalogue/dataset.schemas.js'
import resourceRoutes from './catalogue/resource.routes.js'
import {
  columnSchema,
  resourceSchema,
  revisionSummarySchema
} from './catalogue/resource.schemas.js'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import dcatRoutes from './dcat/catalog.routes.js'
import { refuseEncodedBodies } from './http/content-encoding.js'
import { continueWhenRead } from './http/expect-continue.js'
import { registerJsonBody } from './http/json-body.js'
import { openapiOptions } from './http/openapi.js'
import { answerClientError, registerProblemHandlers, sendProblem } from './http/problem.js'
import { loggedUrl } from './http/request-log.js'
import { problemSchema } from './http/schemas.js'
import { registerValidation } from './http/validation.js'
import type { FileStore } from './ingest/file-store.js'
import { LoadSlots } from './ingest/load-slots.js'
import revisionRoutes from './ingest/revision.routes.js'
import { revisionSchema } from './ingest/revision.schemas.js'
import uploadRoutes from './ingest/upload.routes.js'
import recordRoutes from './records/records.routes.js'

export interface AppDeps {
  config: Config
  db: Db
  pool: pg.Pool
  signingKey: Uint8Array
  files: FileStore
  logger: Logger
  // The load slots, given by a caller that stops them at shutdown (server.ts).
  loads?: LoadSlots
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, signingKey, files } = deps
  const logger: FastifyBaseLogger = deps.logger

  const app = Fastify({
    loggerInstance: logger,
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
    // Random, not counted: `req-1`, `req-2` told anyone how busy the service was, and
    // started again at each restart, so a log line could not be found by its id.
    genReqId: () => randomUUID(),
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, request, 'VALIDATION_FAILED', error.message)
    },
    // Answered below as problem+json, like every other error.
    return503OnClosing: false
  })

  continueWhenRead(app.server)
  refuseEncodedBodies(app)

  // Once the app is closing (shutdown), a request that still arrives on an open
  // connection is told so, and the connection is not kept.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return
    reply.header('connection', 'close')
    return sendProblem(reply, request, 'UNAVAILABLE', 'The service is stopping; try again shortly.')
  })

  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode
    const fields = {
      method: request.method,
      ...loggedUrl(request.url),
      status,
      ms: Math.round(reply.elapsedTime),
      token_id: request.actor?.tokenId
    }
    if (status >= 500) request.log.error(fields, 'request')
    else request.log.info(fields, 'request')
  })

  registerProblemHandlers(app)
  for (const schema of [problemSchema, datasetSchema, columnSchema, revisionSummarySchema,
    resourceSchema, revisionSchema]) {
    app.addSchema(schema)
  }
  registerValidation(app)
  registerJsonBody(app, {
    maxBytes: app.initialConfig.bodyLimit ?? 1 << 20,
    idleMs: config.UPLOAD_IDLE_SECONDS * 1000
  })

  await app.register(swagger, openapiOptions(config))
  // The documentation is public, as /openapi.json: its pages ignore a token.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, anonymous: true }
    })
    await docs.register(swaggerUi, { routePrefix: '/docs' })
  })
  await app.register(authPlugin, { db, signingKey })

  // Public documents: a token, even a bad one, changes nothing about them.
  const open = { anonymous: true }
  app.get('/openapi.json', { config: open, schema: { hide: true } }, async () => app.swagger())
  app.get('/healthz', { config: open, schema: { hide: true } }, async () => ({ status: 'ok' }))

  await app.register(async (v1) => {
    await v1.register(tokenRoutes, { db, config, signingKey })
    await v1.register(datasetRoutes, { db, config })
    await v1.register(resourceRoutes, { db, config })
    const loads = deps.loads ?? new LoadSlots(config.MAX_CONCURRENT_LOADS)
    await v1.register(uploadRoutes, { db, pool: deps.pool, config, files, loads })
    await v1.register(revisionRoutes, { db })
    await v1.register(recordRoutes, { db, config })
  }, { prefix: '/api/v1' })

  await app.register(dcatRoutes, { db, config })
  return app
}
