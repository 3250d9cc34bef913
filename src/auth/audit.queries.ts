import type { Db } from '../db/database.js'
import type { Actor } from './roles.js'

// Who did what, kept for the open-data officer; never the content of a change.
export async function recordAudit(
  db: Db,
  actor: Actor,
  action: string,
  subjectType: string,
  subjectId: string | null,
  details: Record<string, unknown> = {}
): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      organization_id: actor.organizationId,
      token_id: actor.tokenId,
      action,
      subject_type: subjectType,
      subject_id: subjectId,
      details: JSON.stringify(details)
    })
    .execute()
}
