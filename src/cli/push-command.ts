import path from 'node:path'
import { parseArgs } from 'node:util'

import { acceptedValues, FORCED, queryMistake } from './upload-query.js'

// What `ouverture push` is asked to do: its arguments read and checked, before
// any file is opened or any connection made.

// A busy service says when to come back (Retry-After); a script left unattended
// waits rather than fail, but not forever.
export const MAX_ATTEMPTS = 10

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

export interface PushCommand {
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
export class UsageError extends Error {
  constructor(message: string, readonly withUsage = true) {
    super(message)
  }
}

// parseArgs throws a TypeError naming the unknown option or the missing value, in
// words meant for programmers (`place it at the end of the command after '--'`).
function parsed(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const message = error instanceof Error ? error.message : String(error)
    const unknown = /Unknown option '([^']+)'/.exec(message)
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== null) {
      throw new UsageError(`there is no option ${unknown[1] ?? ''}`)
    }
    const missing = /Option '(?:-\w, )?(--?[\w-]+)[^']*' argument missing/.exec(message)
    if (missing !== null) throw new UsageError(`${missing[1] ?? ''} needs a value`)
    throw new UsageError(message)
  }
}

export function readCommand(args: string[], env: NodeJS.ProcessEnv): PushCommand | 'help' {
  const { values, positionals } = parsed(args)
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
