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

export async function listResources(db: Db, datasetId: string) {
  return resourceQuery(db)
    .where('resource.dataset_id', '=', datasetId)
    .orderBy('resource.created_at')
    .orderBy('resource.id')
    .execute()
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
