import { execFile } from 'node:child_process'
import { promises as fs, readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

import t from 'tap'

import { adminTokenFrom, embeddedEnv, embeddedRunOnly, startService } from '../helpers/process.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const run = promisify(execFile)

// The shell block of the README's Quick start, as written, with only the base URL
// pointed at the service this test started.
function quickStartScript(baseUrl: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? ''
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
  const script = blocks.find((b) => b.includes('curl'))
  if (script === undefined) throw new Error('no curl block in the Quick start')
  return script.replace(/^BASE=.*$/m, `BASE=${baseUrl}`)
}

// Starts of the embedded PostgreSQL (the first creates its cluster) take most of
// this file's time, which a loaded machine can stretch past .taprc's two minutes.
t.setTimeout(300_000)

t.test('the README quick start works on the embedded PostgreSQL, and data survives a restart',
  { skip: embeddedRunOnly() }, async (t) => {
    const env = await embeddedEnv(t, 'quickstart')

    const first = await startService(env)
    const token = adminTokenFrom(first.output())
    t.ok(token, 'the first start prints the admin token')

    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', quickStartScript(first.url)], {
      cwd: ROOT,
      env: { ...process.env, TOKEN: token ?? '' }
    })
    t.match(stdout, /^48$/m, 'the upload reports 48 rows')
    t.match(stdout, /"categorie": "Parc"/, 'the filtered rows come back')
    t.match(stdout, /"published"/)
    t.match(stdout, /^"Fontaines de Montpellier"$/m, 'the catalogue lists the dataset')

    // Another command on the same DATA_DIR must not take the running cluster away.
    const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', 'admin'], {
      cwd: ROOT,
      env: { ...process.env, ...env }
    }).catch((error: { stderr?: string }) => error)
    t.match(String(refused.stderr), /in use by another process/, 'npm run token refuses')
    const still = await fetch(`${first.url}/api/v1/datasets`)
    t.equal(still.status, 200, 'and the service keeps its database')

    first.child.kill('SIGTERM')
    t.equal(await first.exited, 0, 'SIGTERM stops the service cleanly')
    const pidFile = path.join(env.DATA_DIR ?? '', 'postgres', 'postmaster.pid')
    const pid = await fs.readFile(pidFile, 'utf8').catch(() => null)
    t.equal(pid, null, 'the embedded PostgreSQL stopped with it')

    const second = await startService(env)
    t.teardown(async () => {
      second.child.kill('SIGINT')
      await second.exited
    })
    t.equal(adminTokenFrom(second.output()), undefined, 'no second admin token')
    const list = await fetch(`${second.url}/api/v1/datasets`)
    const body = (await list.json()) as { data: Array<{ title: string }> }
    t.same(body.data.map((d) => d.title), ['Fontaines de Montpellier'], 'the data is found again')
  })
