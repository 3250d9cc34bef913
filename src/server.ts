import { buildApp } from './app.js'
import { bootstrapOrganization } from './auth/bootstrap.js'
import { loadSigningKey } from './auth/tokens.js'
import { loadConfig } from './config.js'
import { openDatabase } from './db/open.js'
import { cleanUpAbandonedLoads } from './ingest/cleanup.js'
import { FileStore } from './ingest/file-store.js'
import { startInspector } from './ingest/inspector.js'
import { LoadSlots } from './ingest/load-slots.js'
import { startParseThread, stopParseThreads } from './ingest/parse-thread.js'
import { createLogger } from './logger.js'

// A stop asked for while the service starts: it stops what has started instead.
class StoppedDuringStartUp extends Error {}

async function main(): Promise<void> {
  const config = loadConfig()
  const log = createLogger(config.LOG_LEVEL)

  // A signal during start-up is acted on once the step under way ends. Left to
  // its default, it would kill the process and leave the embedded PostgreSQL
  // running; a second signal exits there and then (process.exit() tells that
  // PostgreSQL to stop, see loadPackage in db/embedded.ts). Once the service
  // runs, the same listener hands signals to its shutdown: it is never removed,
  // as with no listener for a moment Node drops a signal caught but not yet
  // delivered.
  let early: string | null = null
  let whenRunning: ((signal: string) => void) | null = null
  const onSignal = (signal: string) => {
    if (whenRunning !== null) {
      whenRunning(signal)
      return
    }
    if (early !== null) process.exit(1)
    early = signal
    log.info({ signal }, 'stopping once the step under way is done')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const going = () => {
    if (early !== null) throw new StoppedDuringStartUp(early)
  }

  // Ctrl-C reaches the embedded PostgreSQL as well, which may fail the start (a
  // migration cut short): that is the stop asked for, not a failure.
  const database = await openDatabase(config, log, { ownSignals: true }).catch((error) => {
    if (early === null) throw error
    log.info({ signal: early, err: error }, 'stopped during start-up')
    process.exit(0)
  })
  const loads = new LoadSlots(config.MAX_CONCURRENT_LOADS)
  let app: Awaited<ReturnType<typeof buildApp>> | undefined
  let tokenPrinted = false
  try {
    going()
    const files = new FileStore(config.filesDir)
    await files.init()
    await cleanUpAbandonedLoads(database.db, database.pool, files, log)

    const signingKey = await loadSigningKey(database.db, config.JWT_SECRET)
    const firstAdmin = await bootstrapOrganization(database.db, signingKey, config.ORG_NAME)
    if (firstAdmin !== null) {
      printFirstToken(firstAdmin.token, config.ORG_NAME)
      tokenPrinted = true
    }

    app = await buildApp({ config, db: database.db, pool: database.pool, signingKey, files,
      logger: log, loads })
    // Ingestion's worker threads, started now rather than by the first upload.
    startParseThread()
    startInspector()
    going()
    await app.listen({ host: config.HOST, port: config.PORT }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error
      throw new Error(`port ${config.PORT} on ${config.HOST} is in use: stop what uses it, ` +
        'or set PORT to a free one', { cause: error })
    })
  } catch (error) {
    // Whatever stopped the start-up (a signal, a port in use), the database
    // started for it is stopped before the process exits.
    await app?.close()
    await stopParseThreads()
    await database.close()
    // The organization stays created: the next start will not print its token.
    if (tokenPrinted) process.stderr.write('The admin token printed above is valid: keep it.\n')
    // After a signal, a step may also fail because of it (Ctrl-C stopped the
    // embedded PostgreSQL): the stop was asked for all the same.
    if (early === null) throw error
    log.info({ signal: early }, 'stopped during start-up')
    process.exit(0)
  }
  const running = app
  log.info({ url: config.publicUrl, embedded: database.embedded }, 'ouverture ready')

  // On SIGINT/SIGTERM: stop taking requests and let those under way finish, an
  // upload's load and commit included, for SHUTDOWN_GRACE_SECONDS at most; then
  // stop the loads and close what remains (those loads roll back and are
  // recorded as failed, see LoadSlots.stop), and stop the database last. A
  // second signal does that at once; a third exits there and then, an embedded
  // PostgreSQL being told to stop by itself (a fast shutdown: it rolls back).
  let signals = 0
  const closeConnections = () => {
    loads.stop()
    running.server.closeAllConnections()
  }
  const stop = async (signal: string) => {
    signals++
    if (signals === 2) {
      log.warn({ signal }, 'second signal: closing the requests still under way')
      closeConnections()
      return
    }
    if (signals > 2) {
      log.warn({ signal }, 'third signal: exiting now')
      process.exit(1)
    }
    const graceSeconds = config.SHUTDOWN_GRACE_SECONDS
    log.info({ signal, graceSeconds }, 'shutting down')
    loads.close()
    const grace = setTimeout(() => {
      log.warn({ graceSeconds }, 'requests still under way: closing their connections')
      closeConnections()
    }, graceSeconds * 1000)
    await running.close()
    clearTimeout(grace)
    await stopParseThreads()
    await database.close()
    // The last line of a stop that went as planned: a supervisor's log shows it ended.
    log.info({ signal }, 'stopped')
    process.exit(0)
  }
  whenRunning = (signal) => void stop(signal)
  // A signal that came while the service began to listen.
  if (early !== null) void stop(early)
}

// Written to the terminal, not the log: the token must not end up in log files.
function printFirstToken(token: string, org: string): void {
  process.stdout.write(
    `\nFirst start: organization "${org}" created.\n` +
    'Admin token (shown only this once; store it safely):\n\n' +
    `${token}\n\n`
  )
}

main().catch((error: unknown) => {
  const text = error instanceof Error ? error.message : String(error)
  process.stderr.write(`ouverture failed to start: ${text}\n`)
  if (error instanceof Error && error.cause instanceof Error) {
    process.stderr.write(`cause: ${error.cause.message}\n`)
  }
  process.exit(1)
})
