import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'

import { recordAudit } from '../auth/audit.queries.js'
import { type Actor, requireActor } from '../auth/roles.js'
import type { Db } from '../db/database.js'
import { decodeListCursor } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { pageOf, pageSize } from '../http/pagination.js'
import { idParams, problems } from '../http/schemas.js'
import type { CatalogueOptions } from './dataset.routes.js'
import { loadVisibleDataset, loadWritableDataset } from './dataset.routes.js'
import {
  findResource,
  insertResource,
  listResources,
  type ResourceWithRevision,
  updateResource
} from './resource.queries.js'
import {
  createResourceBody,
  resourceListQuery,
  resourceListSchema,
  updateResourceBody
} from './resource.schemas.js'
import { toResourceView } from './resource.view.js'
import { canSee, canWrite } from './visibility.js'

const resource = { $ref: 'Resource#' } as const
const tags = ['resources']

export async function loadVisibleResource(
  db: Db,
  actor: Actor | null,
  id: string
): Promise<ResourceWithRevision> {
  const row = await findResource(db, id)
  if (row === undefined || !canSee(actor, row)) throw notFound('Resource')
  return row
}

// A resource of the caller's own organization: what uploads and revisions need,
// for reading as for writing (the route's role says which).
export async function loadOwnResource(db: Db, actor: Actor, id: string) {
  const row = await loadVisibleResource(db, actor, id)
  if (!canWrite(actor, row)) throw notFound('Resource')
  return row
}

export default async function resourceRoutes(app: FastifyInstance, opts: CatalogueOptions) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db, config } = opts

  const view = async (id: string) => {
    const row = await findResource(db, id)
    if (row === undefined) throw notFound('Resource')
    return toResourceView(row, config.publicUrl)
  }

  api.get('/datasets/:id/resources', {
    schema: {
      summary: 'List the resources of a dataset',
      tags,
      params: idParams,
      querystring: resourceListQuery,
      response: { 200: resourceListSchema, ...problems(400, 404) }
    }
  }, async (request) => {
    await loadVisibleDataset(db, request.actor, request.params.id)
    const { cursor } = request.query
    const limit = pageSize(request.query.limit, config)
    const after = cursor === undefined ? undefined : decodeListCursor('resources', cursor)

    const { rows, total } = await listResources(db, request.params.id, { limit, after })
    const page = pageOf(rows, limit, 'resources', (r) => [r.cursor_at, r.id])
    return { ...page, data: page.data.map((r) => toResourceView(r, config.publicUrl)), total }
  })

  api.post('/datasets/:id/resources', {
    config: { role: 'editor' },
    schema: {
      summary: 'Create a resource in a dataset',
      description: 'A resource is a file of the dataset; upload its data with PUT …/data.',
      tags,
      params: idParams,
      body: createResourceBody,
      response: { 201: resource, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const actor = requireActor(request.actor)
    await loadWritableDataset(db, actor, request.params.id)
    const id = await insertResource(db, request.params.id, request.body)
    await recordAudit(db, actor, 'resource.create', 'resource', id)
    return reply.code(201).header('location', `/api/v1/resources/${id}`).send(await view(id))
  })

  api.get('/resources/:id', {
    schema: {
      summary: 'Read a resource, with its columns',
      tags,
      params: idParams,
      response: { 200: resource, ...problems(404) }
    }
  }, async (request) => {
    const row = await loadVisibleResource(db, request.actor, request.params.id)
    return toResourceView(row, config.publicUrl)
  })

  api.patch('/resources/:id', {
    config: { role: 'editor' },
    schema: {
      summary: 'Update a resource',
      tags,
      params: idParams,
      body: updateResourceBody,
      response: { 200: resource, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const actor = requireActor(request.actor)
    await loadOwnResource(db, actor, request.params.id)
    await updateResource(db, request.params.id, request.body)
    await recordAudit(db, actor, 'resource.update', 'resource', request.params.id)
    return view(request.params.id)
  })
}
