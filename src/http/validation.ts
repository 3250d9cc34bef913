import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifySchema } from 'fastify'

import { AppError } from './errors.js'

// Query strings are all text, and a repeated parameter arrives as an array:
// they are coerced to the types their schema declares. JSON bodies are typed
// already: `{"title": 123}` or `{"role": ["admin"]}` is an error, not a string.
export const TEXT_AJV_OPTIONS = {
  coerceTypes: 'array', useDefaults: true, allErrors: false
} as const

export function registerValidation(app: FastifyInstance): void {
  const coercing = new Ajv(TEXT_AJV_OPTIONS)
  const strict = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: false })
  for (const ajv of [coercing, strict]) {
    addFormats.default(ajv)
    // ajv-formats also takes `urn:uuid:…`, which PostgreSQL's uuid type refuses: such
    // an id got a 500 instead of a 400.
    ajv.addFormat('uuid', /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i)
    for (const schema of Object.values(app.getSchemas())) ajv.addSchema(schema as object)
  }

  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === 'body') return strict.compile(schema as FastifySchema & object)
    const validate = textValidator(coercing, schema)
    return (data: unknown) => {
      const errors = validate(data)
      return errors === null ? true : { error: errors }
    }
  })

  // PostgreSQL text cannot hold NUL; a NUL anywhere in a request's fields is
  // refused here rather than failing deep in a query.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['body', request.body], ['querystring', request.query],
      ['params', request.params]] as const) {
      const path = unstorablePath(value)
      if (path !== null) {
        const message = 'contains a NUL character or a lone surrogate'
        throw new AppError('VALIDATION_FAILED', 'NUL characters and lone surrogates ' +
          '(`\\ud800`) are not accepted.', { errors: [{ path: `${part}${path}`, message }] })
      }
    }
  })
}

// Checks text fields (a query string, path parameters) against an object schema,
// coercing them in place; null when they are valid, else what is wrong. Exported
// for the command-line client, which checks its options as the service will.
export function textValidator(ajv: Ajv, schema: object): (data: unknown) => ErrorObject[] | null {
  const validate = ajv.compile(schema)
  const integers = integerProperties(schema)
  return (data) => {
    const name = integers.find((n) => !writtenInDigits(fieldOf(data, n)))
    if (name !== undefined) {
      return [{
        instancePath: `/${name}`,
        schemaPath: `#/properties/${name}/type`,
        keyword: 'type',
        params: { type: 'integer' },
        message: 'must be an integer written in digits'
      }]
    }
    return validate(data) ? null : validate.errors ?? []
  }
}

// Ajv coerces any text JavaScript reads as a number: "1.0", "1e1", "0x10" and
// " 7" would all pass as integers. An integer in a URL is written in digits,
// so the text of a declared integer is checked before it is coerced.
function integerProperties(schema: object): string[] {
  const { properties } = schema as { properties?: Record<string, { type?: unknown }> }
  return Object.entries(properties ?? {})
    .filter(([, property]) => property.type === 'integer')
    .map(([name]) => name)
}

function writtenInDigits(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(writtenInDigits)
  return typeof value !== 'string' || /^-?[0-9]+$/.test(value)
}

function fieldOf(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name]
    : undefined
}

// Half of a UTF-16 pair alone (`"\ud800"` in JSON) cannot be stored: PostgreSQL would
// keep U+FFFD in its place, silently.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

// Where a request's fields hold what PostgreSQL text cannot (NUL, a lone surrogate).
// Walked with a list rather than by recursion: a JSON body nested five thousand
// deep is valid JSON, and must get its 400 from the schema, not a stack overflow.
function unstorablePath(root: unknown): string | null {
  const pending: Array<[unknown, string]> = [[root, '']]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next
    if (typeof value === 'string') {
      if (value.includes('\0') || LONE_SURROGATE.test(value)) return path || '/'
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    const entries = Object.entries(value)
    const badKey = entries.find(([key]) => key.includes('\0') || LONE_SURROGATE.test(key))
    if (badKey !== undefined) return `${path}/${badKey[0]}`
    // Reversed, so that the first field is looked at first.
    for (const [key, item] of entries.reverse()) pending.push([item, `${path}/${key}`])
  }
  return null
}
