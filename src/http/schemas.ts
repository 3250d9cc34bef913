// Shapes shared by many routes, declared once so the OpenAPI document names
// them the same way everywhere.

export const uuid = { type: 'string', format: 'uuid' } as const

export const idParams = {
  type: 'object',
  properties: { id: uuid },
  required: ['id'],
  additionalProperties: false
} as const

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'An RFC 9457 problem document.',
  properties: {
    type: { type: 'string', description: 'A URN naming the kind of problem.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable code.' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    request_id: { type: 'string' },
    line: { type: 'integer', description: 'For files: the line where the problem is.' },
    column: { type: 'integer', description: 'For files: the column (1-based field).' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } }
      }
    }
  },
  required: ['type', 'title', 'status', 'code', 'detail']
} as const

const problemRef = { $ref: 'Problem#' } as const

// The error answers a route can give, for its OpenAPI description.
export function problems(...statuses: number[]): Record<number, typeof problemRef> {
  const out: Record<number, typeof problemRef> = {}
  for (const status of statuses) out[status] = problemRef
  return out
}

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, description: 'Page size.' },
  cursor: { type: 'string', description: 'Opaque cursor from `next_cursor`.' }
} as const

export const pageMeta = {
  total: { type: 'integer', description: 'Number of items matching, all pages.' },
  next_cursor: {
    type: ['string', 'null'],
    description: 'Pass as `cursor` for the next page; null on the last page.'
  }
} as const
