import { promises as fs } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'

import { parseJson, problemText, revisionText } from './answer-text.js'
import { UploadProgress } from './progress.js'
import { FileReadError, type HttpAnswer, sendFile } from './upload.js'
import { acceptedValues, FORCED, queryMistake } from './upload-query.js'

// A busy service says when to come back (Retry-After); a script left unattended
// waits rather than fail, but not forever.
const MAX_ATTEMPTS = 10
const MAX_WAIT_SECONDS = 60

// What each forced option sets; the values it takes are read from the
// service's declaration, so the help cannot drift from what is accepted.
const FORCED_HELP: Record<(typeof FORCED)[number], [string, string]> = {
  encoding: ['ENC', 'the encoding'],
  delimiter: ['SEP', 'the separator'],
  quote: ['Q', 'the quote'],
  header: ['BOOL', 'whether the first line is a header'],
  skip: ['N', 'how many title lines come before the header'],
  decimal: ['MARK', 'the decimal mark'],
  null: ['LIST', 'comma-separated null markers (empty for none)']
}

function forcedHelp(): string {
  return FORCED.map((name) => {
    const [argument, what] = FORCED_HELP[name]
    return helpLines(`      --${name} ${argument}`.padEnd(24), `${what}, ${acceptedValues(name)}`)
  }).join('')
}

// The text after the option, wrapped under itself within 80 columns.
function helpLines(option: string, text: string): string {
  const lines: string[] = []
  let line = option
  for (const word of text.split(' ')) {
    if (line.length > option.length && line.length + 1 + word.length > 80) {
      lines.push(line)
      line = ' '.repeat(option.length) + word
    } else {
      line += line.length > option.length ? ` ${word}` : word
    }
  }
  return [...lines, line].map((l) => l + '\n').join('')
}

export const PUSH_USAGE = `Usage: ouverture push FILE --resource ID [options]

Uploads FILE as a new revision of a resource, streamed from disk, and prints
the load report: rows, encoding, delimiter, columns and warnings.

Options:
  -r, --resource ID     the resource to load into (required)
      --url URL         the service (default: $OUVERTURE_URL, else http://localhost:3000)
      --token TOKEN     an editor token (default: $OUVERTURE_TOKEN; prefer the variable:
                        a token on the command line shows in the process list)
      --filename NAME   the name the file is kept under (default: FILE's base name)
      --json            print the service's JSON answer instead of the report
  -h, --help            show this help

What detection decides can be forced, as the upload's query parameters:
${forcedHelp()}
When the service is busy (503 UPLOADS_BUSY) the file is sent again after the
wait the service asks for, up to ${MAX_ATTEMPTS} attempts in all.

Exit status: 0 loaded, 1 refused or failed (the reason is on stderr), 2 bad usage.
`

const OPTIONS = {
  resource: { type: 'string', short: 'r' },
  url: { type: 'string' },
  token: { type: 'string' },
  filename: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  quote: { type: 'string' },
  header: { type: 'string' },
  skip: { type: 'string' },
  decimal: { type: 'string' },
  null: { type: 'string' }
} as const

const DEFAULT_URL = 'http://localhost:3000'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface PushCommand {
  file: string
  resource: string
  base: URL
  token: string
  fileName: string
  json: boolean
  forced: ReadonlyArray<readonly [string, string]>
}

// Usage mistakes: told with the usage, exit 2, before anything is sent. A bad
// value is told in one line that says what the option takes, without the usage.
class UsageError extends Error {
  constructor(message: string, readonly withUsage = true) {
    super(message)
  }
}

export async function runPush(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let command: PushCommand | 'help'
  try {
    command = readCommand(args, env)
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error
    const usage = error instanceof UsageError && !error.withUsage ? '' : `\n${PUSH_USAGE}`
    process.stderr.write(`ouverture push: ${error.message}\n${usage}`)
    return 2
  }
  if (command === 'help') {
    process.stdout.write(PUSH_USAGE)
    return 0
  }

  return push(command)
}

function readCommand(args: string[], env: NodeJS.ProcessEnv): PushCommand | 'help' {
  // parseArgs throws a TypeError naming the unknown option or missing value.
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true })
  if (values.help === true) return 'help'

  const [file, ...extra] = positionals
  if (file === undefined) throw new UsageError('which file? Give FILE.')
  if (extra.length > 0) throw new UsageError(`one file at a time (also got "${extra.join(' ')}")`)
  if (values.resource === undefined || values.resource === '') {
    throw new UsageError('which resource? Give --resource ID.')
  }
  // Resource ids are UUIDs: anything else would be a 400 once the service is reached.
  if (!UUID.test(values.resource)) {
    throw new UsageError('--resource takes a resource id, a UUID such as ' +
      `3f0c2a64-5a7e-4f0b-9a55-0c1d2e3f4a5b (got "${values.resource}")`, false)
  }
  const token = values.token || env.OUVERTURE_TOKEN || ''
  if (token === '') throw new UsageError('no token: set OUVERTURE_TOKEN (or give --token).')

  const forced = FORCED.flatMap((name) => {
    const value = values[name]
    return value === undefined ? [] : [[name, value] as const]
  })
  const named = values.filename ? [['filename', values.filename] as const] : []
  for (const [name, value] of [...named, ...forced]) {
    const mistake = queryMistake(name, value)
    if (mistake !== null) throw new UsageError(mistake, false)
  }

  return {
    file,
    resource: values.resource,
    base: serviceUrl(values.url || env.OUVERTURE_URL || DEFAULT_URL),
    token,
    fileName: values.filename || path.basename(file),
    json: values.json === true,
    forced
  }
}

function serviceUrl(value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`"${value}" is not a URL (e.g. https://data.example.fr).`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`the URL must start with http:// or https:// (got "${url.protocol}").`)
  }
  return url
}

// The upload address under the service's base URL, which may carry a path when
// a reverse proxy serves Ouverture below the root of a site.
function resourceUrl(command: PushCommand, tail: string): URL {
  const base = new URL(command.base)
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return new URL(`api/v1/resources/${encodeURIComponent(command.resource)}/${tail}`, base)
}

function dataUrl(command: PushCommand): URL {
  const url = resourceUrl(command, 'data')
  url.searchParams.set('filename', command.fileName)
  for (const [name, value] of command.forced) url.searchParams.set(name, value)
  return url
}

const revisionsUrl = (command: PushCommand) => resourceUrl(command, 'revisions').href

async function push(command: PushCommand): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const answer = await sendOnce(command)
    if (typeof answer === 'number') return answer

    const wait = busyWait(answer)
    if (wait === null || attempt === MAX_ATTEMPTS) return report(answer, command.json)
    process.stderr.write(`ouverture push: the service is busy with other uploads; sending ` +
      `again in ${wait} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})\n`)
    await sleep(wait * 1000)
  }
}

// Seconds to wait before sending again, for an answer that asks for it.
function busyWait(answer: HttpAnswer): number | null {
  if (answer.status !== 503 || answer.retryAfter === null) return null
  if (parseJson(answer.body)?.code !== 'UPLOADS_BUSY') return null
  return Math.min(answer.retryAfter, MAX_WAIT_SECONDS)
}

// One upload of the file: the service's answer, or the exit status of a failure
// on the way (told on stderr).
async function sendOnce(command: PushCommand): Promise<HttpAnswer | number> {
  const opened = await openFile(command.file)
  if (typeof opened === 'string') {
    process.stderr.write(`ouverture push: ${opened}\n`)
    return 1
  }

  const { handle, size } = opened
  // Exactly the announced bytes: a file still growing cannot overrun Content-Length.
  const body = handle.createReadStream(size > 0 ? { start: 0, end: size - 1 } : {})
  const progress = new UploadProgress(process.stderr, size)
  // Once the whole file is handed to the network, the service loads it if every
  // byte reaches it; bytes still on their way when this process ends are lost,
  // and the upload fails. Which happened only the service can tell.
  const interrupted = () => {
    progress.stop()
    process.stderr.write('\nouverture push: interrupted before the service answered. If ' +
      'every byte had reached it, it goes on loading the file; if not, the upload fails and ' +
      `the resource keeps its current data. See ${revisionsUrl(command)}\n`)
    process.exit(130)
  }
  let answer: HttpAnswer
  try {
    answer = await sendFile({
      url: dataUrl(command),
      token: command.token,
      body,
      size,
      onBytes: (bytes) => progress.add(bytes),
      onBodySent: () => {
        progress.bodySent()
        process.once('SIGINT', interrupted)
      }
    })
  } catch (error) {
    progress.stop()
    process.stderr.write(`ouverture push: ${failureText(error, command.base)}\n`)
    return 1
  } finally {
    process.off('SIGINT', interrupted)
    progress.stop()
    await handle.close().catch(() => undefined)
  }
  return answer
}

async function openFile(file: string) {
  try {
    const handle = await fs.open(file, 'r')
    const stat = await handle.stat()
    if (stat.isFile()) return { handle, size: stat.size }
    await handle.close()
    return `${file} is not a file`
  } catch (error) {
    const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined
    if (code === 'ENOENT') return `cannot read ${file}: no such file`
    if (code === 'EACCES') return `cannot read ${file}: permission denied`
    if (code === 'EISDIR') return `${file} is not a file`
    return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`
  }
}

function report(answer: HttpAnswer, json: boolean): number {
  const body = parseJson(answer.body)
  if (answer.status === 201 && body !== null) {
    process.stdout.write(json ? answer.body.trimEnd() + '\n' : revisionText(body))
    return 0
  }

  if (body !== null && typeof body.code === 'string') {
    // With --json a script reads the problem where it reads a success.
    if (json) process.stdout.write(answer.body.trimEnd() + '\n')
    process.stderr.write(problemText(body))
  } else {
    // Not Ouverture's answer: often a proxy in front of it (502, an HTML login page).
    const type = answer.contentType === '' ? '' : `, ${answer.contentType}`
    process.stderr.write(`error: the server answered HTTP ${answer.status} ` +
      `${answer.statusText}${type}; is --url the Ouverture service?\n`)
  }
  return 1
}

// What went wrong on the way, in words, with the service's address but never
// its credentials or the token.
function failureText(error: unknown, base: URL): string {
  if (error instanceof FileReadError) return error.message
  const where = base.origin
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined
  const reason = code === undefined ? undefined : NETWORK_REASONS[code]
  if (reason !== undefined) return `cannot reach ${where}: ${reason}`
  const message = error instanceof Error ? error.message : String(error)
  return `the upload to ${where} failed: ${message}${code === undefined ? '' : ` (${code})`}`
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the service running, and is the URL right?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name cannot be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was cut before an answer came',
  EPIPE: 'the connection was cut before an answer came',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified'
}
