import { isUtf8 } from 'node:buffer'

import type { FastifyInstance, FastifyRequest } from 'fastify'

import { AppError } from './errors.js'
import { type BodyLimits, readBody } from './read-body.js'

// Request bodies other than uploads (which ingest/upload.routes.ts reads itself): JSON
// only, in UTF-8, at most 1 MiB, arriving without long pauses.
//
// JSON bodies are parsed as Fastify does (prototype poisoning refused), after checks:
// - a field given twice: JSON.parse keeps the last one, where a proxy or a form in front
//   of the API may have read the first: `{"role": "reader", "role": "admin"}` must not
//   issue an admin token to someone who was shown a reader's;
// - bytes that are not UTF-8, which would be stored as U+FFFD, and a charset other
//   than UTF-8 (JSON is UTF-8: RFC 8259), which would be read as UTF-8 all the same.
export function registerJsonBody(app: FastifyInstance, limits: BodyLimits): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  // Fastify reads text/plain as a string, which then failed validation as "not an
  // object": such a body is refused for its type, as a form is.
  app.removeContentTypeParser('text/plain')

  // The body is read here rather than by Fastify, to give up on one that stalls (see
  // read-body.ts). The upload routes have parsers of their own: this one never runs
  // there, nor on a request whose body no route reads.
  app.addContentTypeParser('application/json', (request, payload, done) => {
    readBody(payload, request.headers['content-length'], limits).then((bytes) => {
      // Clients that send `Content-Type: application/json` on every request send it
      // on a publish too, with nothing: no body, for routes that take none. A route
      // that takes one then says its body must be an object.
      if (bytes.length === 0) {
        done(null, undefined)
        return
      }
      const refusal = refuse(request, bytes)
      if (refusal !== null) {
        done(refusal, undefined)
        return
      }
      const text = bytes.toString('utf8')
      void parse(request, text, (error, body) => {
        // Valid JSON refused all the same: it holds `__proto__` or
        // `constructor.prototype`, which the parser turns away (prototype poisoning).
        done(error !== null && isJson(text) ? poisoned() : error, body)
      })
    }, (error: Error) => done(error, undefined))
  })

  // The rest of a body given up on, if it ever comes, is not wanted.
  app.addHook('onError', async (_request, reply, error) => {
    const code = error instanceof AppError ? error.code : undefined
    if (code === 'REQUEST_STALLED' || code === 'BODY_TOO_LARGE') {
      reply.header('connection', 'close')
    }
  })
}

function refuse(request: FastifyRequest, bytes: Buffer): AppError | null {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')
  if (charset?.[1] !== undefined && !/^utf-?8$/i.test(charset[1])) {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', `JSON is read in UTF-8 only, not ` +
      `${charset[1]}: send the body in UTF-8, with no charset or charset=utf-8.`)
  }
  if (!isUtf8(bytes)) {
    return new AppError('BODY_INVALID', 'The body is not valid UTF-8: send it in UTF-8.')
  }
  const twice = repeatedKey(bytes.toString('utf8'))
  if (twice !== null) {
    return new AppError('VALIDATION_FAILED', `The body gives the field "${twice}" twice.`)
  }
  return null
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

const poisoned = () => new AppError('VALIDATION_FAILED',
  'The body holds a field named __proto__, or constructor with a prototype field, which ' +
    'are refused.')

// The first key repeated within one object, or null. A scan of the text, not a
// parse: a body that is not JSON is left to the parser to refuse.
export function repeatedKey(text: string): string | null {
  // Per open object its keys so far; null for an open array.
  const open: Array<Set<string> | null> = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i)
      const keys = open[open.length - 1]
      if (expectKey && keys instanceof Set) {
        const key = keyOf(text.slice(i, end + 1))
        if (key === null) return null
        if (keys.has(key)) return key
        keys.add(key)
        expectKey = false
      }
      i = end
    } else if (c === OPEN_BRACE) {
      open.push(new Set())
      expectKey = true
    } else if (c === OPEN_BRACKET) {
      open.push(null)
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      open.pop()
      expectKey = false
    } else if (c === COMMA) {
      expectKey = open[open.length - 1] instanceof Set
    }
  }
  return null
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

// The index of the quote that closes the string opening at `start`.
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && text.charCodeAt(i) !== QUOTE) {
    i += text.charCodeAt(i) === BACKSLASH ? 2 : 1
  }
  return i
}

// A key as JSON.parse reads it (`"r\u00f4le"` is `rôle`); null when it is not JSON.
function keyOf(literal: string): string | null {
  try {
    const key: unknown = JSON.parse(literal)
    return typeof key === 'string' ? key : null
  } catch {
    return null
  }
}
