import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Writable } from 'node:stream'

import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { pino } from 'pino'

import { buildApp } from '../../src/app.js'
import { bootstrapOrganization } from '../../src/auth/bootstrap.js'
import { insertOrganization } from '../../src/auth/organization.queries.js'
import { issueToken, loadSigningKey } from '../../src/auth/tokens.js'
import { type Config, loadConfig } from '../../src/config.js'
import { connect, type DatabaseHandle } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { FileStore } from '../../src/ingest/file-store.js'

export interface Teardown {
  teardown: (fn: () => Promise<void> | void) => void
}

export interface TestApp {
  app: FastifyInstance
  config: Config
  handle: DatabaseHandle
  files: FileStore
  adminToken: string
  databaseUrl: string
  dataDir: string
  // The admin token of a second organization, made on the spot: the API makes none
  // (one town per deployment), but the data of each must stay its own.
  otherOrganization: (name: string) => Promise<string>
}

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL
  if (url === undefined || url === '') {
    throw new Error('run the tests with `npm test`, which provides a PostgreSQL')
  }
  return url
}

// A database of its own for the calling test file, created empty; the caller
// drops it when done. Test files never share state.
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = new URL(serverUrl())
  const name = `ouv_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: server.toString() })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()

  const drop = async () => {
    const client = new pg.Client({ connectionString: server.toString() })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  }

  const url = new URL(server.toString())
  url.pathname = `/${name}`
  return { url: url.toString(), drop }
}

export async function buildTestApp(
  t: Teardown,
  env: Record<string, string> = {},
  options: {
    // Runs on the new, empty database before the app connects to it.
    prepare?: (client: pg.Client) => Promise<void>
    // Receives the app's log lines (at info level and above), for tests that read them.
    log?: Writable
  } = {}
): Promise<TestApp> {
  const { prepare } = options
  const { url: databaseUrl, drop } = await createTestDatabase()
  if (prepare !== undefined) {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      await prepare(client)
    } finally {
      await client.end()
    }
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-test-'))
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    ORG_NAME: 'Ville de Test',
    ...env
  })

  const handle = connect(databaseUrl, 5)
  await migrateToLatest(handle.db)
  const files = new FileStore(config.filesDir)
  await files.init()
  const signingKey = await loadSigningKey(handle.db, '')
  const admin = await bootstrapOrganization(handle.db, signingKey, config.ORG_NAME)
  if (admin === null) throw new Error('a new test database already had an organization')

  const logger = options.log === undefined
    ? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
    : pino({ level: 'info' }, options.log)
  const { db, pool } = handle
  const app = await buildApp({ config, db, pool, signingKey, files, logger })

  // In this order: nothing may still be using the database when it is dropped.
  t.teardown(async () => {
    await app.close()
    await handle.destroy()
    await drop()
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  const otherOrganization = async (name: string) => {
    const organizationId = await insertOrganization(db, name)
    const issued = await issueToken(db, signingKey, {
      organizationId, role: 'admin', name: 'other admin', createdBy: null, ttlDays: 0
    })
    return issued.token
  }

  return {
    app, config, handle, files, adminToken: admin.token, databaseUrl, dataDir, otherOrganization
  }
}
