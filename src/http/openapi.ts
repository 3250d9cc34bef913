import type { SwaggerOptions } from '@fastify/swagger'
import type { FastifySchema } from 'fastify'

import type { Config } from '../config.js'
import { whereParameter } from '../records/filters.js'
import { PROBLEM_TYPE } from './problem.js'
import { problems } from './schemas.js'

export function openapiOptions(config: Config): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ouverture',
        version: '1',
        description:
          'Open-data publication API: catalogue, uploads, rows and DCAT. Reads of ' +
          'published data are anonymous; everything else needs a bearer token.'
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
        }
      },
      tags: [
        { name: 'datasets', description: 'The catalogue of datasets.' },
        { name: 'resources', description: 'Files of a dataset, their data and rows.' },
        { name: 'tokens', description: 'API credentials.' },
        { name: 'dcat', description: 'DCAT-AP metadata for harvesters.' }
      ]
    },
    // Shared schemas keep their own names in components, not def-0, def-1…
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    // Query parameters that a JSON Schema cannot name (`where[col][op]`) are
    // described by the routes that take them, as OpenAPI deepObject parameters.
    transformObject: (documentObject) => {
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : {}
      const records = document.paths?.['/api/v1/resources/{id}/records']?.get
      records?.parameters?.push(whereParameter)
      describeUploadBodies(document.paths?.['/api/v1/resources/{id}/data'])
      for (const methods of Object.values(document.paths ?? {})) {
        for (const operation of Object.values(methods ?? {})) {
          if (typeof operation === 'object' && 'responses' in operation) {
            problemsAsProblemJson(operation.responses)
          }
        }
      }
      return document
    },
    transform: ({ schema, url, route }) => {
      if (schema === undefined) return { schema, url }
      const config = route.config as { role?: string; anonymous?: boolean } | undefined
      const methods = [route.method].flat()
      const body = methods.some((m) => !['GET', 'HEAD'].includes(m))
      return { schema: withCommonAnswers(schema, { ...config, body }), url }
    }
  }
}

// What any route may answer besides its own: 400 for parameters, a body or headers it
// cannot read (two Authorization headers), 401 for a bad token (a public read too: a
// token sent is checked), 408, 413 and 415 for a body (any method but GET may send one,
// even where none is expected), 503 when the database does not answer. Routes that need
// a role say so; public reads take a token optionally (a reader sees drafts).
function withCommonAnswers(
  schema: FastifySchema,
  config: { role?: string; anonymous?: boolean; body: boolean }
): FastifySchema {
  const statuses = [503]
  if (schema.params !== undefined || schema.querystring !== undefined) statuses.push(400)
  if (config.body) statuses.push(400, 408, 413, 415)
  if (config.anonymous !== true) statuses.push(400, 401)
  const own = (schema.response ?? {}) as Record<string, unknown>
  const response = { ...problems(...statuses), ...own }

  if (config.anonymous === true) return { ...schema, response }
  const security: Array<Record<string, string[]>> =
    config.role === undefined ? [{}, { bearer: [] }] : [{ bearer: [] }]
  return { ...schema, response, security }
}

// Every error is answered as application/problem+json, whatever the route's own type.
function problemsAsProblemJson(responses: Record<string, unknown> | undefined): void {
  for (const [status, response] of Object.entries(responses ?? {})) {
    if (Number(status) < 400 || typeof response !== 'object' || response === null) continue
    const content = (response as { content?: Record<string, { schema?: unknown }> }).content
    if (content === undefined) continue
    const schema = Object.values(content)[0]?.schema
    ;(response as { content: unknown }).content = { [PROBLEM_TYPE]: { schema } }
  }
}

const FILE = { type: 'string', format: 'binary' }

// The upload routes read their bodies themselves (no schema to validate them with).
function describeUploadBodies(methods: Record<string, unknown> | undefined): void {
  const put = methods?.put as { requestBody?: unknown } | undefined
  const post = methods?.post as { requestBody?: unknown } | undefined
  if (put !== undefined) {
    put.requestBody = {
      required: true,
      description: 'The CSV file as the body, in any encoding the service detects, under ' +
        'any Content-Type but multipart/form-data (the type is not read).',
      content: { 'text/csv': { schema: FILE }, 'application/octet-stream': { schema: FILE } }
    }
  }
  if (post !== undefined) {
    post.requestBody = {
      required: true,
      description: 'A form whose first file field is the CSV file.',
      content: {
        'multipart/form-data': {
          schema: { type: 'object', properties: { file: FILE }, required: ['file'] }
        }
      }
    }
  }
}
