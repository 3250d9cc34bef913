import type { ExpressionBuilder } from 'kysely'

import type { Actor } from '../auth/roles.js'
import type { Database } from '../db/schema.js'

// The one rule of who sees what, applied by every query that reads datasets or
// anything below them: anonymous callers and other organizations see published
// datasets only; a token sees everything of its own organization.
export function visibleTo(actor: Actor | null) {
  return (eb: ExpressionBuilder<Database, 'dataset'>) =>
    actor === null
      ? eb('dataset.state', '=', 'published')
      : eb.or([
        eb('dataset.state', '=', 'published'),
        eb('dataset.organization_id', '=', actor.organizationId)
      ])
}

export function canSee(
  actor: Actor | null,
  dataset: { state: string; organization_id: string }
): boolean {
  return dataset.state === 'published' || dataset.organization_id === actor?.organizationId
}

// Writes need the dataset to belong to the caller's organization. A dataset of
// another organization that the caller cannot see answers "not found", so that
// drafts are not even confirmed to exist.
export function canWrite(actor: Actor, dataset: { organization_id: string }): boolean {
  return dataset.organization_id === actor.organizationId
}
