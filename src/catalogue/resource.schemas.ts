import { pageMeta, pageQuery, uuid } from '../http/schemas.js'

const title = { type: 'string', minLength: 1, maxLength: 300 } as const
const description = { type: 'string', maxLength: 20000 } as const

export const createResourceBody = {
  type: 'object',
  properties: { title, description },
  required: ['title'],
  additionalProperties: false
} as const

export const updateResourceBody = {
  type: 'object',
  properties: { title, description },
  additionalProperties: false,
  minProperties: 1
} as const

export const columnSchema = {
  $id: 'Column',
  type: 'object',
  properties: {
    name: { type: 'string', description: 'API name, used in filters and in rows.' },
    label: { type: 'string', description: 'The header as written in the file.' },
    type: {
      type: 'string',
      enum: ['integer', 'decimal', 'date', 'timestamp', 'boolean', 'text']
    },
    kind: {
      type: ['string', 'null'],
      description: 'What the values are, when recognised: insee_commune, postal_code, siren, ' +
        'siret, latitude, longitude, lat_lon, email, phone_fr, url, iban, nir.'
    }
  },
  required: ['name', 'label', 'type']
} as const

export const revisionSummarySchema = {
  $id: 'RevisionSummary',
  type: 'object',
  properties: {
    id: uuid,
    status: { type: 'string', enum: ['ingesting', 'ready', 'failed', 'superseded'] },
    file_name: { type: 'string' },
    byte_size: { type: ['integer', 'null'] },
    sha256: { type: ['string', 'null'] },
    row_count: { type: ['integer', 'null'] },
    encoding: { type: ['string', 'null'] },
    delimiter: { type: ['string', 'null'] },
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: ['string', 'null'], format: 'date-time' }
  },
  required: ['id', 'status', 'file_name', 'created_at']
} as const

export const resourceSchema = {
  $id: 'Resource',
  type: 'object',
  properties: {
    id: uuid,
    dataset_id: uuid,
    title: { type: 'string' },
    description: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    current_revision: {
      anyOf: [{ $ref: 'RevisionSummary#' }, { type: 'null' }],
      description: 'The revision being served; null before the first upload.'
    },
    columns: { type: 'array', items: { $ref: 'Column#' } },
    download_url: { type: ['string', 'null'] },
    records_url: { type: ['string', 'null'] }
  },
  required: [
    'id', 'dataset_id', 'title', 'description', 'created_at', 'updated_at',
    'current_revision', 'columns', 'download_url', 'records_url'
  ]
} as const

export const resourceListQuery = {
  type: 'object',
  properties: pageQuery,
  additionalProperties: false
} as const

export const resourceListSchema = {
  type: 'object',
  properties: { data: { type: 'array', items: { $ref: 'Resource#' } }, ...pageMeta },
  required: ['data', 'total', 'next_cursor']
} as const
