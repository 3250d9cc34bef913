import { isDatabaseGone } from '../db/unavailable.js'
import { AppError } from '../http/errors.js'

// PostgreSQL refusals that come from the file itself, told as such.
export function asLoadProblem(error: unknown): unknown {
  const { code, where } = (error ?? {}) as { code?: unknown; where?: unknown }
  if (code === '54000') {
    return new AppError(
      'CSV_ROW_TOO_WIDE',
      'A row of this file is wider than a PostgreSQL row can be (about 8 kB of short ' +
        'values); split the file into fewer columns.',
      {},
      error
    )
  }

  // Class 22, data exceptions: a value the checks let through and PostgreSQL
  // refused. COPY names the row (in data rows) and the generated column.
  if (typeof code === 'string' && code.startsWith('22')) {
    const at = /line (\d+), column c(\d+)/.exec(typeof where === 'string' ? where : '')
    const place = at === null ? '' : ` in data row ${at[1]}, field ${at[2]}`
    const message = (error as Error).message
    return new AppError(
      'CSV_VALUE_REJECTED',
      `PostgreSQL refused a value${place}: ${message}.`,
      at === null ? {} : { column: Number(at[2]) },
      error
    )
  }
  // The database went away under the load (shut down, restarted, connection
  // killed): the file is not at fault, and the upload can be tried again.
  if (isDatabaseGone(error)) return connectionLost(error)
  return error
}

// The failure of a load whose connection went away, whatever shape it took on
// the way (the server's error, a COPY stream closed early, a write refused).
export function connectionLost(cause: unknown): AppError {
  return new AppError(
    'UNAVAILABLE',
    'The database connection was lost during the load; nothing was changed. Try again.',
    {},
    cause
  )
}
