import { sql } from 'kysely'
import type pg from 'pg'

import type { Db } from '../db/database.js'
import type { LoadPhase } from '../db/schema.js'

export async function insertRevision(
  db: Db,
  fields: { resourceId: string; fileName: string; mediaType: string; createdBy: string | null }
): Promise<string> {
  const row = await db
    .insertInto('revision')
    .values({
      resource_id: fields.resourceId,
      status: 'ingesting',
      file_name: fields.fileName,
      media_type: fields.mediaType,
      created_by: fields.createdBy
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function recordStoredFile(
  db: Db,
  id: string,
  file: { key: string; size: number; sha256: string }
): Promise<void> {
  await db
    .updateTable('revision')
    .set({ storage_path: file.key, byte_size: file.size, sha256: file.sha256 })
    .where('id', '=', id)
    .execute()
}

export async function recordProgress(
  db: Db,
  id: string,
  p: { phase: LoadPhase; bytes: number; rows: number }
): Promise<void> {
  await db
    .updateTable('revision')
    .set({ phase: p.phase, bytes_received: p.bytes, rows_loaded: p.rows })
    .where('id', '=', id)
    .where('status', '=', 'ingesting')
    .execute()
}

export async function markRevisionFailed(db: Db, id: string, error: object): Promise<void> {
  await db
    .updateTable('revision')
    .set({ status: 'failed', error: JSON.stringify(error), finished_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'ingesting')
    .execute()
}

export interface ReadyRevision {
  id: string
  resourceId: string
  table: string
  rowCount: number
  columns: object[]
  report: object
}

// Locks the resource row (so two loads finishing together are ordered) and says
// whether this revision should be served: the one uploaded last wins, even if an
// earlier, slower upload finishes after it, and a restore made while a load
// ran holds.
export async function lockAndCheckLatest(
  client: pg.PoolClient,
  resourceId: string,
  revisionId: string
): Promise<boolean> {
  const result = await client.query<{ latest: boolean }>(
    `select r.switched_at is null or r.switched_at <= me.created_at as latest
     from resource r
     join revision me on me.id = $2
     where r.id = $1
     for update of r`,
    [resourceId, revisionId]
  )
  return result.rows[0]?.latest ?? false
}

// The switch: inside the load's transaction, the revision becomes ready and, if
// it is the latest, the resource serves it. Readers see either the old revision
// or the new one, never a mix. The times are the clock's: now() would be when
// the transaction began, with the upload's first bytes.
export async function switchToRevision(
  client: pg.PoolClient,
  r: ReadyRevision,
  serve: boolean
): Promise<void> {
  await client.query(
    `update revision set status = 'ready', table_name = $2, row_count = $3,
       columns = $4, report = $5, finished_at = clock_timestamp(), phase = 'done',
       rows_loaded = $3,
       bytes_received = byte_size
     where id = $1`,
    [r.id, r.table, r.rowCount, JSON.stringify(r.columns), JSON.stringify(r.report)]
  )
  if (!serve) return
  await client.query(
    `update resource set current_revision_id = $2, updated_at = clock_timestamp(),
       switched_at = (select created_at from revision where id = $2)
     where id = $1`,
    [r.resourceId, r.id]
  )
}

// Ready revisions beyond the number kept lose their table and file; the
// revision row stays as history. The one the resource serves is always kept.
// Returns what to delete once committed.
export async function supersedeOldRevisions(
  client: pg.PoolClient,
  resourceId: string,
  keep: number
): Promise<Array<{ table_name: string | null; storage_path: string | null }>> {
  const result = await client.query<{ table_name: string | null; storage_path: string | null }>(
    `with old as (
       select id, table_name, storage_path from revision
       where resource_id = $1 and status = 'ready'
         and id <> (select current_revision_id from resource where id = $1)
       order by created_at desc offset $2
     )
     update revision r set status = 'superseded', table_name = null, storage_path = null
     from old where r.id = old.id
     returning old.table_name, old.storage_path`,
    [resourceId, keep - 1]
  )
  return result.rows
}

export async function failInterruptedRevisions(db: Db) {
  return db
    .updateTable('revision')
    .set({
      status: 'failed',
      finished_at: new Date(),
      error: JSON.stringify({
        code: 'INGEST_INTERRUPTED',
        detail: 'The service stopped before this upload finished loading.'
      })
    })
    .where('status', '=', 'ingesting')
    .returning(['id', 'storage_path'])
    .execute()
}

export async function liveStorage(db: Db) {
  return db
    .selectFrom('revision')
    .select(['table_name', 'storage_path'])
    .where('status', 'in', ['ready', 'ingesting'])
    .execute()
}

export async function findRevision(db: Db, id: string) {
  return db.selectFrom('revision').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listRevisions(db: Db, resourceId: string) {
  return db
    .selectFrom('revision')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .orderBy('created_at', 'desc')
    .execute()
}

// Serves an older revision again. Only a ready revision still has its table.
export async function restoreRevision(db: Db, resourceId: string, revisionId: string) {
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('resource')
      .select('id')
      .where('id', '=', resourceId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const result = await trx
      .updateTable('resource')
      .set({ current_revision_id: revisionId, updated_at: sql`now()`, switched_at: sql`now()` })
      .where('id', '=', resourceId)
      .where((eb) => eb.exists(
        eb.selectFrom('revision')
          .select('id')
          .where('id', '=', revisionId)
          .where('resource_id', '=', resourceId)
          .where('status', '=', 'ready')
      ))
      .executeTakeFirst()
    return result.numUpdatedRows > 0n
  })
}
