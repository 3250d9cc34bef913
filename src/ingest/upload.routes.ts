import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type pg from 'pg'

import { recordAudit } from '../auth/audit.queries.js'
import { requireActor } from '../auth/roles.js'
import { findResource } from '../catalogue/resource.queries.js'
import { loadVisibleResource, loadOwnResource } from '../catalogue/resource.routes.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { AppError, notFound } from '../http/errors.js'
import { idParams, problems } from '../http/schemas.js'
import type { SchemaTypes } from '../http/type-provider.js'
import { sendDownload } from './download.js'
import { dispositionName, fileName } from './file-name.js'
import { type FileStore, uploadTooLarge } from './file-store.js'
import { DEFAULT_NULL_MARKERS } from './infer.js'
import { type IngestDeps, ingestUpload } from './ingest.service.js'
import type { LoadSlots } from './load-slots.js'
import { findRevision } from './revision.queries.js'
import { toRevisionView } from './revision.view.js'
import { FORM_FIELDS, formLimits, longestForm } from './upload-form.js'
import { UploadGate } from './upload-gate.js'
import { forcedSettings, uploadQuery } from './upload-options.js'

export interface UploadOptions {
  db: Db
  pool: pg.Pool
  config: Config
  files: FileStore
  loads: LoadSlots
}

const tags = ['resources']
const revision = { $ref: 'Revision#' } as const
const uploadResponses = { 201: revision, ...problems(400, 401, 403, 404, 408, 413, 415, 422, 503) }

export default async function uploadRoutes(app: FastifyInstance, opts: UploadOptions) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db, config, files } = opts

  // The body is never parsed or buffered here: the handlers stream it to disk.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))
  await app.register(multipart, { limits: formLimits(config.MAX_UPLOAD_BYTES) })

  // A stalled sender is told so, and its connection is closed once it has the
  // answer (Node does so after `Connection: close`): the rest of its body, if it
  // ever comes, is not wanted. So is the body of a file refused as too large:
  // kept open, the connection would read all of it, only to drop it.
  app.addHook('onError', async (_request, reply, error) => {
    const code = error instanceof AppError ? error.code : undefined
    if (code === 'UPLOAD_STALLED' || code === 'UPLOAD_TOO_LARGE') {
      reply.header('connection', 'close')
    }
  })

  const deps: IngestDeps = {
    db,
    pool: opts.pool,
    loads: opts.loads,
    files,
    log: app.log,
    limits: {
      maxColumns: config.MAX_COLUMNS,
      maxCellBytes: config.MAX_CELL_BYTES,
      maxRecordChars: config.MAX_ROW_CHARS,
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      revisionsKept: config.REVISIONS_KEPT,
      uploadIdleMs: config.UPLOAD_IDLE_SECONDS * 1000
    },
    nullMarkers: [...DEFAULT_NULL_MARKERS]
  }
  const gate = new UploadGate(config.MAX_UPLOADS_IN_PROGRESS)
  // Closing the app waits for uploads to settle, a failure's record included,
  // before the database closes (server.ts).
  app.addHook('onClose', () => gate.drained())

  const answer = async (request: FastifyRequest, resourceId: string, id: string) => {
    const [row, resource] = await Promise.all([findRevision(db, id), findResource(db, resourceId)])
    if (row === undefined) throw notFound('Revision')
    const actor = requireActor(request.actor)
    await recordAudit(db, actor, 'resource.upload', 'resource', resourceId, { revision: id })
    return toRevisionView(row, resource?.current_revision_id ?? null)
  }

  api.put('/resources/:id/data', {
    config: { role: 'editor' },
    schema: {
      summary: 'Upload the resource\'s CSV file (raw body)',
      description:
        'Send the file as the request body, e.g. `curl -T budget.csv`. It is streamed, ' +
        'stored, and loaded as a new revision, which the resource serves once complete. ' +
        'Query parameters force what detection would otherwise decide.',
      tags,
      params: idParams,
      querystring: uploadQuery,
      response: uploadResponses
    }
  }, async (request, reply) => {
    const actor = requireActor(request.actor)
    const resource = await loadOwnResource(db, actor, request.params.id)
    if (request.isMultipart()) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with POST.')
    }
    // Refused on its announced size, before its body is asked for (see
    // expect-continue.ts); a body without a length is counted as it streams.
    if (Number(request.headers['content-length']) > config.MAX_UPLOAD_BYTES) {
      throw uploadTooLarge(config.MAX_UPLOAD_BYTES)
    }

    const id = await gate.admit(reply, () => ingestUpload(deps, {
      resourceId: resource.id,
      fileName: fileName(
        request.query.filename ?? dispositionName(request.headers['content-disposition']),
        resource.title
      ),
      mediaType: request.headers['content-type'] ?? 'text/csv',
      createdBy: actor.tokenId,
      body: request.raw,
      forced: forcedSettings(request.query)
    }))
    return reply.code(201).send(await answer(request, resource.id, id))
  })

  api.post('/resources/:id/data', {
    config: { role: 'editor' },
    schema: {
      summary: 'Upload the resource\'s CSV file (multipart form)',
      description: 'The same as PUT, for HTML forms: the first file field is read, e.g. ' +
        '`curl -F file=@x.csv`. The same query parameters force detected settings.',
      tags,
      params: idParams,
      querystring: uploadQuery,
      consumes: ['multipart/form-data'],
      response: uploadResponses
    }
  }, async (request, reply) => {
    const actor = requireActor(request.actor)
    const resource = await loadOwnResource(db, actor, request.params.id)
    if (!request.isMultipart()) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data, or use PUT.')
    }
    // As with PUT, a form announced longer than any whose file fits is refused
    // before it is read (see upload-form.ts); one without a length is counted
    // as its file streams.
    const longest = longestForm(config.MAX_UPLOAD_BYTES, request.headers['content-type'] ?? '')
    if (Number(request.headers['content-length']) > longest) {
      throw uploadTooLarge(config.MAX_UPLOAD_BYTES)
    }

    const id = await gate.admit(reply, async () => {
      const part = await firstFile(request, deps.limits.uploadIdleMs)
      if (part === undefined) throw new AppError('BODY_INVALID', 'The form holds no file field.')
      return ingestUpload(deps, {
        resourceId: resource.id,
        fileName: fileName(part.filename, resource.title),
        mediaType: part.mimetype || 'text/csv',
        createdBy: actor.tokenId,
        body: part.file,
        forced: forcedSettings(request.query)
      })
    })
    return reply.code(201).send(await answer(request, resource.id, id))
  })

  api.get('/resources/:id/download', {
    schema: {
      summary: 'Download the original file of the served revision',
      tags,
      params: idParams,
      produces: ['text/csv', 'application/octet-stream'],
      response: {
        200: { type: 'string', format: 'binary' },
        304: { type: 'null', description: 'Not modified: the If-None-Match ETag is current.' },
        ...problems(404)
      }
    }
  }, async (request, reply) => {
    // A load finishing meanwhile may remove the file just named (with
    // REVISIONS_KEPT=1): the resource is read again once.
    const open = async () => {
      const resource = await loadVisibleResource(db, request.actor, request.params.id)
      const key = resource.storage_path
      return { resource, handle: key === null ? null : await files.openHandle(key) }
    }
    let { resource, handle } = await open()
    if (handle === null && resource.storage_path !== null) ({ resource, handle } = await open())
    if (handle === null) {
      throw new AppError('NO_DATA', 'No file has been uploaded to this resource yet.')
    }
    return sendDownload(request, reply, handle, resource)
  })
}

// The form's first file. The fields before it are small: a sender silent for
// UPLOAD_IDLE_SECONDS before it reaches the file is given up as a stalled upload
// (answered 408, then its connection closed), and one whose connection closes
// first is given up too; either would otherwise hold its place among the
// uploads in progress for ever (the multipart reader never settles on a closed
// request).
async function firstFile(request: FastifyRequest, idleMs: number) {
  const { socket } = request.raw
  let timer: NodeJS.Timeout | undefined
  let onClose = () => {}
  const givenUp = new Promise<never>((_resolve, reject) => {
    const fail = (error: AppError) => reject(error)
    // Idle time, not total time: a slow sender of long fields is still sending.
    // The socket's count of bytes read tells, without touching the stream the
    // multipart reader consumes.
    let seen = socket.bytesRead
    let quietSince = Date.now()
    timer = setInterval(() => {
      if (socket.bytesRead !== seen) {
        seen = socket.bytesRead
        quietSince = Date.now()
      } else if (Date.now() - quietSince >= idleMs) {
        fail(new AppError('UPLOAD_STALLED', `Nothing arrived for ${Math.round(idleMs / 1000)} ` +
          's before the form\'s file: the upload was given up and nothing was kept.'))
      }
    }, Math.min(1000, idleMs / 4))
    onClose = () => fail(new AppError('BODY_INVALID',
      'The connection closed before the form\'s file arrived.'))
    if (socket.destroyed) onClose()
    else socket.once('close', onClose)
  })
  // Settled by the race below, or never (the timer cleared, the listener gone).
  givenUp.catch(() => undefined)

  try {
    return await Promise.race([request.file(), givenUp])
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw new AppError('BODY_INVALID',
        `The form has more than ${FORM_FIELDS} fields before its file.`, {}, error)
    }
    throw new AppError('BODY_INVALID', 'The multipart body cannot be read.', {}, error)
  } finally {
    clearInterval(timer)
    socket.off('close', onClose)
  }
}

