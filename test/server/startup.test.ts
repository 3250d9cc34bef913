import { promises as fs } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import t from 'tap'

import {
  embeddedEnv, embeddedRunOnly, freePort, type Launched, launchService
} from '../helpers/process.js'

// A start that does not finish (a port already taken, a signal while the embedded
// PostgreSQL starts) must not leave that PostgreSQL running behind it: the next
// start would find its data folder in use. A signal with no listener would kill
// the process on the spot; an exit lets the package's exit hook send PostgreSQL
// a stop, which it carries out after the service is gone.

// PostgreSQL removes its postmaster.pid when it stops.
async function postgresPid(dataDir: string): Promise<number | null> {
  const file = path.join(dataDir, 'postgres', 'postmaster.pid')
  const text = await fs.readFile(file, 'utf8').catch(() => null)
  return text === null ? null : Number(text.split('\n')[0])
}

// The PostgreSQL a failed test left running, stopped so that the run goes on.
async function stopLeftover(dataDir: string): Promise<void> {
  const pid = await postgresPid(dataDir)
  if (pid === null) return
  try {
    process.kill(pid, 'SIGINT')
  } catch {
    return
  }
  for (let i = 0; i < 100 && (await postgresPid(dataDir)) !== null; i++) await sleep(100)
}

async function waitFor(service: Launched, text: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (service.output().includes(text)) return
    if (service.child.exitCode !== null) break
    await sleep(25)
  }
  throw new Error(`the service never said "${text}":\n${service.output()}`)
}

// Starts of the embedded PostgreSQL (the first creates its cluster) take most of
// this file's time, which a loaded machine can stretch past .taprc's two minutes.
t.setTimeout(300_000)

t.test('a start that fails or is stopped stops the embedded PostgreSQL it started',
  { skip: embeddedRunOnly() }, async (t) => {
    const env = await embeddedEnv(t, 'startup')
    const dataDir = env.DATA_DIR ?? ''
    t.teardown(() => stopLeftover(dataDir))

    t.test('the port is taken: exit status 1, PostgreSQL stopped before', async (t) => {
      const taken = net.createServer()
      const port = await freePort()
      await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve))
      t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())))

      const service = launchService({ ...env, PORT: String(port) })
      t.teardown(() => service.child.kill('SIGKILL'))
      const code = await service.exited
      if (code !== 1) t.comment(service.output())
      t.equal(code, 1, 'exit status 1')
      t.match(service.output(), new RegExp(`port ${port} on 127.0.0.1 is in use: .* set PORT`),
        'the reason is given, with what to do')
      t.match(service.output(), /The admin token printed above is valid: keep it/,
        'the first start\'s token is not lost')
      t.match(service.output(), /embedded postgres started/, 'PostgreSQL had started')
      t.equal(await postgresPid(dataDir), null, 'and is stopped when the service exits')
    })

    t.test('the embedded PostgreSQL\'s port is taken: the message says what to set',
      async (t) => {
        const taken = net.createServer()
        const pgPort = await freePort()
        await new Promise<void>((resolve) => taken.listen(pgPort, '127.0.0.1', resolve))
        t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())))

        const service = launchService({ ...env, EMBEDDED_PG_PORT: String(pgPort),
          PORT: String(await freePort()) })
        t.teardown(() => service.child.kill('SIGKILL'))
        t.equal(await service.exited, 1, 'exit status 1')
        t.match(service.output(), new RegExp(`could not start on port ${pgPort}: .* ` +
          'set EMBEDDED_PG_PORT to a free one'), 'the reason is given, with what to do')
      })

    t.test('SIGTERM once PostgreSQL is up: exit status 0, PostgreSQL stopped', async (t) => {
      const service = launchService({ ...env, PORT: String(await freePort()) })
      t.teardown(() => service.child.kill('SIGKILL'))

      // The signal comes while the service migrates, cleans up and builds its
      // routes: after PostgreSQL started, before the service listens.
      await waitFor(service, 'embedded postgres started')
      service.child.kill('SIGTERM')
      const code = await service.exited
      if (code !== 0) t.comment(service.output())
      t.equal(code, 0, 'exit status 0')
      t.equal(await postgresPid(dataDir), null, 'PostgreSQL is stopped')
      t.match(service.output(), /stopped during start-up|shutting down/, 'the stop is logged')
    })

    // Late in start-up (routes built, the port opened), when the service swapped
    // its start-up listener for its running one, a signal caught in between was
    // lost: the service went on running. Which moment is late depends on the
    // machine: a few are tried.
    for (const delay of [200, 400, 600]) {
      t.test(`SIGTERM ${delay} ms after PostgreSQL is up: the service stops`, async (t) => {
        const service = launchService({ ...env, PORT: String(await freePort()) })
        t.teardown(() => service.child.kill('SIGKILL'))
        await waitFor(service, 'embedded postgres started')
        await sleep(delay)
        service.child.kill('SIGTERM')
        const code = await Promise.race([service.exited, sleep(20_000, 'still running')])
        if (code !== 0) t.comment(service.output())
        t.equal(code, 0, 'exit status 0')
        t.equal(await postgresPid(dataDir), null, 'PostgreSQL is stopped')
      })
    }
  })
