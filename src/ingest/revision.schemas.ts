import { uuid } from '../http/schemas.js'

export const revisionSchema = {
  $id: 'Revision',
  type: 'object',
  description: 'One upload of a resource\'s file, with what the load detected and did.',
  properties: {
    id: uuid,
    resource_id: uuid,
    status: { type: 'string', enum: ['ingesting', 'ready', 'failed', 'superseded'] },
    current: { type: 'boolean', description: 'Whether the resource serves this revision.' },
    file_name: { type: 'string' },
    byte_size: { type: ['integer', 'null'] },
    sha256: { type: ['string', 'null'] },
    row_count: { type: ['integer', 'null'] },
    columns: { type: 'array', items: { $ref: 'Column#' } },
    report: {
      type: 'object',
      additionalProperties: true,
      description: 'Detected encoding and dialect, per-column types and warnings.'
    },
    error: {
      anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }],
      description: 'For a failed revision: the problem code, detail, line and column.'
    },
    progress: {
      type: 'object',
      description: 'While the revision ingests: the phase, bytes received and rows loaded.',
      properties: {
        phase: {
          type: ['string', 'null'],
          enum: ['receiving', 'queued', 'loading', 'converting', 'done', null]
        },
        bytes_received: { type: 'integer' },
        rows_loaded: { type: 'integer' }
      }
    },
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: ['string', 'null'], format: 'date-time' }
  },
  required: ['id', 'resource_id', 'status', 'current', 'file_name', 'created_at']
} as const

export const revisionListSchema = {
  type: 'object',
  properties: { data: { type: 'array', items: { $ref: 'Revision#' } } },
  required: ['data']
} as const
