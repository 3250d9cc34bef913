import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyInstance } from 'fastify'

import { recordAudit } from '../auth/audit.queries.js'
import { type Actor, requireActor } from '../auth/roles.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import type { DatasetRow } from '../db/schema.js'
import { decodeCursor, encodeCursor } from '../http/cursor.js'
import { AppError, notFound } from '../http/errors.js'
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
    const limit = Math.min(request.query.limit ?? config.PAGE_SIZE_DEFAULT, config.PAGE_SIZE_MAX)
    const after = cursor === undefined ? undefined : datasetCursor(cursor)

    const { rows, total } = await listDatasets(db, request.actor, { limit, state, after })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const more = rows.length > limit && last !== undefined
    return {
      data: page,
      total,
      next_cursor: more ? encodeCursor('datasets', [last.cursor_at, last.id]) : null
    }
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

// A cursor is opaque but can be forged: check it before it reaches SQL.
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function datasetCursor(cursor: string): [string, string] {
  const [at, id] = decodeCursor('datasets', cursor)
  if (typeof at !== 'string' || !TIMESTAMP_TEXT.test(at)) throw badCursor()
  if (typeof id !== 'string' || !UUID_TEXT.test(id)) throw badCursor()
  return [at, id]
}

function badCursor(): AppError {
  return new AppError('CURSOR_INVALID', 'The cursor does not come from this listing.')
}
