import { sql } from 'kysely'

import type { Actor } from '../auth/roles.js'
import type { Db } from '../db/database.js'
import type { DatasetRow, DatasetState } from '../db/schema.js'
import { visibleTo } from './visibility.js'

export interface DatasetListFilter {
  limit: number
  state?: DatasetState | undefined
  // (created_at as exact text, id) of the last item already sent
  after?: [string, string] | undefined
}

export async function listDatasets(db: Db, actor: Actor | null, filter: DatasetListFilter) {
  let query = db.selectFrom('dataset').where(visibleTo(actor))
  if (filter.state !== undefined) query = query.where('state', '=', filter.state)

  const total = await query
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()

  let page = query.selectAll().select(sql<string>`created_at::text`.as('cursor_at'))
  if (filter.after !== undefined) {
    const [at, id] = filter.after
    page = page.where(sql<boolean>`(created_at, id) > (${at}::timestamptz, ${id}::uuid)`)
  }

  const rows = await page.orderBy('created_at').orderBy('id').limit(filter.limit + 1).execute()
  return { rows, total: Number(total.n) }
}

export async function findDataset(db: Db, id: string): Promise<DatasetRow | undefined> {
  return db.selectFrom('dataset').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface DatasetFields {
  title?: string | undefined
  description?: string | undefined
  keywords?: string[] | undefined
  license?: string | undefined
}

export async function insertDataset(db: Db, organizationId: string, fields: DatasetFields) {
  return db
    .insertInto('dataset')
    .values({
      organization_id: organizationId,
      title: fields.title ?? '',
      description: fields.description ?? '',
      keywords: fields.keywords ?? [],
      license: fields.license ?? 'etalab-2.0',
      state: 'draft'
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateDataset(db: Db, id: string, fields: DatasetFields) {
  return db
    .updateTable('dataset')
    .set({ ...fields, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

// The first publication date is kept when a dataset is unpublished and published
// again: harvesters read it as dct:issued. Both dates come from the database's clock,
// as one instant: with this process's clock, read before the query, a first
// publication's dct:modified came out a millisecond before its dct:issued.
export async function setDatasetState(db: Db, id: string, state: DatasetState) {
  return db
    .updateTable('dataset')
    .set((eb) => ({
      state,
      updated_at: sql<Date>`now()`,
      published_at: state === 'published'
        ? eb.fn.coalesce('published_at', sql<Date>`now()`)
        : eb.ref('published_at')
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}
