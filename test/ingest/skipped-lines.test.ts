import t from 'tap'

import { MAX_WARNINGS } from '../../src/ingest/report.js'
import {
  type ParseOutput, type ParseSettings, TableParser
} from '../../src/ingest/table-parser.js'

// Lines that make no row (blank lines, repeated headers) after the last row are held
// back with it until the file ends: they are kept as runs, counted, not one by one.

const SETTINGS: ParseSettings = {
  encoding: { encoding: 'utf-8', bom: false, bomLength: 0, binary: false },
  dialect: { delimiter: ';', quote: '"', header: true, preamble: 0 },
  limits: { maxColumns: 1000, maxCellBytes: 1 << 20, maxRecordChars: 1 << 20 },
  nullMarkers: [],
  guessTypes: true,
  forcedDecimal: undefined
}

function drainAll(parser: TableParser, output: ParseOutput): string {
  let copy = output.copy
  for (let more = output.more; more;) {
    const next = parser.resume()
    copy += next.copy
    more = next.more
  }
  return copy
}

function parse(text: string, chunk = 4096) {
  const parser = new TableParser(SETTINGS)
  const bytes = Buffer.from(text)
  let copy = ''
  for (let i = 0; i < bytes.length; i += chunk) {
    copy += drainAll(parser, parser.push(bytes.subarray(i, i + chunk)))
  }
  copy += drainAll(parser, parser.end())
  return { copy, summary: parser.summary() }
}

t.test('runs of blank lines and repeated headers count as the lines they hold', async (t) => {
  // Line 1 the header, then rows, blank lines and 150 repeated headers between them.
  const lines = ['code;montant', '01;10']
  for (let i = 0; i < 150; i++) lines.push('', ';', 'code;montant')
  lines.push('02;20', '', '03;30')
  for (let i = 0; i < 1000; i++) lines.push(';')
  const text = lines.join('\n') + '\n'

  for (const chunk of [7, 64, 4096, 1 << 20]) {
    const { copy, summary } = parse(text, chunk)
    t.equal(summary.rowCount, 3, `${chunk}: the three rows`)
    t.same(summary.skipped, { blank: 300 + 1 + 1000, repeatedHeader: 150, preamble: 0 })
    t.equal(summary.warnings.counts.REPEATED_HEADER, 150, 'every repeated header counted')
    const listed = summary.warnings.items.filter((w) => w.code === 'REPEATED_HEADER')
    t.equal(listed.length, MAX_WARNINGS, 'as many listed as the report lists')
    t.same(listed.slice(0, 3).map((w) => w.line), [5, 8, 11], 'each on its own line')
    t.equal(summary.lastLine, 455, 'the last row is on line 455')
    t.ok(summary.withoutLastRow, 'the profiles before the last row are kept')
    t.same(copy.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[1]),
      ['01', '02', '03'], 'the rows in order')
  }
})

// Found by attacking the service: an export's million empty `;;;` lines after its last
// row took a gigabyte of memory and a scan of all of them per chunk.
t.test('two million blank lines after the last row take no memory to hold', async (t) => {
  const parser = new TableParser({ ...SETTINGS, dialect: { ...SETTINGS.dialect } })
  drainAll(parser, parser.push(Buffer.from('a;b;c;d\n1;2;3;4\n')))
  const blanks = Buffer.from(';;;\n'.repeat(16_384))

  global.gc?.()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < 122; i++) drainAll(parser, parser.push(blanks))
  const grown = process.memoryUsage().heapUsed - before
  t.ok(grown < 64 * 2 ** 20, `the heap grew by ${Math.round(grown / 2 ** 20)} MB`)

  drainAll(parser, parser.end())
  const summary = parser.summary()
  t.equal(summary.rowCount, 1)
  t.equal(summary.skipped.blank, 122 * 16_384)
  t.equal(summary.lastLine, 2)
})
