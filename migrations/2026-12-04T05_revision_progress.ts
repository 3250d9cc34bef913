import { type Kysely, sql } from 'kysely'

// Progress of a load, written while it runs so that a status request (from the
// pusher, or an operator) can follow it: bytes received, then rows loaded.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table revision
      add column phase text check (phase in ('receiving', 'loading', 'converting', 'done')),
      add column bytes_received bigint not null default 0,
      add column rows_loaded bigint not null default 0`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table revision drop column phase, drop column bytes_received,
      drop column rows_loaded`.execute(db)
}
