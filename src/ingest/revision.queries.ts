import type pg from 'pg'

import type { Db } from '../db/database.js'

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

// The switch: inside the load's transaction, the revision becomes ready and the
// resource serves it. Readers see either the old revision or the new one.
// Locking the resource row orders two loads that finish together.
export async function switchToRevision(client: pg.PoolClient, r: ReadyRevision): Promise<void> {
  await client.query('select 1 from resource where id = $1 for update', [r.resourceId])
  await client.query(
    `update revision set status = 'ready', table_name = $2, row_count = $3,
       columns = $4, report = $5, finished_at = now()
     where id = $1`,
    [r.id, r.table, r.rowCount, JSON.stringify(r.columns), JSON.stringify(r.report)]
  )
  await client.query(
    'update resource set current_revision_id = $2, updated_at = now() where id = $1',
    [r.resourceId, r.id]
  )
}

// Ready revisions beyond the number kept lose their table and file; the
// revision row stays as history. The one just made current is always kept,
// whenever it was started (a slow upload may finish after quicker ones).
// Returns what to delete once committed.
export async function supersedeOldRevisions(
  client: pg.PoolClient,
  resourceId: string,
  currentId: string,
  keep: number
): Promise<Array<{ table_name: string | null; storage_path: string | null }>> {
  const result = await client.query<{ table_name: string | null; storage_path: string | null }>(
    `with old as (
       select id, table_name, storage_path from revision
       where resource_id = $1 and status = 'ready' and id <> $3
       order by finished_at desc, created_at desc offset $2
     )
     update revision r set status = 'superseded', table_name = null, storage_path = null
     from old where r.id = old.id
     returning old.table_name, old.storage_path`,
    [resourceId, keep - 1, currentId]
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
