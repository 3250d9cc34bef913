import type { Db } from '../db/database.js'

export async function countOrganizations(db: Db): Promise<number> {
  const row = await db
    .selectFrom('organization')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertOrganization(db: Db, name: string): Promise<string> {
  const row = await db
    .insertInto('organization')
    .values({ name })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
