import type { Socket } from 'node:net'

import type {
  FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError
} from 'fastify'

import { isDatabaseGone } from '../db/unavailable.js'
import { AppError, ERRORS, type ErrorCode, type ProblemExtras } from './errors.js'

export const PROBLEM_TYPE = 'application/problem+json'

// Problem types are URNs: stable identifiers that need no web page to exist.
export function problemType(code: ErrorCode): string {
  return `urn:ouverture:problem:${code.toLowerCase().replaceAll('_', '-')}`
}

export interface ProblemBody extends ProblemExtras {
  type: string
  title: string
  status: number
  code: ErrorCode
  detail: string
  instance: string
  request_id: string
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extras: ProblemExtras = {}
): FastifyReply {
  const { status, title } = ERRORS[code]
  const body: ProblemBody = {
    type: problemType(code),
    title,
    status,
    code,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    request_id: request.id,
    ...extras
  }

  return reply.code(status).type(PROBLEM_TYPE).send(body)
}

// Fastify's own 4xx errors, mapped to our codes; anything else is internal.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  // Only a JSON body reaches Fastify's limit (1 MiB): uploads are counted by the service.
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_INVALID',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_INVALID',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_REQ_FILE_TOO_LARGE: 'UPLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'BODY_INVALID',
  FST_FILES_LIMIT: 'BODY_INVALID',
  FST_PROTO_VIOLATION: 'BODY_INVALID'
}

// Other 4xx errors from plugins keep their status under our nearest code. A plugin's
// 403 is the documentation's static files refusing a path out of their folder
// (`/docs/static/../../package.json`): to the caller, no such file, not a missing role.
const BY_STATUS: Record<number, ErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'ROUTE_NOT_FOUND',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'STATE_CONFLICT',
  413: 'UPLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE'
}

// Ajv's words, with what it knows and does not say: the values an enum takes,
// the name of a property that is not expected.
function validationMessage(v: FastifySchemaValidationError): string {
  const { allowedValues, additionalProperty } = v.params
  if (v.keyword === 'enum' && Array.isArray(allowedValues)) {
    return `must be one of: ${allowedValues.join(', ')}`
  }
  if (v.keyword === 'additionalProperties' && typeof additionalProperty === 'string') {
    return `has no parameter or field "${additionalProperty}"`
  }
  return v.message ?? 'is not valid'
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Logged by code only: a detail may quote what the client sent (`Cannot order by
    // "Dupont"`), and the log holds no values. The client has the detail.
    if (error instanceof AppError) {
      request.log.info({ code: error.code }, ERRORS[error.code].title)
      return sendProblem(reply, request, error.code, error.message, error.extras)
    }

    if (error.validation) {
      const errors = error.validation.map((v) => ({
        path: `${error.validationContext ?? ''}${v.instancePath}`,
        message: validationMessage(v)
      }))
      const [first] = errors
      const detail = first === undefined ? error.message : `${first.path} ${first.message}`
      return sendProblem(reply, request, 'VALIDATION_FAILED', detail, { errors })
    }

    const mapped = error.code === undefined ? undefined : FASTIFY_CODES[error.code]
    if (mapped !== undefined) {
      // The routes that read a body without a file read JSON; uploads read files.
      const upload = request.routeOptions.url?.endsWith('/data') === true
      const detail = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted ` +
          (upload
            ? 'here: send the file as text/csv, or as a multipart/form-data form.'
            : 'here: send JSON with Content-Type: application/json.')
        : error.message
      return sendProblem(reply, request, mapped, detail)
    }

    // Unknown errors: the details go to the log only, with the request id the
    // client sees, so a report can be matched without leaking SQL or paths.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ code: error.code, status: error.statusCode }, 'client error')
      const code = BY_STATUS[error.statusCode] ?? 'VALIDATION_FAILED'
      return sendProblem(reply, request, code, ERRORS[code].title)
    }

    if (isDatabaseGone(error)) {
      request.log.error({ err: error }, 'database unavailable')
      return sendProblem(reply, request, 'UNAVAILABLE',
        'The database does not answer right now; try again shortly.')
    }

    request.log.error({ err: error }, 'internal error')
    return sendProblem(reply, request, 'INTERNAL', 'An unexpected error occurred.')
  })

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, request, 'ROUTE_NOT_FOUND', `No route for ${request.method}.`)
  })
}

// Requests Node's HTTP parser refuses never reach Fastify (a URL or headers over
// 16 KiB, a broken request line): they are answered here, in the same format.
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const code = clientErrorCode(error.code)
  const { status, title } = ERRORS[code]
  const detail = CLIENT_ERROR_DETAILS[error.code ?? ''] ??
    `The HTTP request cannot be parsed (${error.code ?? 'unknown error'}).`
  const body = JSON.stringify({ type: problemType(code), title, status, code, detail })
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

function clientErrorCode(nodeCode: string | undefined): ErrorCode {
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE'
  // Node's headersTimeout: the request line and headers took too long to arrive.
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_STALLED'
  return 'REQUEST_INVALID'
}

const CLIENT_ERROR_DETAILS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'Shorten the URL (for long `in` filters, split the query) or the ' +
    'headers.',
  ERR_HTTP_REQUEST_TIMEOUT: 'The request line and headers did not all arrive in time: ' +
    'send them again.',
  HPE_INVALID_URL: 'The URL cannot be read: it holds ASCII only (percent-encode other ' +
    'characters, as in %C3%A9 for é).'
}
