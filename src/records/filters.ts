import { isTimestampText } from '../http/cursor.js'
import { AppError } from '../http/errors.js'
import { isCalendarDateText, parseTimestampFilter } from '../ingest/dates.js'
import type { StoredColumn } from '../ingest/revision.model.js'

export const OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'null'] as const
export type Operator = (typeof OPERATORS)[number]

export interface Filter {
  column: StoredColumn
  op: Operator
  // Values in the canonical text form PostgreSQL casts to the column's type.
  values: string[]
}

export interface OrderKey {
  column: StoredColumn
  descending: boolean
}

export const whereParameter = {
  name: 'where',
  in: 'query' as const,
  style: 'deepObject' as const,
  explode: true,
  description:
    'Filters on columns, by API name: `where[col]=v` (equality) or `where[col][op]=v` with ' +
    'op among eq, ne, lt, lte, gt, gte, in (repeat the parameter for each value) and null ' +
    '(true or false). Values use canonical forms: 12.5, 2024-04-03, true.',
  schema: {
    type: 'object' as const,
    additionalProperties: {
      oneOf: [
        { type: 'string' as const },
        { type: 'object' as const, additionalProperties: { type: 'string' as const } }
      ]
    }
  },
  example: { montant: { gte: '1000' }, code_postal: '34000' }
}

const WHERE_KEY = /^where\[([^\][]+)\](?:\[([A-Za-z]+)\])?$/
const MAX_ORDER_KEYS = 5

// Filters arrive as `where[column]=value` or `where[column][op]=value`
// (OpenAPI deepObject style). Each value is checked against the column's type
// here, so a bad value is a clear 400 rather than a database error.
export function parseFilters(
  query: Record<string, unknown>,
  columns: StoredColumn[]
): Filter[] {
  const filters: Filter[] = []
  for (const [key, raw] of Object.entries(query)) {
    if (!key.startsWith('where')) continue
    const match = WHERE_KEY.exec(key)
    if (match === null) {
      throw new AppError('FILTER_INVALID', `"${key}" is not a filter; use where[col][op]=value.`)
    }

    const name = match[1] ?? ''
    const op = (match[2] ?? 'eq').toLowerCase() as Operator
    const column = columns.find((c) => c.name === name)
    if (column === undefined) throw filterError(`No column named "${name}".`, columns)
    if (!OPERATORS.includes(op)) {
      throw new AppError('FILTER_INVALID', `Unknown operator "${op}"; use ${OPERATORS.join(', ')}.`)
    }

    const values = (Array.isArray(raw) ? raw : [raw]).map(String)
    if (op !== 'in' && values.length > 1) {
      throw new AppError('FILTER_INVALID', `where[${name}][${op}] is given more than once.`)
    }
    if (op === 'null') {
      if (values[0] !== 'true' && values[0] !== 'false') {
        throw new AppError('FILTER_INVALID', `where[${name}][null] takes true or false.`)
      }
      filters.push({ column, op, values })
      continue
    }
    filters.push({ column, op, values: values.map((v) => inValue(column, op, v)) })
  }
  return filters
}

// `where[jour][in]=a,b` reads as one value: say how to give several, when the
// value only fails for its comma.
function inValue(column: StoredColumn, op: Operator, value: string): string {
  try {
    return canonical(column, value)
  } catch (error) {
    if (op !== 'in' || column.type === 'text' || !value.includes(',')) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new AppError('FILTER_INVALID', `${message} For several values, repeat the ` +
      `parameter: where[${column.name}][in]=a&where[${column.name}][in]=b.`)
  }
}

export function parseOrder(order: string | undefined, columns: StoredColumn[]): OrderKey[] {
  if (order === undefined || order.trim() === '') return []
  const parts = order.split(',')
  if (parts.length > MAX_ORDER_KEYS) {
    throw new AppError('ORDER_INVALID', `Order by ${MAX_ORDER_KEYS} columns at most.`)
  }
  return parts.map((part) => {
    const descending = part.startsWith('-')
    const name = descending ? part.slice(1) : part
    const column = columns.find((c) => c.name === name)
    if (column === undefined) {
      throw new AppError('ORDER_INVALID', `Cannot order by "${name}": no such column.`)
    }
    return { column, descending }
  })
}

const INTEGER = /^-?\d{1,19}$/
// PostgreSQL's numeric: up to 131,072 digits before the point, 16,383 after.
const DECIMAL = /^-?\d{1,131072}(\.\d{1,16383})?$/

// The canonical text of a filter value for the column's type, or a 400.
export function canonical(column: StoredColumn, value: string): string {
  const fail = (expected: string) =>
    new AppError('FILTER_INVALID', `"${column.name}" is ${column.type}: expected ${expected}.`)

  switch (column.type) {
    case 'integer':
      if (!INTEGER.test(value) || !fitsInt64(value)) throw fail('an integer such as 42')
      return value
    case 'decimal':
      if (!DECIMAL.test(value)) throw fail('a number with a point, such as 12.5')
      return value
    case 'date':
      if (!isCalendarDateText(value)) throw fail('a date as YYYY-MM-DD')
      return value
    case 'timestamp': {
      // A zoned column compares instants; a wall-clock one compares as written.
      const parsed = parseTimestampFilter(value)
      const zoned = column.zoned !== false
      if (parsed === null || parsed.zoned !== zoned) {
        throw fail(zoned
          ? 'an ISO 8601 timestamp with its offset, such as 2024-04-03T10:00:00Z'
          : 'an ISO 8601 timestamp without offset, such as 2024-04-03T10:00:00')
      }
      return parsed.canonical
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw fail('true or false')
      return value
    case 'text':
      // PostgreSQL text cannot hold NUL: no stored value can equal one.
      if (value.includes('\0')) throw fail('text without NUL characters')
      return value
  }
}

// A cursor is opaque but can be forged: each sort value it carries must be what
// PostgreSQL's text output of the column's type looks like, or it is refused
// before it reaches SQL.
export function isCursorValue(column: StoredColumn, value: string): boolean {
  switch (column.type) {
    case 'integer': return INTEGER.test(value) && fitsInt64(value)
    case 'decimal': return DECIMAL.test(value)
    case 'date': return isCalendarDateText(value)
    case 'timestamp': return isTimestampText(value, column.zoned !== false)
    case 'boolean': return value === 'true' || value === 'false'
    case 'text': return !value.includes('\0')
  }
}

export function fitsInt64(value: string): boolean {
  const n = BigInt(value)
  return n >= -(2n ** 63n) && n < 2n ** 63n
}


function filterError(message: string, columns: StoredColumn[]): AppError {
  const names = columns.map((c) => c.name).join(', ')
  return new AppError('FILTER_INVALID', `${message} Columns: ${names}.`)
}
