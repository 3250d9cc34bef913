import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifySchema } from 'fastify'

import { AppError } from './errors.js'

// Query strings are all text, and a repeated parameter arrives as an array:
// they are coerced to the types their schema declares. JSON bodies are typed
// already: `{"title": 123}` or `{"role": ["admin"]}` is an error, not a string.
export function registerValidation(app: FastifyInstance): void {
  const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, allErrors: false })
  const strict = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: false })
  for (const ajv of [coercing, strict]) {
    addFormats.default(ajv)
    for (const schema of Object.values(app.getSchemas())) ajv.addSchema(schema as object)
  }

  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing
    return ajv.compile(schema as FastifySchema & object)
  })

  // PostgreSQL text cannot hold NUL; a NUL anywhere in a request's fields is
  // refused here rather than failing deep in a query.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['body', request.body], ['querystring', request.query],
      ['params', request.params]] as const) {
      const path = nulPath(value)
      if (path !== null) {
        throw new AppError('VALIDATION_FAILED', 'NUL characters are not accepted.', {
          errors: [{ path: `${part}${path}`, message: 'contains a NUL character' }]
        })
      }
    }
  })
}

function nulPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || '/' : null
  if (typeof value !== 'object' || value === null) return null
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0')) return `${path}/${key}`
    const found = nulPath(item, `${path}/${key}`)
    if (found !== null) return found
  }
  return null
}
