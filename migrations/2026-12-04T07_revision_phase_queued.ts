import { type Kysely, sql } from 'kysely'

// A stored upload waiting for a load slot (MAX_CONCURRENT_LOADS) shows as
// `queued`, not as still receiving.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table revision drop constraint revision_phase_check,
      add constraint revision_phase_check
        check (phase in ('receiving', 'queued', 'loading', 'converting', 'done'))`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update revision set phase = 'receiving' where phase = 'queued'`.execute(db)
  await sql`
    alter table revision drop constraint revision_phase_check,
      add constraint revision_phase_check
        check (phase in ('receiving', 'loading', 'converting', 'done'))`.execute(db)
}
