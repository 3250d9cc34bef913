import type { Readable } from 'node:stream'

import type pg from 'pg'

import { type CopyInput, copyWithTypes } from './copy-with-types.js'
import type { Loading, Settings } from './early-load.js'
import { tableNameFor } from './identifiers.js'
import type { IngestDeps, Upload } from './ingest.service.js'
import type { Progress } from './progress.js'

// How a load begins, for an upload stored or still arriving (early-load.ts).

interface Begin {
  upload: Upload
  revisionId: string
  settings: Settings
  open: () => Readable | Promise<Readable>
}

// A load slot (see load-slots.ts; unless `wait`, one free now or an error), a
// connection, a transaction, and the copy started in it (not awaited: an early
// load runs while the upload is still arriving).
export async function beginLoad(
  deps: IngestDeps,
  begin: Begin,
  progress: Progress,
  wait: boolean
): Promise<Loading> {
  const { forced } = begin.upload
  if (!deps.loads.tryTake()) {
    if (!wait) throw new Error('no load slot free')
    progress.enter('queued')
    await deps.loads.take()
  }
  let client: pg.PoolClient
  try {
    client = await deps.pool.connect()
  } catch (error) {
    deps.loads.give()
    throw error
  }
  // A connection lost while checked out (PostgreSQL shut down mid-load) is
  // reported on the client as well as to the query under way: noted, so that
  // whatever error surfaces first is told as the lost connection it is.
  let gone = false
  const lost = (error: Error) => {
    gone = true
    progress.log.warn({ err: error }, 'load connection lost')
  }
  const ended = () => (gone = true)
  client.on('error', lost)
  client.on('end', ended)
  let released = false
  const release = (broken: boolean) => {
    if (released) return
    released = true
    client.off('error', lost)
    client.off('end', ended)
    client.release(broken)
    deps.loads.give()
  }
  try {
    await client.query('begin')
  } catch (error) {
    release(true)
    throw error
  }

  progress.enter('loading')
  const input: CopyInput = {
    open: begin.open,
    table: tableNameFor(begin.revisionId),
    encoding: begin.settings.encoding,
    dialect: begin.settings.dialect,
    limits: deps.limits,
    nullMarkers: forced.nullMarkers ?? deps.nullMarkers,
    forcedDecimal: forced.decimal,
    onRows: (rows: number) => progress.loaded(rows),
    checkGoing: () => deps.loads.checkGoing()
  }
  const copied = copyWithTypes(client, input, progress.log)
  // Awaited by the caller once the upload is in; not an unhandled rejection
  // meanwhile.
  copied.catch(() => undefined)
  return { client, settings: begin.settings, copied, release, lost: () => gone }
}
