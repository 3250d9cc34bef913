import type { Db } from '../db/database.js'

// Harvesters see published datasets only: every query here says so itself,
// rather than trusting a caller to filter.

export async function countPublished(db: Db): Promise<number> {
  const row = await db
    .selectFrom('dataset')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('state', '=', 'published')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

// Ordered by id, a key that never changes, so pages do not shift while a
// harvester walks them.
export async function publishedDatasets(db: Db, offset: number, limit: number) {
  return db
    .selectFrom('dataset')
    .innerJoin('organization', 'organization.id', 'dataset.organization_id')
    .select([
      'dataset.id',
      'dataset.title',
      'dataset.description',
      'dataset.keywords',
      'dataset.license',
      'dataset.published_at',
      'dataset.updated_at',
      'dataset.organization_id',
      'organization.name as organization_name'
    ])
    .where('dataset.state', '=', 'published')
    .orderBy('dataset.id')
    .offset(offset)
    .limit(limit)
    .execute()
}

export type CatalogDataset = Awaited<ReturnType<typeof publishedDatasets>>[number]

// Distributions: resources that serve a revision (a resource with no file yet
// has nothing to download).
export async function distributionsOf(db: Db, datasetIds: string[]) {
  if (datasetIds.length === 0) return []
  return db
    .selectFrom('resource')
    .innerJoin('revision', 'revision.id', 'resource.current_revision_id')
    .innerJoin('dataset', 'dataset.id', 'resource.dataset_id')
    .select([
      'resource.id',
      'resource.dataset_id',
      'resource.title',
      'resource.description',
      'revision.byte_size',
      'revision.sha256',
      'revision.finished_at',
      'revision.file_name'
    ])
    .where('resource.dataset_id', 'in', datasetIds)
    .where('dataset.state', '=', 'published')
    .where('revision.status', '=', 'ready')
    .orderBy('resource.created_at')
    .execute()
}

export type CatalogDistribution = Awaited<ReturnType<typeof distributionsOf>>[number]

export async function findOrganization(db: Db, id: string) {
  return db.selectFrom('organization').select(['id', 'name']).where('id', '=', id)
    .executeTakeFirst()
}

export async function mainOrganization(db: Db) {
  return db
    .selectFrom('organization')
    .select(['id', 'name'])
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst()
}
