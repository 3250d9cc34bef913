import type { FastifyInstance } from 'fastify'

import { recordAudit } from '../auth/audit.queries.js'
import { type Actor, requireActor } from '../auth/roles.js'
import { loadOwnResource } from '../catalogue/resource.routes.js'
import type { Db } from '../db/database.js'
import { AppError, notFound } from '../http/errors.js'
import { idParams, problems } from '../http/schemas.js'
import type { SchemaTypes } from '../http/type-provider.js'
import { findRevision, listRevisions, restoreRevision } from './revision.queries.js'
import { revisionListSchema } from './revision.schemas.js'
import { toRevisionView } from './revision.view.js'

const tags = ['resources']
const revision = { $ref: 'Revision#' } as const

// The history of a resource's uploads, their reports, and going back to one.
// Reports can quote the file, so they are for the organization's tokens only.
export default async function revisionRoutes(app: FastifyInstance, opts: { db: Db }) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db } = opts

  api.get('/resources/:id/revisions', {
    config: { role: 'reader' },
    schema: {
      summary: 'List the revisions of a resource, newest first',
      tags,
      params: idParams,
      response: { 200: revisionListSchema, ...problems(401, 403, 404) }
    }
  }, async (request) => {
    const resource = await loadOwnResource(db, requireActor(request.actor), request.params.id)
    const rows = await listRevisions(db, resource.id)
    return { data: rows.map((r) => toRevisionView(r, resource.current_revision_id)) }
  })

  api.get('/revisions/:id', {
    config: { role: 'reader' },
    schema: {
      summary: 'Read a revision and its load report',
      tags,
      params: idParams,
      response: { 200: revision, ...problems(401, 403, 404) }
    }
  }, async (request) => {
    const { row, resource } = await loadOwnRevision(db, requireActor(request.actor),
      request.params.id)
    return toRevisionView(row, resource.current_revision_id)
  })

  api.post('/revisions/:id/restore', {
    config: { role: 'editor' },
    schema: {
      summary: 'Serve an older revision again',
      description: 'Revisions that are ready (not superseded) keep their rows and can be ' +
        'served again; the resource switches to it at once.',
      tags,
      params: idParams,
      response: { 200: revision, ...problems(401, 403, 404, 409) }
    }
  }, async (request) => {
    const actor = requireActor(request.actor)
    const { row, resource } = await loadOwnRevision(db, actor, request.params.id)
    if (!(await restoreRevision(db, resource.id, row.id))) {
      // A superseded revision's rows and file are gone: only its report is left.
      const again = row.status === 'superseded'
        ? ' Its rows are no longer kept: upload the file again.'
        : ''
      throw new AppError('STATE_CONFLICT', `This revision is ${row.status}; only a ready ` +
        `revision can be served again.${again}`)
    }
    await recordAudit(db, actor, 'resource.restore', 'resource', resource.id, { revision: row.id })
    return toRevisionView(row, row.id)
  })
}

// A revision and its resource, when the resource is the caller's organization's.
// Another's is answered as an id nobody holds: naming its resource would tell that
// the revision exists.
async function loadOwnRevision(db: Db, actor: Actor, id: string) {
  const row = await findRevision(db, id)
  if (row === undefined) throw notFound('Revision')
  try {
    return { row, resource: await loadOwnResource(db, actor, row.resource_id) }
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound('Revision')
    throw error
  }
}
