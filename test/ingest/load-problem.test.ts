import t from 'tap'

import { AppError } from '../../src/http/errors.js'
import { asLoadProblem } from '../../src/ingest/load-problem.js'

// What PostgreSQL's refusals during COPY become for the uploader.
t.test('refusals from PostgreSQL are told as problems of the file', async (t) => {
  const refusal = (code: string, where?: string) =>
    Object.assign(new Error('numeric field overflow'), { code, where })

  const tooWide = asLoadProblem(refusal('54000'))
  t.ok(tooWide instanceof AppError)
  t.match(tooWide, { code: 'CSV_ROW_TOO_WIDE' })

  const value = asLoadProblem(refusal('22003', 'COPY rev_0, line 8001, column c2: "1000"'))
  t.ok(value instanceof AppError)
  t.match(value, { code: 'CSV_VALUE_REJECTED', extras: { column: 2 } })
  t.match((value as Error).message, /data row 8001, field 2: numeric field overflow/)

  const nowhere = asLoadProblem(refusal('22008'))
  t.match(nowhere, { code: 'CSV_VALUE_REJECTED', extras: {} })

  t.match(asLoadProblem(refusal('57P01')), { code: 'UNAVAILABLE' }, 'an admin shutdown')
  t.match(asLoadProblem(new Error('Connection terminated unexpectedly')),
    { code: 'UNAVAILABLE' }, 'a lost connection')

  const other = refusal('42P01')
  t.equal(asLoadProblem(other), other, 'anything else is left as it is')
})
