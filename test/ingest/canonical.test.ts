import t from 'tap'

import { isCalendarDateText, parseTimestampFilter } from '../../src/ingest/dates.js'
import { canonicalValue, matchesFormat, type InferredFormat } from '../../src/ingest/infer.js'

const integer: InferredFormat = { type: 'integer', grouping: true, currency: true }
const commaDecimal: InferredFormat =
  { type: 'decimal', decimalMark: ',', grouping: true, currency: true }
const pointDecimal: InferredFormat =
  { type: 'decimal', decimalMark: '.', grouping: false, currency: false }

t.test('integers lose their grouping and currency', async (t) => {
  t.equal(canonicalValue(integer, ' 12 350 000 € '), '12350000')
  t.equal(canonicalValue(integer, '-1\u00a0867\u202f500'), '-1867500')
  t.equal(canonicalValue(integer, '0'), '0')
})

t.test('decimals use a point', async (t) => {
  t.equal(canonicalValue(commaDecimal, '  1\u00a0063\u00a0850,00    '), '1063850.00')
  t.equal(canonicalValue(commaDecimal, '-0,5'), '-0.5')
  t.equal(canonicalValue(commaDecimal, '12'), '12', 'integers fit a decimal column')
  t.equal(canonicalValue(pointDecimal, '1234.56'), '1234.56')
})

t.test('numbers already canonical come back as written', async (t) => {
  t.equal(canonicalValue(integer, '-12'), '-12')
  t.equal(canonicalValue(pointDecimal, '-0.25'), '-0.25')
  t.equal(canonicalValue(commaDecimal, '3 €'), '3')
  t.equal(canonicalValue(commaDecimal, '1 234 567,5\u202f€'), '1234567.5')
  t.equal(canonicalValue(commaDecimal, '7,05'), '7.05')
})

t.test('dates become ISO', async (t) => {
  t.equal(canonicalValue({ type: 'date', order: 'dmy', separator: '/' }, '03/04/2024'),
    '2024-04-03')
  t.equal(canonicalValue({ type: 'date', order: 'dmy', separator: '.' }, '6.5.2014'),
    '2014-05-06')
  t.equal(canonicalValue({ type: 'date', order: 'ymd', separator: '/' }, '2024/03/04'),
    '2024-03-04')
  t.equal(canonicalValue({ type: 'date', order: 'ymd', separator: '-' }, '0999-12-31'),
    '0999-12-31')
  t.equal(canonicalValue({ type: 'date', order: 'dmy', separator: '-' }, '1-2-0033'),
    '0033-02-01', 'years keep four digits')
})

t.test('timestamps get a T and a ±hh:mm offset', async (t) => {
  const zoned: InferredFormat = { type: 'timestamp', offset: true }
  t.equal(canonicalValue(zoned, '2024-03-04 10:20:30+0200'), '2024-03-04T10:20:30+02:00')
  t.equal(canonicalValue(zoned, '2024-03-04T10:20:30-05'), '2024-03-04T10:20:30-05:00')
  t.equal(canonicalValue(zoned, '2024-03-04T10:20:30.5z'), '2024-03-04T10:20:30.5Z')
  t.equal(canonicalValue({ type: 'timestamp', offset: false }, '2014-05-26 00:00:00'),
    '2014-05-26T00:00:00')
})

t.test('booleans become true or false', async (t) => {
  t.equal(canonicalValue({ type: 'boolean' }, 'Oui'), 'true')
  t.equal(canonicalValue({ type: 'boolean' }, 'FAUX'), 'false')
  t.equal(canonicalValue({ type: 'boolean' }, 'tRuE'), 'true')
  t.equal(canonicalValue({ type: 'boolean' }, 'vraI'), 'true')
  t.equal(canonicalValue({ type: 'boolean' }, 'False'), 'false')
  t.equal(canonicalValue({ type: 'boolean' }, 'nON'), 'false')
})

t.test('only the six words are booleans, whatever lower-cases to them', async (t) => {
  for (const value of ['ou', 'ouii', 'o ui', 'oúi', 'ouİ', 'vraİ', 'n0n', 'true!', 'OUI\u0307']) {
    t.equal(matchesFormat({ type: 'boolean' }, value), false, value)
  }
})

t.test('empty cells and null markers are null in typed columns', async (t) => {
  t.equal(canonicalValue(integer, '   '), null)
  t.equal(canonicalValue(integer, 'NA'), null)
  t.equal(canonicalValue(integer, '-'), null)
  t.equal(canonicalValue(integer, 'ND', ['ND']), null)
})

t.test('text is trimmed and keeps null markers as data', async (t) => {
  t.equal(canonicalValue({ type: 'text' }, '  0341303G '), '0341303G')
  t.equal(canonicalValue({ type: 'text' }, '-'), '-')
  t.equal(canonicalValue({ type: 'text' }, ''), null)
})

t.test('a value that does not fit the format is a programming error', async (t) => {
  t.throws(() => canonicalValue(integer, 'abc'), RangeError)
  t.throws(() => canonicalValue(integer, '1,5'), RangeError)
  t.throws(() => canonicalValue(pointDecimal, '1,5'), RangeError)
  t.throws(() => canonicalValue({ type: 'date', order: 'ymd', separator: '-' }, '03/04/2024'))
  t.throws(() => canonicalValue({ type: 'timestamp', offset: true }, '2024-03-04 10:00'))
})

t.test('matchesFormat says whether a cell fits, nulls always do', async (t) => {
  t.equal(matchesFormat(integer, '12'), true)
  t.equal(matchesFormat(integer, 'NUMCOM'), false)
  t.equal(matchesFormat(integer, ''), true)
  t.equal(matchesFormat({ type: 'text' }, 'anything'), true)
})

t.test('timestamps PostgreSQL would change do not match a timestamp format', async (t) => {
  const wallClock: InferredFormat = { type: 'timestamp', offset: false }
  const zoned: InferredFormat = { type: 'timestamp', offset: true }
  t.equal(matchesFormat(wallClock, '2024-12-31 23:59:59.999999'), true)
  t.equal(matchesFormat(wallClock, '2024-12-31 23:59:59.9999999'), false)
  t.equal(matchesFormat(zoned, '0001-01-01T00:00:00+15:00'), false)
  t.throws(() => canonicalValue(zoned, '9999-12-31T23:59:59-15:00'), RangeError)
})

t.test('parseTimestampFilter accepts what the loader accepts, in canonical form', async (t) => {
  t.same(parseTimestampFilter('2024-03-04 10:20:30+0200'),
    { canonical: '2024-03-04T10:20:30+02:00', zoned: true })
  t.same(parseTimestampFilter('2024-03-04T10:20:30.123456z'),
    { canonical: '2024-03-04T10:20:30.123456Z', zoned: true })
  t.same(parseTimestampFilter('2014-05-26 00:00'),
    { canonical: '2014-05-26T00:00', zoned: false })
  for (const value of ['2024-12-31 23:59:59.9999999', '0001-01-01T00:00:00+15:00',
    '9999-12-31T23:59:59-15:00', '2024-02-30T10:00:00', '2024-03-04T24:00', '2024-03-04',
    ' 2024-03-04T10:00', '2024-03-04T10:00+16:00', 'now']) {
    t.equal(parseTimestampFilter(value), null, value)
  }
})

t.test('isCalendarDateText accepts real ISO dates of the years 0001 to 9999', async (t) => {
  for (const value of ['2024-02-29', '0001-01-01', '9999-12-31']) {
    t.equal(isCalendarDateText(value), true, value)
  }
  for (const value of ['2023-02-29', '2024-04-31', '0000-01-01', '10000-01-01', '2024-1-05',
    '03/04/2024', '2024/03/04', '2024-03-04T00:00', ' 2024-03-04', '']) {
    t.equal(isCalendarDateText(value), false, value)
  }
})
