import t from 'tap'

import { canonicalText } from '../../src/ingest/canonical.js'
import { ColumnInferrer, normaliseCell } from '../../src/ingest/infer.js'
import { formatOf, infer } from '../helpers/infer.js'

t.test('normaliseCell trims spaces, tabs, NBSP, NNBSP, CR and LF at both ends', async (t) => {
  t.equal(normaliseCell(' \t\u00a0\u202f 1 063 850,00 \r\n'), '1 063 850,00')
  t.equal(normaliseCell('     135'), '135')
  t.equal(normaliseCell('a  b'), 'a  b', 'keeps inner spaces')
  t.equal(normaliseCell('\u2003x'), '\u2003x', 'leaves other spaces alone')
})

t.test('integers: digits with an optional minus', async (t) => {
  t.same(formatOf(['1', '-42', '0', '2014']),
    { type: 'integer', grouping: false, currency: false })
})

t.test('integers may group thousands by space, NBSP or NNBSP', async (t) => {
  t.same(formatOf(['12 350 000', '1\u00a0867\u00a0500', '520\u202f000', '7']),
    { type: 'integer', grouping: true, currency: false })
})

t.test('groups must hold exactly three digits', async (t) => {
  t.equal(formatOf(['12 34']).type, 'text')
  t.equal(formatOf(['1234 567']).type, 'text')
  t.equal(formatOf(['1  234']).type, 'text', 'two spaces')
})

t.test('a plus sign makes text: +33 phone numbers are not numbers', async (t) => {
  t.equal(formatOf(['+33467000000']).type, 'text')
})

t.test('a leading zero keeps the whole column as text, with the line', async (t) => {
  t.same(formatOf(['1004', '1005', '01004', '1006']),
    { type: 'text', reason: 'leading zeros (line 4: "01004")' })
  t.same(formatOf(['06000']), { type: 'text', reason: 'leading zeros (line 2: "06000")' })
  t.same(formatOf(['0341303G', '0341639X']),
    { type: 'text', reason: 'leading zeros (line 2: "0341303G")' })
  t.equal(formatOf(['0', '0', '10']).type, 'integer', 'a lone zero is a number')
})

// Found by a helper reading reports as a new user: these said "leading zeros", or
// nothing at all, and `ouverture push` printed no reason.
t.test('spellings read as text say why', async (t) => {
  t.same(formatOf(['03/04/24', '05/04/24']), {
    type: 'text',
    reason: 'not a date: "03/04/24" at line 2 (two-digit year; write the year in full)'
  })
  t.same(formatOf(['1.234,56']), {
    type: 'text',
    reason: 'not a number: "1.234,56" at line 2 (dots between thousands are not read; ' +
      'write 1234,56 or 1 234,56)'
  })
  t.match(formatOf(['12', '1.234.567']), { type: 'text', reason: /^not a number: "1.234.567"/ })
  t.same(formatOf(['12,5 %', '3 %']), {
    type: 'text',
    reason: 'not a number: "12,5 %" at line 2 (percentages are not read as numbers; ' +
      'drop the % sign)'
  })
  t.same(formatOf(['1.234']).type, 'decimal', 'one dot is a decimal point')
  t.same(formatOf(['Dupont']), { type: 'text' }, 'plain text needs no reason')
  t.match(formatOf(['7'.repeat(1001)]),
    { type: 'text', reason: /^not a number: .* \(more than 1000 digits/ })
})

t.test('integers beyond 64 bits are decimals', async (t) => {
  t.equal(formatOf(['9223372036854775807', '-9223372036854775808']).type, 'integer')
  t.same(formatOf(['9223372036854775808']),
    { type: 'decimal', decimalMark: '.', grouping: false, currency: false })
  t.equal(formatOf(['-9223372036854775809']).type, 'decimal')
  t.equal(formatOf(['123456789012345678901234']).type, 'decimal')
})

t.test('decimals with a point or a comma', async (t) => {
  t.same(formatOf(['1234.56', '-0.5']),
    { type: 'decimal', decimalMark: '.', grouping: false, currency: false })
  t.same(formatOf(['-0,5', '3,87576', '1 234,56', '2']),
    { type: 'decimal', decimalMark: ',', grouping: true, currency: false })
})

t.test('1,234 with a comma is the French decimal 1.234', async (t) => {
  t.same(infer(['1,234']).format,
    { type: 'decimal', decimalMark: ',', grouping: false, currency: false })
  t.equal(infer(['1,234']).min, '1.234')
})

t.test('integers then decimals make a decimal column', async (t) => {
  t.equal(formatOf(['1', '2', '2.5', '3']).type, 'decimal')
})

t.test('both decimal marks in one column make text, with the reason', async (t) => {
  t.same(formatOf(['1,5', '2', '2.5']),
    { type: 'text', reason: 'mixed decimal marks: "2.5" at line 4 ("," until then)' })
})

t.test('exponents, hex, bare points and English grouping are text', async (t) => {
  for (const value of ['1e5', '1E-3', '0x1A', '.5', '5.', '-.5', '1,234.56', '1.234.567']) {
    t.equal(formatOf([value]).type, 'text', value)
  }
})

t.test('a trailing euro sign flags a currency', async (t) => {
  t.same(formatOf(['12 350 000 €', '520\u00a0000\u00a0€', '7€']),
    { type: 'integer', grouping: true, currency: true })
  t.same(formatOf(['12,50 €']),
    { type: 'decimal', decimalMark: ',', grouping: false, currency: true })
  t.equal(formatOf(['€ 12']).type, 'text', 'the sign goes after the amount')
  t.equal(formatOf(['€']).type, 'text')
})

t.test('booleans in English and French, any case; 0 and 1 stay integers', async (t) => {
  t.same(formatOf(['true', 'FALSE', 'Oui', 'non', 'VRAI', 'faux']), { type: 'boolean' })
  t.equal(formatOf(['0', '1', '1']).type, 'integer')
  t.equal(formatOf(['oui', 'yes']).type, 'text')
})

t.test('empty cells are nulls; a column of only nulls is text', async (t) => {
  const stats = infer(['', '  ', '\u00a0'])
  t.same(stats, {
    format: { type: 'text', reason: 'no values' }, nullCount: 3, nonNullCount: 0, markerCount: 0
  })
})

t.test('null markers are nulls in a typed column', async (t) => {
  const stats = infer(['12', 'NA', '-', 'N/A', 'n/a', 'null', 'NULL', '', '13'])
  t.same(stats.format, { type: 'integer', grouping: false, currency: false })
  t.equal(stats.nullCount, 7)
  t.equal(stats.markerCount, 6)
  t.equal(stats.nonNullCount, 2)
})

t.test('null markers are values in a text column', async (t) => {
  const stats = infer(['abc', '-', 'NA', ''])
  t.equal(stats.format.type, 'text')
  t.equal(stats.nullCount, 1)
  t.equal(stats.nonNullCount, 3)
  t.equal(stats.markerCount, 2)
})

t.test('a column of only null markers is text', async (t) => {
  t.same(infer(['-', 'NA']).format, { type: 'text' })
})

t.test('null markers can be configured', async (t) => {
  t.equal(infer(['12', 'ND'], ['ND']).format.type, 'integer')
  t.equal(infer(['12', 'NA'], ['ND']).format.type, 'text')
  const markers = ['ND', 'non renseigné', 'Ø']
  t.equal(infer(['12', 'non renseigné', 'Ø', 'ND'], markers).markerCount, 3)
  t.equal(infer(['12', 'non renseign', 'Ø'], markers).format.type, 'text')
  t.equal(infer(['12', 'NA'], []).format.type, 'text', 'no markers at all')
})

t.test('text after typed values names the first offending value and line', async (t) => {
  const values = [...Array.from({ length: 38 }, (_, i) => String(i)), 'abc', '12']
  t.same(formatOf(values), { type: 'text', reason: 'mixed: "abc" at line 40 (integer until then)' })
})

t.test('a text column from the first value has no reason', async (t) => {
  t.same(formatOf(['Montpellier', '12']), { type: 'text' })
})

t.test('long offending values are shortened in the reason', async (t) => {
  const long = 'x'.repeat(200)
  const { format } = infer(['1', long])
  t.ok(format.type === 'text' && format.reason !== undefined && format.reason.length < 100)
})

t.test('min and max are canonical and compared by value', async (t) => {
  t.match(infer(['9', '10', '-3', '']), { min: '-3', max: '10' })
  t.match(infer(['1 063 850,00', '200,00', '-5,5']), { min: '-5.5', max: '1063850.00' })
  t.match(infer(['25/11/2013', '02/12/2013', '16/12/2012']),
    { min: '2012-12-16', max: '2013-12-02' })
  t.match(infer(['2024-03-04T10:00:00+02:00', '2024-03-04T09:30:00Z']), {
    min: '2024-03-04T10:00:00+02:00', max: '2024-03-04T09:30:00Z'
  })
  t.match(infer(['oui', 'non']), { min: 'false', max: 'true' })
  t.match(infer(['b', 'a', 'c']), { min: 'a', max: 'c' })
})

t.test('keeps working after the column fell back to text', async (t) => {
  const stats = infer(['1', 'x', '2', '', '3'])
  t.equal(stats.format.type, 'text')
  t.equal(stats.nonNullCount, 4)
  t.equal(stats.nullCount, 1)
})

t.test('the value observed last comes back canonical, from the scan that accepted it',
  async (t) => {
    const cases: Array<[string[], string[]]> = [
      [['1', '-12', '1 234', '12 €', '9223372036854775807'], ['2,5', '9223372036854775808']],
      [['1,5', '1 234,56', '-0,5', '3', '12,00 €'], ['1.5']],
      [['1.5', '-0.25', '3'], ['1,5']],
      [['03/04/2024', '31/12/1999'], ['2024-01-01', '03-04-2024']],
      [['2024-01-31', '1999-12-01'], ['31/01/2024']],
      [['2024-01-31T10:00:00Z', '2024-02-01T10:00:00+02:00'], ['2024-01-31T10:00:00']],
      [['oui', 'Non', 'TRUE', 'faux'], ['1']]
    ]
    for (const [fitting, breaking] of cases) {
      const format = formatOf(fitting)
      t.not(format.type, 'text', JSON.stringify(fitting))

      const inferrer = new ColumnInferrer({ nullMarkers: ['NA'] })
      for (const value of fitting) {
        inferrer.observe(value, 2)
        t.equal(inferrer.lastCanonical(format), canonicalText(format, value), value)
      }
      inferrer.observe('NA', 2)
      t.equal(inferrer.lastCanonical(format), undefined, 'a null marker has none')
      inferrer.observe('', 2)
      t.equal(inferrer.lastCanonical(format), undefined, 'nor an empty cell')

      for (const value of breaking) {
        const after = new ColumnInferrer()
        for (const v of fitting) after.observe(v, 2)
        after.observe(value, 3)
        t.equal(after.lastCanonical(format), undefined, `${value} breaks ${format.type}`)
        t.equal(canonicalText(format, value), undefined, 'as canonicalText says')
      }
    }
  })

// Found by attacking uploads: extremes were compared as floats and milliseconds.
t.test('the extremes are exact where floats and milliseconds are not', async (t) => {
  for (const values of [['9007199254740993', '9007199254740992', '9007199254740994'],
    ['9007199254740994', '9007199254740992', '9007199254740993']]) {
    t.match(infer(values), { min: '9007199254740992', max: '9007199254740994' })
  }
  t.match(infer(['1', '1.0000000000000001', '0.99999999999999999']),
    { min: '0.99999999999999999', max: '1.0000000000000001' })
  t.match(infer(['-1,00000000000000001', '-1', '-1,00000000000000002']),
    { min: '-1.00000000000000002', max: '-1' })
  t.match(infer(['2024-01-01T00:00:00.000001Z', '2024-01-01T00:00:00.000002Z',
    '2024-01-01T00:00:00Z']),
  { min: '2024-01-01T00:00:00Z', max: '2024-01-01T00:00:00.000002Z' })
})

// Found by attacking uploads again: past 15 digits, floats summed digit by digit are not
// even in order, so the extremes were inverted.
t.test('long numbers are ordered by their digits, not their floats', async (t) => {
  t.match(infer(['722330.2567435263986', '722330.2567435264013']),
    { min: '722330.2567435263986', max: '722330.2567435264013' })
  t.match(infer(['98.634728304920189', '98.634728304920190']),
    { min: '98.634728304920189', max: '98.634728304920190' })
  t.match(infer(['7517744126788289902', '7517744126788290341']),
    { min: '7517744126788289902', max: '7517744126788290341' })
  t.match(infer(['5', '-3', '12345678901234567890', '7']),
    { min: '-3', max: '12345678901234567890' }, 'short ones before and after')
})
