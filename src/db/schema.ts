import type { ColumnType, Generated, Selectable } from 'kysely'

// The one declaration of our tables' shapes; every query module derives its row
// types from it. Ingested data lives in per-revision tables of the `ingest`
// schema, described by `revision.columns` rather than here.

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

export const ROLES = ['admin', 'publisher', 'editor', 'reader'] as const
export type Role = (typeof ROLES)[number]

export const DATASET_STATES = ['draft', 'published', 'archived'] as const
export type DatasetState = (typeof DATASET_STATES)[number]

export const REVISION_STATUSES = ['ingesting', 'ready', 'failed', 'superseded'] as const
export type RevisionStatus = (typeof REVISION_STATUSES)[number]

export interface OrganizationTable {
  id: Generated<string>
  name: string
  siren: string | null
  created_at: CreatedAt
}

export interface SigningKeyTable {
  id: Generated<number>
  secret: Buffer
  created_at: CreatedAt
}

export interface ApiTokenTable {
  id: string
  organization_id: string
  name: string
  role: Role
  created_by: string | null
  created_at: CreatedAt
  expires_at: Date | null
  revoked_at: Date | null
  last_used_at: Date | null
}

export interface DatasetTable {
  id: Generated<string>
  organization_id: string
  title: string
  description: string
  keywords: string[]
  license: string
  state: DatasetState
  created_at: CreatedAt
  updated_at: UpdatedAt
  published_at: Date | null
}

export interface ResourceTable {
  id: Generated<string>
  dataset_id: string
  title: string
  description: string
  current_revision_id: string | null
  switched_at: Date | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface RevisionTable {
  id: Generated<string>
  resource_id: string
  status: RevisionStatus
  file_name: string
  media_type: string
  byte_size: ColumnType<string | null, number | null | undefined, number | null>
  sha256: string | null
  storage_path: string | null
  table_name: string | null
  row_count: ColumnType<string | null, number | null | undefined, number | null>
  columns: ColumnType<unknown, string | undefined, string>
  report: ColumnType<unknown, string | undefined, string>
  error: ColumnType<unknown, string | null | undefined, string | null>
  created_by: string | null
  created_at: CreatedAt
  finished_at: Date | null
  phase: LoadPhase | null
  bytes_received: ColumnType<string, number | undefined, number>
  rows_loaded: ColumnType<string, number | undefined, number>
}

export const LOAD_PHASES = ['receiving', 'queued', 'loading', 'converting', 'done'] as const
export type LoadPhase = (typeof LOAD_PHASES)[number]

export interface AuditEventTable {
  id: Generated<string>
  organization_id: string | null
  token_id: string | null
  action: string
  subject_type: string
  subject_id: string | null
  details: ColumnType<unknown, string | undefined, never>
  at: CreatedAt
}

export interface Database {
  organization: OrganizationTable
  signing_key: SigningKeyTable
  api_token: ApiTokenTable
  dataset: DatasetTable
  resource: ResourceTable
  revision: RevisionTable
  audit_event: AuditEventTable
}

export type DatasetRow = Selectable<DatasetTable>
export type ResourceRow = Selectable<ResourceTable>
export type RevisionRow = Selectable<RevisionTable>
