// `npm run db:migrate`: brings the database (DATABASE_URL, or the embedded one
// under DATA_DIR) to the latest schema, then stops. The service also does this
// at every start.
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/open.js'
import { createLogger } from '../src/logger.js'

const config = loadConfig()
const log = createLogger(config.LOG_LEVEL)
const database = await openDatabase(config, log)
await database.close()
log.info('database is at the latest migration')
