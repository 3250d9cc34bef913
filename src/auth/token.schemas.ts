import { ROLES } from '../db/schema.js'
import { uuid } from '../http/schemas.js'

export const createTokenBody = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, description: 'Who or what uses it.' },
    role: { type: 'string', enum: ROLES },
    ttl_days: {
      type: 'integer',
      minimum: 0,
      maximum: 3650,
      description: 'Days until it expires; 0 for never. Defaults to TOKEN_TTL_DAYS.'
    }
  },
  required: ['name', 'role'],
  additionalProperties: false
} as const

export const issuedTokenSchema = {
  type: 'object',
  properties: {
    id: uuid,
    token: { type: 'string', description: 'Shown once; keep it secret.' },
    role: { type: 'string', enum: ROLES },
    expires_at: { type: ['string', 'null'], format: 'date-time' }
  },
  required: ['id', 'token', 'role', 'expires_at']
} as const

const timestamp = { type: ['string', 'null'], format: 'date-time' } as const

export const tokenListSchema = {
  type: 'object',
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: uuid,
          name: { type: 'string' },
          role: { type: 'string', enum: ROLES },
          created_at: { type: 'string', format: 'date-time' },
          expires_at: timestamp,
          revoked_at: timestamp,
          last_used_at: timestamp
        },
        required: ['id', 'name', 'role', 'created_at']
      }
    }
  },
  required: ['data']
} as const
