import type { Readable } from 'node:stream'

import type { FastifyBaseLogger as Logger } from 'fastify'
import type pg from 'pg'

import type { Db } from '../db/database.js'
import { AppError } from '../http/errors.js'
import type { Dialect } from './dialect.js'
import { EncodingDetector, type EncodingResult } from './encoding.js'
import type { FileStore } from './file-store.js'
import { tableNameFor } from './identifiers.js'
import { convertColumns, dropTable } from './ingest-table.queries.js'
import { copyFileIntoTable, type LoadInput, type Limits, type ParsedTable } from './loader.js'
import { Progress } from './progress.js'
import type { StoredColumn } from './revision.model.js'
import { buildReport } from './revision.report.js'
import { sniffFile } from './sniff-file.js'
import { type ColumnOutcome, removeTotalRow } from './total-row.js'
import {
  applyDialect, applyEncoding, checkForcedDecoding, type Forced
} from './upload-options.js'
import { GuessMissed, loadStands, withForcedDecimal } from './typed-load.js'
import {
  insertRevision,
  markRevisionFailed,
  recordStoredFile,
  lockAndCheckLatest,
  supersedeOldRevisions,
  switchToRevision
} from './revision.queries.js'

export interface IngestDeps {
  db: Db
  pool: pg.Pool
  files: FileStore
  log: Logger
  limits: Limits & { maxUploadBytes: number; revisionsKept: number }
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
  log.info({ file: upload.fileName }, 'ingest started')
  const progress = new Progress(deps.db, revisionId, log)

  try {
    const result = await storeAndLoad(deps, upload, revisionId, progress)
    const ms = Date.now() - started
    log.info({ rows: result.rowCount, bytes: result.bytes, ms }, 'ingest done')
    return revisionId
  } catch (caught) {
    const error = asLoadProblem(caught)
    const problem = error instanceof AppError ? error : null
    await progress.settle()
    await markRevisionFailed(deps.db, revisionId, {
      code: problem?.code ?? 'INTERNAL',
      detail: problem?.message ?? 'The load failed unexpectedly.',
      ...(problem?.extras ?? {})
    })
    await deps.files.remove(revisionId)
    log.info({ code: problem?.code ?? 'INTERNAL', ms: Date.now() - started }, 'ingest failed')
    throw error
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
  const { stored, detected } = await receive(deps, upload, revisionId, progress)
  const encoding = applyEncoding(detected, forced)
  checkEncoding(encoding)

  const sniffed = await sniffFile(deps.files, revisionId, encoding, stored.size)
  if (forced.encoding !== undefined) checkForcedDecoding(sniffed.sample, forced.encoding)
  const dialect = applyDialect(sniffed.dialect, forced)
  const detection = { encoding: detected.encoding, delimiter: sniffed.dialect.delimiter }

  const client = await deps.pool.connect()
  let broken = true
  try {
    await client.query('begin')
    const load = { upload, revisionId, encoding, dialect, detection }
    const { rowCount, old } = await loadAndSwitch(deps, client, load, progress)
    await client.query('commit')
    broken = false

    for (const o of old) if (o.storage_path !== null) await deps.files.remove(o.storage_path)
    return { rowCount, bytes: stored.size }
  } finally {
    // On failure the connection is destroyed rather than reused: PostgreSQL then
    // rolls back the transaction, whatever state COPY left it in.
    client.release(broken)
  }
}

// The body to disk, hashed, counted and its encoding decided over every byte.
async function receive(deps: IngestDeps, upload: Upload, revisionId: string, progress: Progress) {
  const detector = new EncodingDetector()
  const stored = await deps.files.write(
    revisionId,
    upload.body,
    deps.limits.maxUploadBytes,
    (chunk) => {
      detector.update(chunk)
      progress.received(chunk.length)
    }
  )
  await recordStoredFile(deps.db, revisionId, stored)
  if (stored.size === 0) throw new AppError('CSV_EMPTY', 'The uploaded file has no content.')
  return { stored, detected: detector.finish() }
}

function checkEncoding(encoding: EncodingResult): void {
  if (encoding.binary) {
    const why = encoding.binaryReason ?? 'it holds binary data'
    throw new AppError('CSV_NOT_TEXT', `This is not a CSV text file: ${why}.`)
  }
  if (encoding.invalid !== undefined) {
    const { line } = encoding.invalid
    throw new AppError(
      'CSV_ENCODING_INVALID',
      `The file is UTF-8 but line ${line} holds bytes that are not: the file mixes ` +
        'encodings or was damaged. Save it again as UTF-8.',
      { line }
    )
  }
}

type CopyInput = Omit<LoadInput, 'guessTypes'>

interface Load {
  upload: Upload
  revisionId: string
  encoding: EncodingResult
  dialect: Dialect
  // What detection found, reported beside what was forced: a wrong forced
  // encoding shows there first.
  detection: { encoding: string; delimiter: string }
}

// Inside the caller's transaction: rows copied and typed, a total row left
// out, the revision made ready and (if it is the latest) served, and revisions
// beyond the number kept dropped. Returns what to delete once committed.
async function loadAndSwitch(
  deps: IngestDeps,
  client: pg.PoolClient,
  load: Load,
  progress: Progress
) {
  const { upload, revisionId, encoding, dialect } = load
  const { forced, resourceId } = upload
  const nullMarkers = forced.nullMarkers ?? deps.nullMarkers
  const table = tableNameFor(revisionId)

  progress.enter('loading')
  const copyInput = {
    files: deps.files,
    key: revisionId,
    table,
    encoding,
    dialect,
    limits: deps.limits,
    nullMarkers,
    forcedDecimal: forced.decimal,
    onRows: (rows: number) => progress.loaded(rows)
  }
  const { parsed, outcomes } = await copyWithTypes(client, copyInput, progress.log)

  progress.enter('converting')
  const conversions = outcomes.map((o, i) => ({ ...o, loaded: parsed.columns[i]!.loaded }))
  await convertColumns(client, table, conversions, nullMarkers)
  const rowCount = await removeTotalRow(client, table, parsed, outcomes)

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

// Copied with the types guessed from the first rows when they hold for the
// whole file; otherwise copied again as text, to be converted (typed-load.ts).
async function copyWithTypes(client: pg.PoolClient, input: CopyInput, log: Logger) {
  await client.query('savepoint guessed_types')
  try {
    const parsed = await copyFileIntoTable(client, { ...input, guessTypes: true })
    const outcomes = outcomesOf(parsed, input.forcedDecimal)
    const loaded = parsed.columns.map((c) => c.loaded)
    if (loadStands(loaded, outcomes.map((o) => o.format))) return { parsed, outcomes }
    log.info('guessed types changed by later rows; copying again as text')
  } catch (error) {
    if (!(error instanceof GuessMissed)) throw error
    log.info({ column: error.column, line: error.line }, 'guessed type missed; copying as text')
  }

  await client.query('rollback to savepoint guessed_types')
  const parsed = await copyFileIntoTable(client, { ...input, guessTypes: false })
  return { parsed, outcomes: outcomesOf(parsed, input.forcedDecimal) }
}

function outcomesOf(parsed: ParsedTable, decimal: '.' | ',' | undefined): ColumnOutcome[] {
  return parsed.columns.map((c) => {
    const profile = c.profile.result()
    const { nullCount, min, max, kind, personal, distinct } = profile
    const format = withForcedDecimal(profile.format, decimal)
    return { physical: c.physical, format, nullCount, min, max, kind, personal, distinct }
  })
}

// PostgreSQL refusals that come from the file itself, told as such.
function asLoadProblem(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (code === '54000') {
    return new AppError(
      'CSV_ROW_TOO_WIDE',
      'A row of this file is wider than a PostgreSQL row can be (about 8 kB of short ' +
        'values); split the file into fewer columns.',
      {},
      error
    )
  }
  return error
}
