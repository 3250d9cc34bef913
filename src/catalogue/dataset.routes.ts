import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'

import { recordAudit } from '../auth/audit.queries.js'
import { type Actor, requireActor } from '../auth/roles.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import type { DatasetRow } from '../db/schema.js'
import { decodeListCursor } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { pageOf, pageSize } from '../http/pagination.js'
import { idParams, problems } from '../http/schemas.js'
import {
  createDatasetBody,
  datasetListQuery,
  datasetListSchema,
  updateDatasetBody
} from './dataset.schemas.js'
import {
  findDataset,
  insertDataset,
  listDatasets,
  setDatasetState,
  updateDataset
} from './dataset.queries.js'
import { canSee, canWrite } from './visibility.js'

export interface CatalogueOptions {
  db: Db
  config: Config
}

const dataset = { $ref: 'Dataset#' } as const
const tags = ['datasets']

export async function loadVisibleDataset(db: Db, actor: Actor | null, id: string) {
  const row = await findDataset(db, id)
  if (row === undefined || !canSee(actor, row)) throw notFound('Dataset')
  return row
}

export async function loadWritableDataset(db: Db, actor: Actor, id: string) {
  const row = await loadVisibleDataset(db, actor, id)
  if (!canWrite(actor, row)) throw notFound('Dataset')
  return row
}

export default async function datasetRoutes(app: FastifyInstance, opts: CatalogueOptions) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db, config } = opts

  api.get('/datasets', {
    schema: {
      summary: 'List datasets',
      description: 'Anonymous callers see published datasets only. Paged by cursor.',
      tags,
      querystring: datasetListQuery,
      response: { 200: datasetListSchema, ...problems(400) }
    }
  }, async (request) => {
    const { cursor, state } = request.query
    const limit = pageSize(request.query.limit, config)
    const after = cursor === undefined ? undefined : decodeListCursor('datasets', cursor)

    const { rows, total } = await listDatasets(db, request.actor, { limit, state, after })
    return { ...pageOf(rows, limit, 'datasets', (r) => [r.cursor_at, r.id]), total }
  })

  api.post('/datasets', {
    config: { role: 'editor' },
    schema: {
      summary: 'Create a dataset',
      description: 'New datasets are drafts until published.',
      tags,
      body: createDatasetBody,
      response: { 201: dataset, ...problems(400, 401, 403) }
    }
  }, async (request, reply) => {
    const actor = requireActor(request.actor)
    const row = await insertDataset(db, actor.organizationId, request.body)
    await recordAudit(db, actor, 'dataset.create', 'dataset', row.id)
    return reply.code(201).header('location', `/api/v1/datasets/${row.id}`).send(row)
  })

  api.get('/datasets/:id', {
    schema: {
      summary: 'Read a dataset',
      tags,
      params: idParams,
      response: { 200: dataset, ...problems(404) }
    }
  }, async (request) => loadVisibleDataset(db, request.actor, request.params.id))

  api.patch('/datasets/:id', {
    config: { role: 'editor' },
    schema: {
      summary: 'Update a dataset',
      tags,
      params: idParams,
      body: updateDatasetBody,
      response: { 200: dataset, ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const actor = requireActor(request.actor)
    await loadWritableDataset(db, actor, request.params.id)
    const row = await updateDataset(db, request.params.id, request.body)
    await recordAudit(db, actor, 'dataset.update', 'dataset', row.id, {
      fields: Object.keys(request.body)
    })
    return row
  })

  for (const [action, state] of [['publish', 'published'], ['unpublish', 'draft']] as const) {
    api.post(`/datasets/:id/${action}`, {
      config: { role: 'publisher' },
      schema: {
        summary: action === 'publish' ? 'Publish a dataset' : 'Unpublish a dataset',
        description: action === 'publish'
          ? 'The dataset, its resources and rows become public and enter the DCAT catalogue.'
          : 'The dataset goes back to draft: hidden from anonymous callers and harvesters.',
        tags,
        params: idParams,
        response: { 200: dataset, ...problems(401, 403, 404) }
      }
    }, async (request) => {
      const actor = requireActor(request.actor)
      await loadWritableDataset(db, actor, request.params.id)
      const row: DatasetRow = await setDatasetState(db, request.params.id, state)
      await recordAudit(db, actor, `dataset.${action}`, 'dataset', row.id)
      return row
    })
  }
}
