import { sql } from 'kysely'
import type pg from 'pg'

import type { Db } from '../db/database.js'
import type { Role } from '../db/schema.js'

export async function findSigningKey(db: Db): Promise<Buffer | undefined> {
  const row = await db.selectFrom('signing_key').select('secret').executeTakeFirst()
  return row?.secret
}

// Two processes starting at once must end up with the same key: the second
// insert does nothing and both read back the winner's row.
export async function createSigningKey(db: Db, secret: Buffer): Promise<Buffer> {
  await db
    .insertInto('signing_key')
    .values({ secret })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
  const key = await findSigningKey(db)
  if (key === undefined) throw new Error('signing key missing after insert')
  return key
}

export interface NewToken {
  id: string
  organizationId: string
  name: string
  role: Role
  createdBy: string | null
  expiresAt: Date | null
}

export async function insertToken(db: Db, token: NewToken): Promise<void> {
  await db
    .insertInto('api_token')
    .values({
      id: token.id,
      organization_id: token.organizationId,
      name: token.name,
      role: token.role,
      created_by: token.createdBy,
      expires_at: token.expiresAt
    })
    .execute()
}

export async function findActiveToken(db: Db, id: string) {
  return db
    .selectFrom('api_token')
    .select(['id', 'organization_id', 'role'])
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .executeTakeFirst()
}

// Recording every use would turn each read into a write; a minute is precise
// enough to see which scripts are still alive.
export async function touchToken(db: Db, id: string): Promise<void> {
  await db
    .updateTable('api_token')
    .set({ last_used_at: new Date() })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)
      ])
    )
    .execute()
}

export async function listTokens(db: Db, organizationId: string) {
  return db
    .selectFrom('api_token')
    .select(['id', 'name', 'role', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .execute()
}

// The organization's admin tokens still in force other than `exceptId`: revoking
// the last one would lock every administrator out.
// `lasting`: only admin tokens that never expire count.
export async function otherActiveAdmins(
  db: Db,
  organizationId: string,
  exceptId: string,
  lasting = false
) {
  const row = await db
    .selectFrom('api_token')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'admin')
    .where('id', '!=', exceptId)
    .where('revoked_at', 'is', null)
    .where((eb) => lasting
      ? eb('expires_at', 'is', null)
      : eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findToken(db: Db, organizationId: string, id: string) {
  return db
    .selectFrom('api_token')
    .select(['id', 'role', 'revoked_at', 'expires_at'])
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst()
}

export async function revokeToken(db: Db, organizationId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_token')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export type Revocation = 'revoked' | 'not-found' | 'last-admin' | 'last-lasting-admin'

// The check that another admin token remains and the revocation, as one step: two
// admins revoking each other's token at once must not both succeed, which would
// lock the organization out. Revocations in an organization queue on its row.
export async function revokeUnlessLastAdmin(
  db: Db,
  organizationId: string,
  id: string
): Promise<Revocation> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('organization').select('id').where('id', '=', organizationId)
      .forUpdate().execute()
    const token = await findToken(trx, organizationId, id)
    if (token === undefined || token.revoked_at !== null) return 'not-found'
    if (token.role === 'admin' && (await otherActiveAdmins(trx, organizationId, id)) === 0) {
      return 'last-admin'
    }
    // Revoking the last admin token that never expires would lock the organization out
    // once the others expire.
    if (token.role === 'admin' && token.expires_at === null &&
      (await otherActiveAdmins(trx, organizationId, id, true)) === 0) {
      return 'last-lasting-admin'
    }
    await revokeToken(trx, organizationId, id)
    return 'revoked'
  })
}

// Whether the token that sent an upload still holds, read inside the load's transaction
// as it commits: one revoked or expired while its upload arrived must not change what
// is served (the clock's time: now() is when the transaction began, with the upload's
// first bytes). The row is locked while read, so a revocation waits for the switch, or
// the switch for it. The same rule as findActiveToken, on the load's own connection.
export async function tokenHoldsAtCommit(client: pg.PoolClient, tokenId: string | null) {
  if (tokenId === null) return true
  const result = await client.query(
    `select 1 from api_token
     where id = $1 and revoked_at is null
       and (expires_at is null or expires_at > clock_timestamp())
     for share`,
    [tokenId]
  )
  return result.rowCount === 1
}
