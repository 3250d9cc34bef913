// `npm run token -- ROLE [name]`: issues a token straight into the database,
// for when no admin token is at hand (the first one was lost). It needs the
// database itself: DATABASE_URL, or the embedded one under DATA_DIR, which must
// not be running (stop the service first). The role is never implied: an admin
// token is the keys to everything, and is issued only when asked for by name.
import { existsSync } from 'node:fs'
import path from 'node:path'

import { issueToken, loadSigningKey } from '../src/auth/tokens.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/open.js'
import { ROLES, type Role } from '../src/db/schema.js'
import { createLogger } from '../src/logger.js'

const [roleArg = '', name = 'issued from the command line'] = process.argv.slice(2)
if (!(ROLES as readonly string[]).includes(roleArg)) {
  const given = roleArg === '' ? 'no role given' : `not a role: "${roleArg}"`
  process.stderr.write(`usage: npm run token -- ROLE [name], ROLE one of ` +
    `${ROLES.join(', ')} (${given})\n`)
  process.exit(2)
}

const config = loadConfig()

// Without a cluster under DATA_DIR there is nothing to issue a token for:
// starting the embedded PostgreSQL would create a new, empty one.
if (config.DATABASE_URL === '' && !existsSync(path.join(config.embeddedPgDir, 'PG_VERSION'))) {
  process.stderr.write(`no database under ${config.DATA_DIR}: check DATA_DIR\n`)
  process.exit(1)
}

const database = await openDatabase(config, createLogger('warn')).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
try {
  const organization = await database.db
    .selectFrom('organization')
    .select('id')
    .orderBy('created_at')
    .executeTakeFirst()
  if (organization === undefined) {
    process.stderr.write('no organization yet: start the service once\n')
    process.exitCode = 1
  } else {
    const key = await loadSigningKey(database.db, config.JWT_SECRET)
    const issued = await issueToken(database.db, key, {
      organizationId: organization.id,
      role: roleArg as Role,
      name,
      createdBy: null,
      ttlDays: config.TOKEN_TTL_DAYS
    })
    const expiry = issued.expires_at === null ? 'does not expire'
      : `expires on ${issued.expires_at.slice(0, 10)} (TOKEN_TTL_DAYS)`
    process.stdout.write(`${issued.role} token, ${expiry} (shown only this once):\n\n` +
      `${issued.token}\n`)
  }
} finally {
  await database.close()
}
