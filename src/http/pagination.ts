import type { Config } from '../config.js'
import { encodeCursor } from './cursor.js'

export function pageSize(requested: number | undefined, config: Config): number {
  return Math.min(requested ?? config.PAGE_SIZE_DEFAULT, config.PAGE_SIZE_MAX)
}

// Queries fetch one row more than the page: its presence says there is a next
// page, whose cursor is the sort key of the last row sent.
export function pageOf<T>(rows: T[], limit: number, tag: string, key: (row: T) => unknown[]) {
  const data = rows.slice(0, limit)
  const last = data.at(-1)
  const more = rows.length > limit && last !== undefined
  return { data, next_cursor: more ? encodeCursor(tag, key(last)) : null }
}
