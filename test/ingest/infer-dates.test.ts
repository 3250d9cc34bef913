import t from 'tap'

import { formatOf, infer } from '../helpers/infer.js'

// Dates and timestamps as the inference reads them, column by column.

t.test('dates in the five accepted spellings', async (t) => {
  t.same(formatOf(['2024-03-04', '2024-02-29']), { type: 'date', order: 'ymd', separator: '-' })
  t.same(formatOf(['2024/03/04']), { type: 'date', order: 'ymd', separator: '/' })
  t.same(formatOf(['03/04/2024', '4/3/2024']), { type: 'date', order: 'dmy', separator: '/' })
  t.same(formatOf(['03-04-2024']), { type: 'date', order: 'dmy', separator: '-' })
  t.same(formatOf(['26.05.2014']), { type: 'date', order: 'dmy', separator: '.' })
})

t.test('dates must exist on the calendar', async (t) => {
  for (const value of ['2024-13-45', '31/02/2024', '29/02/2023', '2023-02-29', '00/01/2024',
    '0000-01-01', '2024-04-31', '1900-02-29']) {
    t.equal(formatOf([value]).type, 'text', value)
  }
  t.equal(formatOf(['29/02/2000', '2024-02-29']).type, 'text', 'mixed formats')
  t.equal(formatOf(['29/02/2000']).type, 'date', '2000 is a leap year')
})

t.test('a value that only looks like a date makes text with the reason', async (t) => {
  t.same(formatOf(['31/02/2024', '01/03/2024']),
    { type: 'text', reason: 'not a date: "31/02/2024" at line 2 (no such date)' })
  t.same(formatOf(['28/02/2023', '29/02/2023']),
    { type: 'text', reason: 'not a date: "29/02/2023" at line 3 (no such date)' })
  t.same(formatOf(['0000-12-31']),
    { type: 'text', reason: 'not a date: "0000-12-31" at line 2 (no such date)' })
})

t.test('dates span the years 0001 to 9999', async (t) => {
  t.match(infer(['0001-01-01', '9999-12-31']), { min: '0001-01-01', max: '9999-12-31' })
  t.same(formatOf(['10000-01-01']), { type: 'text' })
})

t.test('two-digit years are not dates', async (t) => {
  t.equal(formatOf(['04/03/24']).type, 'text')
})

t.test('one date format per column, else text with the reason', async (t) => {
  t.same(formatOf(['26.05.2014', '28.04.2014', '2014-05-26']), {
    type: 'text', reason: 'mixed date formats: "2014-05-26" at line 4 (dmy "." until then)'
  })
})

t.test('ISO 8601 timestamps with an offset are instants', async (t) => {
  t.same(formatOf(['2024-03-04T10:20:30Z', '2024-03-04T10:20:30+02:00',
    '2024-03-04T10:20:30.123456-05:00', '2024-03-04 10:20+0100']),
  { type: 'timestamp', offset: true })
})

t.test('timestamps without offset are wall-clock times', async (t) => {
  t.same(formatOf(['2024-05-26 00:00:00', '2014-04-28T13:45:00']),
    { type: 'timestamp', offset: false })
})

t.test('timestamps with and without offset do not mix', async (t) => {
  t.same(formatOf(['2024-05-26 00:00:00', '2024-05-26T00:00:00Z']), {
    type: 'text',
    reason: 'mixed time zones: "2024-05-26T00:00:00Z" at line 3 (without offset until then)'
  })
})

t.test('dates and timestamps do not mix', async (t) => {
  t.same(formatOf(['2024-05-26', '2024-05-26 10:00:00']), {
    type: 'text', reason: 'mixed: "2024-05-26 10:00:00" at line 3 (date until then)'
  })
})

t.test('impossible times are not timestamps', async (t) => {
  for (const value of ['2024-03-04T24:00:00', '2024-03-04T10:60:00', '2024-03-04T10:20:61',
    '2024-02-30T10:00:00', '2024-03-04T10:20:30+1600', '2024-03-04T10:20:30.', '2024-03-04T10']) {
    t.equal(formatOf([value]).type, 'text', value)
  }
})

t.test('impossible times and offsets make text with the reason', async (t) => {
  const reason = (value: string) => {
    const format = formatOf([value])
    return format.type === 'text' ? format.reason : undefined
  }
  t.equal(reason('2024-03-04T24:00:00'), 'not a timestamp: "2024-03-04T24:00:00" at line 2 ' +
    '(no such time)')
  t.equal(reason('2024-02-30 10:00'), 'not a timestamp: "2024-02-30 10:00" at line 2 ' +
    '(no such date)')
  t.equal(reason('2024-03-04T10:20:30+1600'), 'not a timestamp: ' +
    '"2024-03-04T10:20:30+1600" at line 2 (unreadable UTC offset)')
  t.same(formatOf(['2024-05-26 10:00:00', '0000-00-00 00:00:00']), { type: 'text',
    reason: 'not a timestamp: "0000-00-00 00:00:00" at line 3 (no such date)' })
})

t.test('at most 6 fractional digits: PostgreSQL would round a seventh', async (t) => {
  t.same(formatOf(['2024-12-31 23:59:59.999999']), { type: 'timestamp', offset: false })
  t.same(formatOf(['2024-12-31 23:59:59.9999999']), { type: 'text',
    reason: 'not a timestamp: "2024-12-31 23:59:59.9999999" at line 2 ' +
      '(more than 6 fractional digits)' })
  t.same(formatOf(['2024-01-01T00:00:00Z', '2024-12-31T23:59:59.123456789+01:00']), {
    type: 'text', reason: 'not a timestamp: "2024-12-31T23:59:59.123456789+01:00" at line 3 ' +
      '(more than 6 fractional digits)'
  })
})

t.test('instants stay within the years 0001 to 9999 in UTC', async (t) => {
  t.match(infer(['0001-01-01T15:00:00+15:00', '9999-12-31T08:59:59.999999-15:00']), {
    format: { type: 'timestamp', offset: true },
    min: '0001-01-01T15:00:00+15:00',
    max: '9999-12-31T08:59:59.999999-15:00'
  })
  for (const value of ['0001-01-01T00:00:00+15:00', '9999-12-31T23:59:59-15:00',
    '0001-01-01T00:00:00.5+00:01', '9999-12-31T23:30:00-00:30']) {
    t.same(formatOf([value]), { type: 'text',
      reason: `not a timestamp: "${value}" at line 2 (outside the years 0001–9999 in UTC)` })
  }
  t.same(formatOf(['0001-01-01 00:00:00', '9999-12-31 23:59:59.999999']),
    { type: 'timestamp', offset: false }, 'wall-clock times have no offset to apply')
})
