import { sql } from 'kysely'

import type { Db } from '../db/database.js'

// A resource with what decides who may see it (its dataset's state and owner)
// and the revision it serves, in one round trip.
function resourceQuery(db: Db) {
  return db
    .selectFrom('resource')
    .innerJoin('dataset', 'dataset.id', 'resource.dataset_id')
    .leftJoin('revision', 'revision.id', 'resource.current_revision_id')
    .select([
      'resource.id',
      'resource.dataset_id',
      'resource.title',
      'resource.description',
      'resource.created_at',
      'resource.updated_at',
      'resource.current_revision_id',
      'dataset.state',
      'dataset.organization_id',
      'revision.status as revision_status',
      'revision.file_name',
      'revision.byte_size',
      'revision.sha256',
      'revision.row_count',
      'revision.columns',
      'revision.report',
      'revision.table_name',
      'revision.storage_path',
      'revision.media_type',
      'revision.created_at as revision_created_at',
      'revision.finished_at'
    ])
}

export type ResourceWithRevision = NonNullable<Awaited<ReturnType<typeof findResource>>>

export async function findResource(db: Db, id: string) {
  return resourceQuery(db).where('resource.id', '=', id).executeTakeFirst()
}

export async function listResources(
  db: Db,
  datasetId: string,
  page: { limit: number; after?: [string, string] | undefined }
) {
  const total = await db
    .selectFrom('resource')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('dataset_id', '=', datasetId)
    .executeTakeFirstOrThrow()

  let query = resourceQuery(db)
    .select(sql<string>`resource.created_at::text`.as('cursor_at'))
    .where('resource.dataset_id', '=', datasetId)
  if (page.after !== undefined) {
    const [at, id] = page.after
    query = query.where(
      sql<boolean>`(resource.created_at, resource.id) > (${at}::timestamptz, ${id}::uuid)`
    )
  }
  const rows = await query
    .orderBy('resource.created_at')
    .orderBy('resource.id')
    .limit(page.limit + 1)
    .execute()
  return { rows, total: Number(total.n) }
}

export async function insertResource(
  db: Db,
  datasetId: string,
  fields: { title: string; description?: string | undefined }
) {
  const row = await db
    .insertInto('resource')
    .values({ dataset_id: datasetId, title: fields.title, description: fields.description ?? '' })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateResource(
  db: Db,
  id: string,
  fields: { title?: string | undefined; description?: string | undefined }
): Promise<void> {
  await db
    .updateTable('resource')
    .set({ ...fields, updated_at: new Date() })
    .where('id', '=', id)
    .execute()
}
