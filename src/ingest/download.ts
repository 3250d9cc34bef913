import type { FileHandle } from 'node:fs/promises'

import type { FastifyReply, FastifyRequest } from 'fastify'

import type { ResourceWithRevision } from '../catalogue/resource.queries.js'
import { reportField } from './revision.model.js'

// The original bytes as uploaded, with the name they were uploaded under. The
// charset is the one detected, so a browser shows Windows-1252 files right.
// The ETag is the file's SHA-256: a client holding the same bytes (If-None-Match)
// gets a 304 and nothing else; `no-cache` has caches ask again every time, as a
// new upload changes the file behind the same URL.
export async function sendDownload(
  request: FastifyRequest,
  reply: FastifyReply,
  handle: FileHandle,
  r: ResourceWithRevision
) {
  const name = r.file_name ?? 'data.csv'
  const charset = reportField(r.report, 'encoding')
  const type = name.toLowerCase().endsWith('.csv') || charset !== null
    ? `text/csv${charset === null ? '' : `; charset=${charset}`}`
    : 'application/octet-stream'
  const etag = `"${r.sha256 ?? r.current_revision_id ?? ''}"`

  reply.header('etag', etag).header('cache-control', 'no-cache')
  if (matches(request.headers['if-none-match'], etag)) {
    await handle.close()
    return reply.code(304).send()
  }

  reply.type(type).header('content-disposition', contentDisposition(name))
  if (r.byte_size !== null) reply.header('content-length', r.byte_size)
  return reply.send(handle.createReadStream())
}

// If-None-Match compares weakly (RFC 9110, 13.1.2): `W/` is ignored, `*` matches.
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '')
    return candidate === '*' || candidate === etag
  })
}

// RFC 6266: an ASCII fallback, and the exact UTF-8 name in filename*.
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
