import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Ingested rows live in one table per revision, in a schema of their own, so
  // that no user text ever names an object in the public schema.
  await sql`create schema if not exists ingest`.execute(db)

  await sql`
    create table revision (
      id uuid primary key default gen_random_uuid(),
      resource_id uuid not null references resource(id) on delete cascade,
      status text not null check (status in ('ingesting', 'ready', 'failed', 'superseded')),
      file_name text not null,
      media_type text not null,
      byte_size bigint,
      sha256 text,
      storage_path text,
      table_name text,
      row_count bigint,
      columns jsonb not null default '[]',
      report jsonb not null default '{}',
      error jsonb,
      created_by uuid references api_token(id),
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db)

  await sql`create index revision_resource on revision (resource_id, created_at)`.execute(db)

  await sql`
    alter table resource add constraint resource_current_revision
      foreign key (current_revision_id) references revision(id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table resource drop constraint resource_current_revision`.execute(db)
  await sql`drop table revision`.execute(db)
  await sql`drop schema ingest cascade`.execute(db)
}
