import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import t from 'tap'

import { createTestDatabase, type Teardown } from '../helpers/app.js'
import { openUpload } from '../helpers/http.js'
import { adminTokenFrom, freePort, startService } from '../helpers/process.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

// The CLI as a user runs it: the launcher in a process of its own, with no tsx
// preloaded by the test runner, so it must find its own way to the source.
function cli(
  args: string[],
  env: Record<string, string>,
  onStderr: (text: string) => void = () => undefined
): Promise<Run> {
  const inherited: NodeJS.ProcessEnv = { ...process.env, OUVERTURE_URL: '', OUVERTURE_TOKEN: '' }
  delete inherited.NODE_OPTIONS
  const child = spawn(process.execPath, ['bin/ouverture.js', ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    onStderr(stderr)
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

// Windows-1252 as a town hall's spreadsheet writes it: the bytes of the
// characters Latin-1 lacks are the ones that tell the two apart.
function windows1252(text: string): Buffer {
  const extra: Record<string, number> = { '€': 0x80, '’': 0x92, 'œ': 0x9c }
  return Buffer.from([...text].map((c) => extra[c] ?? c.charCodeAt(0)))
}

const GOOD_CSV = [
  'Équipement;Catégorie;Surface (m²);Coût (€);Ouverture;Accessible',
  'Fontaine de la Comédie;Fontaine;12,5;1 234,56;03/04/2024;oui',
  'Théâtre Jean-Vilar;Culture;1 020,75;98 000,00;15/09/1998;non',
  'Crèche « L’Écureuil »;Petite enfance;320;45 500,10;01/02/2010;oui',
  'Cœur de ville;Espace vert;5 400,25;12 000,00;21/06/2015',
  ''
].join('\r\n')

// A service of its own, on its own database, and a folder for the files pushed.
async function serviceFor(t: Teardown, env: Record<string, string> = {}) {
  const { url: databaseUrl, drop } = await createTestDatabase()
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-cli-'))
  const service = await startService({
    DATABASE_URL: databaseUrl, DATA_DIR: path.join(dir, 'data'), ...env
  })
  t.teardown(async () => {
    service.child.kill('SIGTERM')
    await service.exited
    await drop()
    await fs.rm(dir, { recursive: true, force: true })
  })

  const admin = adminTokenFrom(service.output()) ?? ''
  const post = async (url: string, body: object) => {
    const res = await fetch(service.url + url, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    return (await res.json()) as { id: string; token: string }
  }
  return { service, dir, admin, post }
}

t.test('ouverture push', async (t) => {
  const { service, dir, post } = await serviceFor(t)
  const { token } = await post('/api/v1/tokens', { name: 'cli test', role: 'editor' })
  const dataset = await post('/api/v1/datasets', { title: 'Équipements' })
  const resource = await post(`/api/v1/datasets/${dataset.id}/resources`, { title: 'Liste' })
  const env = { OUVERTURE_URL: service.url, OUVERTURE_TOKEN: token }

  const good = path.join(dir, 'equipements.csv')
  await fs.writeFile(good, windows1252(GOOD_CSV))
  const broken = path.join(dir, 'casse.csv')
  await fs.writeFile(broken, 'a;b;c\n1;2;3\n4;5;6;7\n')

  t.test('loads a Windows-1252 file and prints its report', async (t) => {
    const run = await cli(['push', good, '--resource', resource.id], env)
    t.equal(run.code, 0, run.stderr)
    t.match(run.stdout, /^equipements\.csv: 4 rows loaded \(revision [\w-]+, now served\)$/m)
    t.match(run.stdout, /encoding +windows-1252/)
    t.match(run.stdout, /delimiter +semicolon ";"/)
    t.match(run.stdout, /^ +cout +decimal +- +Coût \(€\)$/m, 'each column: name, type, kind, label')
    t.match(run.stdout, /^ +ouverture +date +- +Ouverture$/m)
    t.notMatch(run.stdout, /personal data/)
    t.match(run.stdout, /^ +line 5 +SHORT_ROW +5 fields instead of 6/m, 'warnings with lines')
    t.equal(run.stderr, '', 'no progress lines outside a terminal for a short upload')
    t.notMatch(run.stdout + run.stderr, token, 'the token is never printed')
  })

  t.test('--json prints the service\'s answer', async (t) => {
    const run = await cli(['push', good, '-r', resource.id, '--json', '--filename', 'x.csv'], env)
    t.equal(run.code, 0, run.stderr)
    const revision = JSON.parse(run.stdout) as { row_count: number; file_name: string }
    t.equal(revision.row_count, 4)
    t.equal(revision.file_name, 'x.csv', '--filename names the file')
  })

  t.test('a row with too many fields fails with its code and line', async (t) => {
    const run = await cli(['push', broken, '--resource', resource.id], env)
    t.equal(run.code, 1)
    t.equal(run.stdout, '')
    t.match(run.stderr, /^error CSV_TOO_MANY_FIELDS: .+ \(line 3, column 4\)$/m)

    const json = await cli(['push', broken, '--resource', resource.id, '--json'], env)
    t.equal(json.code, 1)
    t.match(JSON.parse(json.stdout), { code: 'CSV_TOO_MANY_FIELDS', line: 3, column: 4 },
      'with --json, the problem on stdout')
  })

  t.test('a bad token is refused, and the rest of a large file is not sent', async (t) => {
    const large = path.join(dir, 'large.csv')
    await fs.writeFile(large, 'a;b\n' + '123456;abcdef\n'.repeat(2_000_000))
    const bad = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZQ'
    const run = await cli(['push', large, '--resource', resource.id],
      { ...env, OUVERTURE_TOKEN: bad })
    t.equal(run.code, 1)
    t.match(run.stderr, /^error TOKEN_INVALID: /m)
    t.notMatch(run.stderr, bad, 'the token is not echoed')
  })

  t.test('a file that may hold personal data says so, with its columns', async (t) => {
    const contacts = path.join(dir, 'contacts.csv')
    const rows = Array.from({ length: 30 }, (_, i) => `Agent ${i};agent${i}@mairie.fr`)
    await fs.writeFile(contacts, ['nom;courriel', ...rows, ''].join('\n'))
    const run = await cli(['push', contacts, '-r', resource.id], env)
    t.equal(run.code, 0, run.stderr)
    t.match(run.stdout, /^ +courriel +text +email +courriel$/m)
    t.match(run.stdout, /^may contain personal data, in: courriel$/m)
  })

  t.test('a column read as text says why', async (t) => {
    const mixed = path.join(dir, 'mixed.csv')
    await fs.writeFile(mixed, 'code;valeur\n01004;12\n34172;abc\n')
    const run = await cli(['push', mixed, '-r', resource.id], env)
    t.equal(run.code, 0, run.stderr)
    t.match(run.stdout, /^read as text:$/m)
    t.match(run.stdout, /^ +code +leading zeros \(line 2: "01004"\)$/m)
    t.match(run.stdout, /^ +valeur +mixed: "abc" at line 3 \(integer until then\)$/m)
  })

  t.test('what detection decides can be forced, as the service names it', async (t) => {
    const rates = path.join(dir, 'taux.csv')
    await fs.writeFile(rates, 'nom;taux\na;1,5\nb;2,5\n')
    const forced = await cli(['push', rates, '-r', resource.id, '--decimal', '.', '--json'], env)
    t.equal(forced.code, 0, forced.stderr)
    const revision = JSON.parse(forced.stdout) as {
      columns: Array<{ name: string; type: string }>
      report: { forced: object }
    }
    t.same(revision.columns.map((c) => c.type), ['text', 'text'], 'commas are not decimals then')
    t.same(revision.report.forced, { decimal: '.' })

    const names = await cli(['push', rates, '-r', resource.id, '--delimiter', 'semicolon',
      '--quote', 'none', '--header', 'true', '--skip', '0', '--null', '', '--json'], env)
    t.equal(names.code, 0, names.stderr)
    const taken = { delimiter: ';', quote: null, header: true, preamble: 0, nullMarkers: [] }
    t.match(JSON.parse(names.stdout), { report: { forced: taken } },
      'every value the pusher lets through, the service takes')
  })

  t.test('a missing file is named, and nothing is sent', async (t) => {
    const run = await cli(['push', path.join(dir, 'absent.csv'), '-r', resource.id], env)
    t.equal(run.code, 1)
    t.match(run.stderr, /cannot read .*absent\.csv: no such file/)
  })

  t.test('a service that is not there is said so', async (t) => {
    const url = `http://127.0.0.1:${await freePort()}`
    const run = await cli(['push', good, '-r', resource.id], { ...env, OUVERTURE_URL: url })
    t.equal(run.code, 1)
    t.match(run.stderr, `cannot reach ${url}: connection refused`)
  })

  t.test('usage mistakes exit 2 with the usage on stderr', async (t) => {
    const unknown = await cli(['push', good, '-r', resource.id, '--force'], env)
    t.equal(unknown.code, 2)
    t.match(unknown.stderr, /^ouverture push: there is no option --force\n[\s\S]*Usage: ouverture push/)
    const valueless = await cli(['push', good, '--resource'], env)
    t.equal(valueless.code, 2)
    t.match(valueless.stderr, /^ouverture push: --resource needs a value\n/)

    const noResource = await cli(['push', good], env)
    t.equal(noResource.code, 2)
    t.match(noResource.stderr, /--resource/)

    const noToken = await cli(['push', good, '-r', resource.id], { OUVERTURE_URL: service.url })
    t.equal(noToken.code, 2)
    t.match(noToken.stderr, /OUVERTURE_TOKEN/)

    const help = await cli(['push', '--help'], {})
    t.equal(help.code, 0)
    t.match(help.stdout, /^Usage: ouverture push FILE --resource ID/)
    const top = await cli(['--help'], {})
    t.equal(top.code, 0)
    t.match(top.stdout, /push FILE --resource ID/)
  })
})

// Where the pusher would send the file: a listener that counts connections and
// answers none, to show that a usage mistake is told before one is opened.
async function countingListener(t: Teardown) {
  const listener = { url: '', connections: 0 }
  const server = net.createServer((socket) => {
    listener.connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address() as net.AddressInfo
  listener.url = `http://127.0.0.1:${address.port}`
  return listener
}

t.test('a bad forced value exits 2, in one line, before any connection', async (t) => {
  const listener = await countingListener(t)
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ouverture-cli-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'taux.csv')
  await fs.writeFile(file, 'nom;taux\na;1,5\n')
  const env = { OUVERTURE_URL: listener.url, OUVERTURE_TOKEN: 'a-token' }

  const mistakes: Array<[string[], string]> = [
    [['--skip', '1.0'], '--skip takes a whole number from 0 to 100 (got "1.0")'],
    [['--skip=-3'], '--skip takes a whole number from 0 to 100 (got "-3")'],
    [['--skip', '101'], '--skip takes a whole number from 0 to 100 (got "101")'],
    [['--decimal', 'x'], '--decimal takes one of: . , (got "x")'],
    [['--header', 'maybe'], '--header takes true or false (got "maybe")'],
    [['--encoding', 'klingon'], '--encoding takes one of: utf-8 utf-16le utf-16be ' +
      'windows-1252 iso-8859-1 iso-8859-15 cp850 (got "klingon")'],
    [['--delimiter', 'ab'], '--delimiter takes one of: , ; | tab comma semicolon pipe ' +
      '(got "ab")'],
    [['--quote', '`'], '--quote takes one of: " \' none (got "`")'],
    [['--null', 'NA,,-'], '--null: a null marker cannot be empty: empty cells are always ' +
      'null (got "NA,,-")'],
    [['--filename', 'x'.repeat(256)], `--filename takes text of 1 to 255 characters ` +
      `(got "${'x'.repeat(256)}")`],
    // The last --resource given is the one used.
    [['-r', 'not-a-uuid'], '--resource takes a resource id, a UUID such as ' +
      '3f0c2a64-5a7e-4f0b-9a55-0c1d2e3f4a5b (got "not-a-uuid")']
  ]
  const resource = '0b8f3c2e-1d4a-4e5f-8a9b-7c6d5e4f3a2b'
  for (const [options, message] of mistakes) {
    const run = await cli(['push', file, '-r', resource, ...options], env)
    t.equal(run.code, 2, options.join(' ').slice(0, 40))
    t.equal(run.stderr, `ouverture push: ${message}\n`)
    t.equal(run.stdout, '')
  }

  // parseArgs takes a value that starts with a dash for a forgotten one.
  const dashed = await cli(['push', file, '-r', resource, '--skip', '-3'], env)
  t.equal(dashed.code, 2)
  t.match(dashed.stderr, /'--skip' argument is ambiguous[\s\S]*--skip=-XYZ/)

  t.equal(listener.connections, 0, 'the service was never reached')
})

t.test('a busy service is waited for, as it asks, then the file loads', async (t) => {
  const { service, dir, admin, post } = await serviceFor(t, { MAX_UPLOADS_IN_PROGRESS: '1' })
  const dataset = await post('/api/v1/datasets', { title: 'Occupé' })
  const [held, pushed] = [
    await post(`/api/v1/datasets/${dataset.id}/resources`, { title: 'held' }),
    await post(`/api/v1/datasets/${dataset.id}/resources`, { title: 'pushed' })
  ]
  const file = path.join(dir, 'equipements.csv')
  await fs.writeFile(file, windows1252(GOOD_CSV))

  // The only upload the service takes, left open until the pusher has been refused.
  const holding = openUpload(Number(new URL(service.url).port), held.id, admin)
  holding.request.write('n;libelle\n1;un\n')
  for (let i = 0; i < 500; i++) {
    const list = await fetch(`${service.url}/api/v1/resources/${held.id}/revisions`,
      { headers: { authorization: `Bearer ${admin}` } })
    if (((await list.json()) as { data: unknown[] }).data.length > 0) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }

  const env = { OUVERTURE_URL: service.url, OUVERTURE_TOKEN: admin }
  const run = await cli(['push', file, '-r', pushed.id], env, (stderr) => {
    if (stderr.includes('busy')) holding.request.end('2;deux\n')
  })
  t.equal(run.code, 0, run.stderr)
  t.match(run.stderr,
    /the service is busy with other uploads; sending again in 5 s \(attempt 2 of 10\)/)
  t.match(run.stdout, /4 rows/)
  t.equal((await holding.answer).status, 201, 'the upload it waited for loaded too')
})
