// Every error the API can answer, in one place. Codes are part of the API: they
// are never renamed or reused for another meaning.
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  FILTER_INVALID: { status: 400, title: 'A filter is not valid' },
  ORDER_INVALID: { status: 400, title: 'The order is not valid' },
  CURSOR_INVALID: { status: 400, title: 'The cursor is not valid' },
  BODY_INVALID: { status: 400, title: 'The request body cannot be read' },
  REQUEST_INVALID: { status: 400, title: 'The HTTP request cannot be parsed' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  TOKEN_INVALID: { status: 401, title: 'The token is not valid' },
  FORBIDDEN: { status: 403, title: 'This role may not do that' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  NO_DATA: { status: 404, title: 'The resource has no data yet' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  NOT_ACCEPTABLE: { status: 406, title: 'No representation matches the Accept header' },
  STATE_CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  UPLOAD_TOO_LARGE: { status: 413, title: 'The upload is larger than allowed' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is larger than allowed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'This media type is not accepted here' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request line or headers are too large' },
  CSV_EMPTY: { status: 422, title: 'The file is empty' },
  CSV_NOT_TEXT: { status: 422, title: 'The file is not a text CSV file' },
  CSV_ENCODING_INVALID: { status: 422, title: 'The file does not match its encoding' },
  CSV_MALFORMED: { status: 422, title: 'The CSV structure is broken' },
  CSV_TOO_MANY_FIELDS: { status: 422, title: 'A row has more fields than the header' },
  CSV_NO_HEADER: { status: 422, title: 'No header row was found' },
  CSV_TOO_MANY_COLUMNS: { status: 422, title: 'The file has too many columns' },
  CSV_CELL_TOO_LARGE: { status: 422, title: 'A cell is larger than allowed' },
  CSV_ROW_TOO_WIDE: { status: 422, title: 'A row is too wide to store' },
  CSV_VALUE_REJECTED: { status: 422, title: 'A value cannot be stored' },
  UPLOAD_STALLED: { status: 408, title: 'The upload stopped sending data' },
  REQUEST_STALLED: { status: 408, title: 'The request stopped arriving' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'The service is not available right now' },
  UPLOADS_BUSY: { status: 503, title: 'Too many uploads are under way' }
} as const

export type ErrorCode = keyof typeof ERRORS

export interface ProblemExtras {
  line?: number
  column?: number
  errors?: Array<{ path: string; message: string }>
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly extras: ProblemExtras

  constructor(code: ErrorCode, detail: string, extras: ProblemExtras = {}, cause?: unknown) {
    super(detail, cause === undefined ? undefined : { cause })
    this.name = 'AppError'
    this.code = code
    this.status = ERRORS[code].status
    this.extras = extras
  }
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`)
}
