import { type Kysely, sql } from 'kysely'

// When the resource last changed the revision it serves, by upload (the served
// revision's creation time) or by restore (the time of the restore): a load
// started before it must not take over when it finishes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table resource add column switched_at timestamptz`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table resource drop column switched_at`.execute(db)
}
