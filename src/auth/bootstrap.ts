import { sql } from 'kysely'

import type { Db } from '../db/database.js'
import { countOrganizations, insertOrganization } from './organization.queries.js'
import { type IssuedToken, issueToken } from './tokens.js'

// On the very first start, the organization is created with one admin token,
// which the caller prints once: it exists nowhere else. Later starts find the
// organization and do nothing. The advisory lock keeps two replicas starting
// together from both creating one.
export async function bootstrapOrganization(
  db: Db,
  signingKey: Uint8Array,
  name: string
): Promise<IssuedToken | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('ouverture.bootstrap'))`.execute(trx)
    if ((await countOrganizations(trx)) > 0) return null

    const organizationId = await insertOrganization(trx, name)
    return issueToken(trx, signingKey, {
      organizationId,
      role: 'admin',
      name: 'first admin',
      createdBy: null,
      ttlDays: 0
    })
  })
}
