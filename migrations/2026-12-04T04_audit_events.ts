import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_event (
      id bigint generated always as identity primary key,
      organization_id uuid references organization(id),
      token_id uuid references api_token(id),
      action text not null,
      subject_type text not null,
      subject_id uuid,
      details jsonb not null default '{}',
      at timestamptz not null default now()
    )`.execute(db)

  await sql`create index audit_event_subject on audit_event (subject_id, at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_event`.execute(db)
}
