import { AppError } from './errors.js'

// Cursors are opaque to clients: base64url JSON of the sort key of the last item
// sent, plus a tag for the ordering it belongs to, so a cursor taken under one
// order cannot be replayed under another.
export function encodeCursor(tag: string, key: unknown[]): string {
  return Buffer.from(JSON.stringify([tag, ...key])).toString('base64url')
}

export function decodeCursor(tag: string, cursor: string): unknown[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch (error) {
    throw new AppError('CURSOR_INVALID', 'The cursor cannot be decoded.', {}, error)
  }

  if (!Array.isArray(parsed) || parsed[0] !== tag) {
    throw new AppError('CURSOR_INVALID', 'The cursor belongs to another listing or order.')
  }
  return parsed.slice(1)
}
