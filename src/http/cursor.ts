import { AppError } from './errors.js'

// Cursors are opaque to clients: base64url JSON of the sort key of the last item
// sent, plus a tag for the ordering it belongs to, so a cursor taken under one
// order cannot be replayed under another.
export function encodeCursor(tag: string, key: unknown[]): string {
  return Buffer.from(JSON.stringify([tag, ...key])).toString('base64url')
}

// `stale`: says, of a cursor's tag that is not `tag`, why it no longer holds (the
// data it paged through was replaced), when it can tell.
export function decodeCursor(
  tag: string,
  cursor: string,
  stale: (given: string) => string | undefined = () => undefined
): unknown[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch (error) {
    throw new AppError('CURSOR_INVALID', 'The cursor cannot be decoded.', {}, error)
  }

  if (!Array.isArray(parsed) || parsed[0] !== tag) {
    const given: unknown = Array.isArray(parsed) ? parsed[0] : undefined
    const why = typeof given === 'string' ? stale(given) : undefined
    throw new AppError('CURSOR_INVALID', why ?? 'The cursor belongs to another listing or order.')
  }
  return parsed.slice(1)
}

// A cursor is opaque but can be forged: check it before it reaches SQL.
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:[+-](\d{2})(?::(\d{2}))?)?$/
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

// Lists of catalogue items page by (created_at as exact text, id).
export function decodeListCursor(tag: string, cursor: string): [string, string] {
  const [at, id] = decodeCursor(tag, cursor)
  if (typeof at !== 'string' || !isTimestampText(at, true) ||
    typeof id !== 'string' || !UUID_TEXT.test(id)) {
    throw new AppError('CURSOR_INVALID', 'The cursor does not come from this listing.')
  }
  return [at, id]
}

// The text PostgreSQL gives for a timestamp, with its offset when `zoned` (the session
// is in UTC: see db/database.ts), every field in range, so that casting it back cannot
// fail: a forged `99:00:00` or `+05:99` was a 500. List cursors and records cursors
// over timestamp columns both carry such text.
export function isTimestampText(text: string, zoned: boolean): boolean {
  const m = TIMESTAMP_TEXT.exec(text)
  if (m === null || (m[7] !== undefined) !== zoned) return false
  const [y, mo, d, h, mi, s, oh, om] = m.slice(1).map((part) => Number(part ?? 0))
  if (y === undefined || mo === undefined || d === undefined) return false
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  return y >= 1 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    (h ?? 99) < 24 && (mi ?? 99) < 60 && (s ?? 99) < 60 && (oh ?? 99) <= 15 && (om ?? 99) < 60
}
