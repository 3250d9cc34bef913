// Whether an error says the database is out of reach rather than anything about
// the request: PostgreSQL's connection and shutdown classes (08, 57P), the
// socket's own errors, and node-postgres's word for a connection that ended.
// Such a failure is a 503 the client may retry, not a 500.
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE'])

export function isDatabaseGone(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown }
  if (typeof code === 'string' &&
    (code.startsWith('57P') || code.startsWith('08') || NETWORK_CODES.has(code))) return true
  return error instanceof Error && /^Connection terminated/.test(error.message)
}
