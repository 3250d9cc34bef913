import type { Readable } from 'node:stream'

import type { FastifyBaseLogger as Logger } from 'fastify'
import type pg from 'pg'

import { tokenHoldsAtCommit } from '../auth/token.queries.js'
import type { Db } from '../db/database.js'
import { isDatabaseGone } from '../db/unavailable.js'
import { AppError } from '../http/errors.js'
import { beginLoad } from './begin-load.js'
import type { Copied } from './copy-with-types.js'
import type { Dialect } from './dialect.js'
import { type BeginLoad, EarlyLoad, type Loading } from './early-load.js'
import type { EncodingResult } from './encoding.js'
import type { FileStore } from './file-store.js'
import { tableNameFor } from './identifiers.js'
import { dropEmptyColumns } from './empty-columns.js'
import { convertColumns, dropTable } from './ingest-table.queries.js'
import type { Limits } from './loader.js'
import { Progress } from './progress.js'
import { checkEncoding, receive, type Received } from './receive.js'
import type { StoredColumn } from './revision.model.js'
import { buildReport } from './revision.report.js'
import { sniffFile } from './sniff-file.js'
import { removeTotalRow } from './total-row.js'
import { asLoadProblem, connectionLost } from './load-problem.js'
import type { LoadSlots } from './load-slots.js'
import {
  applyDialect, applyEncoding, checkForcedDecoding, type Forced
} from './upload-options.js'
import {
  insertRevision,
  markRevisionFailed,
  lockAndCheckLatest,
  supersedeOldRevisions,
  switchToRevision
} from './revision.queries.js'

export interface IngestDeps {
  db: Db
  pool: pg.Pool
  loads: LoadSlots
  files: FileStore
  log: Logger
  limits: Limits & { maxUploadBytes: number; revisionsKept: number; uploadIdleMs: number }
  nullMarkers: string[]
}

export interface Upload {
  resourceId: string
  fileName: string
  mediaType: string
  createdBy: string | null
  body: Readable
  forced: Forced
}

// One upload, from the socket to a served revision: store the original while
// hashing it and detecting its encoding, then load it into a new table and
// switch the resource to it in one transaction. On any failure the revision is
// marked failed with the reason, and the resource keeps serving what it served.
export async function ingestUpload(deps: IngestDeps, upload: Upload) {
  const started = Date.now()
  const revisionId = await insertRevision(deps.db, upload)
  const log = deps.log.child({ revision: revisionId, resource: upload.resourceId })
  // Not the file's name, which may name a person (`liste_martin.csv`): the revision
  // id leads to it.
  log.info('ingest started')
  const progress = new Progress(deps.db, revisionId, log)

  try {
    const result = await storeAndLoad(deps, upload, revisionId, progress)
    const ms = Date.now() - started
    log.info({ rows: result.rowCount, bytes: result.bytes, ms }, 'ingest done')
    return revisionId
  } catch (caught) {
    // Once the service is stopping, whatever broke the upload (its connection
    // closed, most often) is the stop.
    const error = deps.loads.stopped ? deps.loads.stopping(caught) : asLoadProblem(caught)
    const problem = error instanceof AppError ? error : null
    await progress.settle()
    const failure = {
      code: problem?.code ?? 'INTERNAL',
      detail: problem?.message ?? 'The load failed unexpectedly.',
      ...(problem?.extras ?? {})
    }
    await recordFailure(deps, revisionId, failure, log)
    await deps.files.remove(revisionId)
    log.info({ code: problem?.code ?? 'INTERNAL', ms: Date.now() - started }, 'ingest failed')
    throw error
  }
}

// The failure on record. The connection that ran the load may have died with the
// database's restart, and the pool may hand out another dead one: tried twice.
// Left unrecorded, the revision is marked failed by the next start's clean-up.
async function recordFailure(deps: IngestDeps, id: string, failure: object, log: Logger) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await markRevisionFailed(deps.db, id, failure)
      return
    } catch (error) {
      // A stop takes the embedded database down while uploads end: expected, and
      // what the next start's clean-up is for.
      if (deps.loads.closing && isDatabaseGone(error)) {
        log.warn('failed load left unrecorded: the database stopped; the next start marks it')
        return
      }
      if (attempt === 2 || !isDatabaseGone(error)) {
        log.error({ err: error }, 'could not record the failed load')
        return
      }
    }
  }
}

function storedColumn(c: ReturnType<typeof buildReport>['columns'][number]): StoredColumn {
  const zoned = 'offset' in c.format ? { zoned: c.format.offset } : {}
  const { name, label, physical, type, semantic_kind: kind } = c
  return { name, label, physical, type, kind, ...zoned }
}

async function storeAndLoad(
  deps: IngestDeps,
  upload: Upload,
  revisionId: string,
  progress: Progress
) {
  const { forced } = upload
  const begin = (wait: boolean): BeginLoad => (settings, open) =>
    beginLoad(deps, { upload, revisionId, settings, open }, progress, wait)
  const early = new EarlyLoad(begin(false), forced, () => deps.files.open(revisionId))
  const receiveInput = {
    db: deps.db,
    files: deps.files,
    maxBytes: deps.limits.maxUploadBytes,
    idleMs: deps.limits.uploadIdleMs,
    revisionId,
    body: upload.body
  }

  let received: Received
  try {
    received = await receive(receiveInput, progress, (chunk) => early.take(chunk))
  } catch (error) {
    await early.abandon(error)
    throw error
  }
  const encoding = applyEncoding(received.detected, forced)
  const loading = (await early.confirm(encoding)) ??
    (await loadStored(deps, upload, revisionId, received, begin(true)))

  let broken = true
  try {
    const copied = await loading.copied
    const { settings } = loading
    const detection = { encoding: received.detected.encoding, delimiter: settings.sniffedDelimiter }
    const load = { upload, revisionId, encoding, dialect: settings.dialect, detection }
    const { rowCount, old } = await finishLoad(deps, loading.client, load, copied, progress)
    // Past the grace period of a shutdown, the client was cut off: no commit.
    deps.loads.checkGoing()
    await loading.client.query('commit')
    broken = false

    for (const o of old) if (o.storage_path !== null) await deps.files.remove(o.storage_path)
    return { rowCount, bytes: received.stored.size }
  } catch (error) {
    throw loading.lost() ? connectionLost(error) : error
  } finally {
    // On failure the connection is destroyed rather than reused: PostgreSQL then
    // rolls back the transaction, whatever state COPY left it in.
    loading.release(broken)
  }
}

// The stored file, detected over every byte, then loaded from disk: files too
// small to start early, and those whose first bytes misled (see EarlyLoad).
async function loadStored(
  deps: IngestDeps,
  upload: Upload,
  revisionId: string,
  received: Received,
  begin: BeginLoad
): Promise<Loading> {
  const { forced } = upload
  const encoding = applyEncoding(received.detected, forced)
  checkEncoding(encoding)

  const sniffed = await sniffFile(deps.files, revisionId, encoding, received.stored.size)
  if (forced.encoding !== undefined) checkForcedDecoding(sniffed.sample, forced.encoding)
  const dialect = applyDialect(sniffed.dialect, forced)
  const settings = { encoding, dialect, sniffedDelimiter: sniffed.dialect.delimiter }
  return begin(settings, () => deps.files.open(revisionId))
}

interface Load {
  upload: Upload
  revisionId: string
  encoding: EncodingResult
  dialect: Dialect
  // What detection found, reported beside what was forced: a wrong forced
  // encoding shows there first.
  detection: { encoding: string; delimiter: string }
}

// Inside the load's transaction, once rows are copied: columns typed, a total
// row left out, the revision made ready and (if it is the latest) served, and
// revisions beyond the number kept dropped. Returns what to delete once
// committed.
async function finishLoad(
  deps: IngestDeps,
  client: pg.PoolClient,
  load: Load,
  copied: Copied,
  progress: Progress
) {
  const { upload, revisionId, encoding, dialect } = load
  const { forced, resourceId } = upload
  const nullMarkers = forced.nullMarkers ?? deps.nullMarkers
  const table = tableNameFor(revisionId)

  progress.enter('converting')
  const conversions = copied.outcomes.map((o, i) =>
    ({ ...o, loaded: copied.parsed.columns[i]!.loaded }))
  await convertColumns(client, table, conversions, nullMarkers)
  const rowCount = await removeTotalRow(client, table, copied.parsed, copied.outcomes,
    { forcedDecimal: forced.decimal, nullMarkers })
  const { parsed, outcomes } =
    await dropEmptyColumns(client, table, copied.parsed, copied.outcomes, dialect.header)

  if (!(await tokenHoldsAtCommit(client, upload.createdBy))) {
    throw new AppError('TOKEN_INVALID', 'The token was revoked or expired while the file ' +
      'was sent: nothing was changed.')
  }

  // The switch below locks the revision row: no progress write may be left
  // waiting on it, or it would wait for this very transaction.
  await progress.settle()
  const serve = await lockAndCheckLatest(client, resourceId, revisionId)
  if (!serve) {
    parsed.warnings.add({
      code: 'NEWER_UPLOAD_SERVED',
      message: 'A newer upload of this resource finished first: this revision is kept, ' +
        'not served.'
    })
  }

  const report = {
    ...buildReport(encoding, dialect, parsed, outcomes, rowCount),
    forced,
    detected: load.detection
  }
  const columns = report.columns.map(storedColumn)
  await switchToRevision(client, { id: revisionId, resourceId, table, rowCount, columns, report },
    serve)

  const old = await supersedeOldRevisions(client, resourceId, deps.limits.revisionsKept)
  for (const o of old) if (o.table_name !== null) await dropTable(client, o.table_name)
  return { rowCount, old }
}
