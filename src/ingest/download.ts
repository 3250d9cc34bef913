import type { FileHandle } from 'node:fs/promises'

import type { FastifyReply } from 'fastify'

import type { ResourceWithRevision } from '../catalogue/resource.queries.js'
import { reportField } from './revision.model.js'

// The original bytes as uploaded, with the name they were uploaded under. The
// charset is the one detected, so a browser shows Windows-1252 files right.
export function sendDownload(reply: FastifyReply, handle: FileHandle, r: ResourceWithRevision) {
  const name = r.file_name ?? 'data.csv'
  const charset = reportField(r.report, 'encoding')
  const type = name.toLowerCase().endsWith('.csv') || charset !== null
    ? `text/csv${charset === null ? '' : `; charset=${charset}`}`
    : 'application/octet-stream'

  reply
    .type(type)
    .header('content-disposition', contentDisposition(name))
    .header('etag', `"${r.sha256 ?? r.current_revision_id ?? ''}"`)
  if (r.byte_size !== null) reply.header('content-length', r.byte_size)
  return reply.send(handle.createReadStream())
}

// RFC 6266: an ASCII fallback, and the exact UTF-8 name in filename*.
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
