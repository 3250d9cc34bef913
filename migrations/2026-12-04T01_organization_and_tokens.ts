import { type Kysely, sql } from 'kysely'

// Migrations are frozen in time: they import nothing from src/.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organization (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      siren text check (siren ~ '^[0-9]{9}$'),
      created_at timestamptz not null default now()
    )`.execute(db)

  // One row: the HMAC key that signs the service's own tokens. It is generated at
  // first start so that a fresh install needs no secret to be configured.
  await sql`
    create table signing_key (
      id integer primary key default 1 check (id = 1),
      secret bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db)

  // What we keep of a token: enough to verify its role and revoke it, never the
  // token itself (the JWT is signed, so its id is all we need to look up).
  await sql`
    create table api_token (
      id uuid primary key,
      organization_id uuid not null references organization(id),
      name text not null,
      role text not null check (role in ('admin', 'publisher', 'editor', 'reader')),
      created_by uuid references api_token(id),
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table api_token`.execute(db)
  await sql`drop table signing_key`.execute(db)
  await sql`drop table organization`.execute(db)
}
