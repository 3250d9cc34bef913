import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table dataset (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organization(id),
      title text not null check (length(title) between 1 and 300),
      description text not null default '',
      keywords text[] not null default '{}',
      license text not null default 'etalab-2.0',
      state text not null default 'draft'
        check (state in ('draft', 'published', 'archived')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      published_at timestamptz
    )`.execute(db)

  // Lists page by (created_at, id); the state filter serves anonymous callers.
  await sql`create index dataset_listing on dataset (state, created_at, id)`.execute(db)
  await sql`create index dataset_org on dataset (organization_id, created_at, id)`.execute(db)

  await sql`
    create table resource (
      id uuid primary key default gen_random_uuid(),
      dataset_id uuid not null references dataset(id) on delete cascade,
      title text not null check (length(title) between 1 and 300),
      description text not null default '',
      current_revision_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)

  await sql`create index resource_dataset on resource (dataset_id, created_at, id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table resource`.execute(db)
  await sql`drop table dataset`.execute(db)
}
