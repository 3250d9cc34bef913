import type { RevisionRow } from '../db/schema.js'
import { columnViews } from './revision.model.js'

export function toRevisionView(row: RevisionRow, currentId: string | null) {
  const report = typeof row.report === 'object' && row.report !== null ? row.report : {}
  const error = typeof row.error === 'object' && row.error !== null ? row.error : null
  return {
    id: row.id,
    resource_id: row.resource_id,
    status: row.status,
    current: row.id === currentId,
    file_name: row.file_name,
    byte_size: row.byte_size === null ? null : Number(row.byte_size),
    sha256: row.sha256,
    row_count: row.row_count === null ? null : Number(row.row_count),
    columns: columnViews(row.columns),
    report,
    error,
    progress: {
      phase: row.phase,
      bytes_received: Number(row.bytes_received),
      rows_loaded: Number(row.rows_loaded)
    },
    created_at: row.created_at,
    finished_at: row.finished_at
  }
}
