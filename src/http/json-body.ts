import type { FastifyInstance } from 'fastify'

import { AppError } from './errors.js'

// JSON bodies are parsed as Fastify does (prototype poisoning refused), after one more
// check: a field given twice. JSON.parse keeps the last one, where a proxy or a form
// in front of the API may have read the first: `{"role": "reader", "role": "admin"}`
// must not issue an admin token to someone who was shown a reader's.
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    const twice = repeatedKey(text)
    if (twice !== null) {
      const detail = `The body gives the field "${twice}" twice.`
      done(new AppError('VALIDATION_FAILED', detail), undefined)
      return
    }
    void parse(request, text, done)
  })
}

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
