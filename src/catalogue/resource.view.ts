import { columnViews, reportField } from '../ingest/revision.model.js'
import type { ResourceWithRevision } from './resource.queries.js'

// The API shape of a resource: its served revision and columns, never the
// physical table or file names behind them.
export function toResourceView(row: ResourceWithRevision, publicUrl: string) {
  const base = `${publicUrl}/api/v1/resources/${row.id}`
  const served = row.current_revision_id !== null && row.revision_created_at !== null

  return {
    id: row.id,
    dataset_id: row.dataset_id,
    title: row.title,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
    current_revision: served
      ? {
        id: row.current_revision_id,
        status: row.revision_status,
        file_name: row.file_name,
        byte_size: row.byte_size === null ? null : Number(row.byte_size),
        sha256: row.sha256,
        row_count: row.row_count === null ? null : Number(row.row_count),
        encoding: reportField(row.report, 'encoding'),
        delimiter: reportField(row.report, 'delimiter'),
        created_at: row.revision_created_at,
        finished_at: row.finished_at
      }
      : null,
    columns: columnViews(row.columns),
    download_url: served ? `${base}/download` : null,
    records_url: served ? `${base}/records` : null
  }
}
