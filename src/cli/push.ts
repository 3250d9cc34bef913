import { promises as fs } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import { parseJson, problemText, revisionText } from './answer-text.js'
import { UploadProgress } from './progress.js'
import {
  MAX_ATTEMPTS, PUSH_USAGE, type PushCommand, readCommand, UsageError
} from './push-command.js'
import { FileReadError, type HttpAnswer, sendFile } from './upload.js'

// How long to wait at most when the service says it is busy (Retry-After).
const MAX_WAIT_SECONDS = 60

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
