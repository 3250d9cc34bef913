import { DATASET_STATES } from '../db/schema.js'
import { pageMeta, pageQuery, uuid } from '../http/schemas.js'
import { LICENCE_IDS } from './licences.js'

const title = { type: 'string', minLength: 1, maxLength: 300 } as const
const description = { type: 'string', maxLength: 20000 } as const
const keywords = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 100 },
  maxItems: 50
} as const
const licence = {
  type: 'string',
  enum: LICENCE_IDS,
  description: 'Licence id; Licence Ouverte 2.0 by default.'
} as const

export const createDatasetBody = {
  type: 'object',
  properties: { title, description, keywords, license: licence },
  required: ['title'],
  additionalProperties: false
} as const

export const updateDatasetBody = {
  type: 'object',
  properties: { title, description, keywords, license: licence },
  additionalProperties: false,
  minProperties: 1
} as const

export const datasetSchema = {
  $id: 'Dataset',
  type: 'object',
  properties: {
    id: uuid,
    organization_id: uuid,
    title: { type: 'string' },
    description: { type: 'string' },
    keywords: { type: 'array', items: { type: 'string' } },
    license: { type: 'string' },
    state: { type: 'string', enum: DATASET_STATES },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    published_at: { type: ['string', 'null'], format: 'date-time' }
  },
  required: [
    'id', 'organization_id', 'title', 'description', 'keywords', 'license', 'state',
    'created_at', 'updated_at', 'published_at'
  ]
} as const

export const datasetListQuery = {
  type: 'object',
  properties: {
    ...pageQuery,
    state: {
      type: 'string',
      enum: DATASET_STATES,
      description: 'Only datasets in this state (anonymous callers see published ones only).'
    }
  },
  additionalProperties: false
} as const

export const datasetListSchema = {
  type: 'object',
  properties: {
    data: { type: 'array', items: { $ref: 'Dataset#' } },
    ...pageMeta
  },
  required: ['data', 'total', 'next_cursor']
} as const
