import path from 'node:path'

import { Ajv, type ErrorObject } from 'ajv'
import type { FromSchema } from 'json-schema-to-ts'

// Every setting comes from the environment, so the same build runs on a laptop
// (embedded PostgreSQL, zero configuration) and in a container (DATABASE_URL).
export const configSchema = {
  type: 'object',
  properties: {
    HOST: { type: 'string', default: '127.0.0.1' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    PUBLIC_URL: { type: 'string', default: '' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info'
    },
    DATABASE_URL: { type: 'string', default: '' },
    DATA_DIR: { type: 'string', default: './data' },
    EMBEDDED_PG_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 54329 },
    ORG_NAME: { type: 'string', minLength: 1, default: 'Ma commune' },
    JWT_SECRET: { type: 'string', default: '' },
    TOKEN_TTL_DAYS: { type: 'integer', minimum: 0, default: 365 },
    MAX_UPLOAD_BYTES: { type: 'integer', minimum: 1, default: 2147483648 },
    MAX_COLUMNS: { type: 'integer', minimum: 1, maximum: 1500, default: 1000 },
    MAX_CELL_BYTES: { type: 'integer', minimum: 1, default: 1048576 },
    MAX_ROW_CHARS: { type: 'integer', minimum: 1, default: 8388608 },
    UPLOAD_IDLE_SECONDS: { type: 'integer', minimum: 1, default: 60 },
    // Each load holds one of the pool's 10 connections until it commits; two or
    // more are left for the API and for the loads' own side writes.
    MAX_CONCURRENT_LOADS: { type: 'integer', minimum: 1, maximum: 8, default: 4 },
    // Uploads under way at once (receiving, waiting for a load slot, loading);
    // past them a 503 with Retry-After, before the body is read.
    MAX_UPLOADS_IN_PROGRESS: { type: 'integer', minimum: 1, default: 16 },
    REVISIONS_KEPT: { type: 'integer', minimum: 1, default: 5 },
    // On SIGTERM, how long requests under way (uploads above all) may take to
    // finish before their connections are closed. Under an orchestrator, keep it
    // a few seconds below the delay after which it kills the process (docker
    // stop: 10 s): stopping the embedded PostgreSQL then takes about 2 s.
    SHUTDOWN_GRACE_SECONDS: { type: 'integer', minimum: 0, default: 5 },
    PAGE_SIZE_DEFAULT: { type: 'integer', minimum: 1, default: 50 },
    PAGE_SIZE_MAX: { type: 'integer', minimum: 1, default: 1000 },
    CATALOG_PAGE_SIZE: { type: 'integer', minimum: 1, maximum: 500, default: 100 }
  },
  additionalProperties: false
} as const

type Env = FromSchema<typeof configSchema>

export type Config = Required<Omit<Env, 'DATA_DIR'>> & {
  DATA_DIR: string
  filesDir: string
  embeddedPgDir: string
  publicUrl: string
}

export class ConfigError extends Error {}

// One refused setting, with what it takes: `LOG_LEVEL must be one of: fatal, …`,
// `MAX_UPLOAD_BYTES must be integer (a number of bytes)`.
function configMistake(error: ErrorObject): string {
  const name = error.instancePath.slice(1) || 'config'
  const allowed = error.params.allowedValues as unknown
  if (error.keyword === 'enum' && Array.isArray(allowed)) {
    return `${name} must be one of: ${allowed.join(', ')}`
  }
  const bytes = name.endsWith('_BYTES') && error.keyword === 'type' ? ' (a number of bytes)' : ''
  return `${name} ${error.message ?? 'is not valid'}${bytes}`
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true })
  const validate = ajv.compile<Env>(configSchema)

  // Only our own keys are copied: the process environment holds much more.
  const keys = Object.keys(configSchema.properties)
  const raw: Record<string, unknown> = {}
  for (const key of keys) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }

  if (!validate(raw)) {
    const details = (validate.errors ?? []).map(configMistake).join('; ')
    throw new ConfigError(`invalid configuration: ${details}`)
  }

  const parsed = raw as Required<Env>
  // A default page larger than the largest allowed would be cut without a word.
  if (parsed.PAGE_SIZE_DEFAULT > parsed.PAGE_SIZE_MAX) {
    throw new ConfigError(
      `invalid configuration: PAGE_SIZE_DEFAULT (${parsed.PAGE_SIZE_DEFAULT}) is larger than ` +
        `PAGE_SIZE_MAX (${parsed.PAGE_SIZE_MAX})`
    )
  }
  const dataDir = path.resolve(parsed.DATA_DIR)
  const publicUrl = (parsed.PUBLIC_URL || `http://localhost:${parsed.PORT}`).replace(/\/+$/, '')
  // Every link the API and the catalogue give starts with it: `localhost:3000`
  // would make IRIs no harvester can follow.
  if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i.test(publicUrl)) {
    throw new ConfigError('invalid configuration: PUBLIC_URL must be an http(s) URL such as ' +
      `https://data.example.fr, not "${parsed.PUBLIC_URL}"`)
  }

  return {
    ...parsed,
    DATA_DIR: dataDir,
    filesDir: path.join(dataDir, 'files'),
    embeddedPgDir: path.join(dataDir, 'postgres'),
    publicUrl
  }
}
