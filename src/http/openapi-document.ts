import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { pino } from 'pino'

import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { connect } from '../db/database.js'
import { FileStore } from '../ingest/file-store.js'

const here = path.dirname(fileURLToPath(import.meta.url))
export const OPENAPI_FILE = path.resolve(here, '..', '..', 'openapi', 'openapi.json')

// The document as the routes declare it, for a fixed public URL so that the
// committed file does not depend on who generated it. No connection is opened:
// building the app only declares routes.
export async function openapiDocument(): Promise<unknown> {
  const config = loadConfig({ PUBLIC_URL: 'http://localhost:3000' })
  const handle = connect('postgres://unused@127.0.0.1:1/unused', 1)
  const app = await buildApp({
    config,
    db: handle.db,
    pool: handle.pool,
    signingKey: new Uint8Array(32),
    files: new FileStore(config.filesDir),
    logger: pino({ level: 'silent' })
  })
  await app.ready()
  const document = app.swagger()
  await app.close()
  await handle.destroy()
  return document
}
