import { readFileSync } from 'node:fs'

import { parse } from 'csv-parse/sync'
import t from 'tap'

import { CsvSyntaxError, CsvTokenizer } from '../../src/ingest/csv-tokenizer.js'

type Record = [string[], number]

function tokenize(chunks: string[], delimiter = ',', quote: string | null = '"'): Record[] {
  const tokenizer = new CsvTokenizer({
    delimiter, quote, trimAroundQuotes: delimiter !== '\t', maxRecordChars: 10_000
  })
  const out: Record[] = []
  const sink = (record: string[], line: number) => out.push([record, line])
  for (const chunk of chunks) tokenizer.push(chunk, sink)
  tokenizer.end(sink)
  return out
}

// csv-parse, the reference: same records, and its line numbers.
function reference(text: string, delimiter = ','): Record[] {
  const rows: unknown = parse(text, {
    delimiter, relax_column_count: true, ltrim: true, rtrim: true, info: true,
    record_delimiter: ['\r\n', '\n', '\r']
  })
  return (rows as Array<{ record: string[]; info: { lines: number } }>)
    .map((r) => [r.record, r.info.lines])
}

const SAMPLES = [
  'a,b\n1,2\n',
  'a,b\r\n1,2\r\n3,4',
  'a,b\r1,2\r3,4\r',
  'a,b\r\n1,x\n2,y\r\n3,z\r4,w\n',
  'nom,desc\n"Dupont, Jean","il a dit ""oui""\nà la fin"\n"x",\n',
  'a,b\n\n\n1,2\n \n',
  'a,b\n "quoted" , plain \n',
  '"a"\n"multi\nline\nvalue"\nlast',
  'a,b,c\n1,,\n,,\n',
  // Plain lines (split at once) next to lines that need the field-by-field reading.
  'a,b\r\n1,2\r3,"x"\r\n4,5\n6,"y\nz"\n7,8',
  'a\n\r\n\rb\n"c"\r\n\r\nd'
]

t.test('the same records and lines as csv-parse, whatever the chunking', async (t) => {
  for (const text of SAMPLES) {
    const expected = reference(text).map(([r, l]) => [r.map((v) => v.trim()), l])
    const whole = tokenize([text]).map(([r, l]) => [r.map((v) => v.trim()), l])
    t.same(whole, expected, JSON.stringify(text))

    for (let cut = 1; cut < text.length; cut++) {
      const split = tokenize([text.slice(0, cut), text.slice(cut)])
      t.same(split.map(([r, l]) => [r.map((v) => v.trim()), l]), expected,
        `${JSON.stringify(text)} cut at ${cut}`)
    }
    const chars = tokenize([...text]).map(([r, l]) => [r.map((v) => v.trim()), l])
    t.same(chars, expected, `${JSON.stringify(text)} one character at a time`)
  }
})

t.test('real files give what csv-parse gives', async (t) => {
  for (const [name, delimiter] of [
    ['montpellier_catalogue_opendata_2014.csv', ','],
    ['montpellier_deliberations_2013.csv', ';'],
    ['csvdetective_a_test_file.csv', ';']
  ] as const) {
    const text = readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8')
    const chunks = text.match(/[\s\S]{1,997}/g) ?? []
    const ours = tokenize(chunks, delimiter).map(([r, l]) => [r.map((v) => v.trim()), l])
    const theirs = reference(text, delimiter).map(([r, l]) => [r.map((v) => v.trim()), l])
    t.same(ours, theirs, name)
  }
})

t.test('line ends inside quoted fields count one line each, CRLF included', async (t) => {
  // csv-parse counts a CRLF inside quotes as two lines; a person reading the file
  // in an editor sees one.
  const text = '"a"\n"multi\r\nline\rvalue"\nlast'
  for (const chunks of [[text], [...text]]) {
    t.same(tokenize(chunks), [[['a'], 1], [['multi\r\nline\rvalue'], 4], [['last'], 5]])
  }
})

t.test('tabs, pipes and no quoting', async (t) => {
  t.same(tokenize(['a\tb\n\tx\t\n'], '\t'), [[['a', 'b'], 1], [['', 'x', ''], 2]])
  t.same(tokenize(['a|b\n"1|2"|3\n'], '|'), [[['a', 'b'], 1], [['1|2', '3'], 2]])
  t.same(tokenize(['a,b\n"x,1\n'], ',', null), [[['a', 'b'], 1], [['"x', '1'], 2]])
})

t.test('broken quoting is an error naming the record and the field', async (t) => {
  const cases: Array<[string, string, number, number]> = [
    ['a,b\n"x",y\n1,"open\n2,3\n', 'QUOTE_NOT_CLOSED', 3, 2],
    ['a,b\n"x"y,2\n', 'INVALID_CLOSING_QUOTE', 2, 1],
    ['a,b\n1,ab"cd\n', 'INVALID_OPENING_QUOTE', 2, 2]
  ]
  for (const [text, code, line, field] of cases) {
    t.throws(() => tokenize([text]), { name: 'CsvSyntaxError', code, line, field }, code)
  }
  t.type(CsvSyntaxError, 'function')
})

// Records, and the lines where quotes were kept as characters, and why.
function tokenizeKeeping(chunks: string[], delimiter: string) {
  const kept: Array<[number, string]> = []
  const tokenizer = new CsvTokenizer({
    delimiter, quote: '"', trimAroundQuotes: delimiter !== '\t', maxRecordChars: 100,
    quoteKept: (line, why) => kept.push([line, why])
  })
  const out: Record[] = []
  const sink = (record: string[], line: number) => out.push([record, line])
  for (const chunk of chunks) tokenizer.push(chunk, sink)
  tokenizer.end(sink)
  return { out, kept }
}

// Found by fuzzing detection: a last line of `;"` below a table without quotes made the
// whole upload fail. A quote is real in a file that quotes fields; in one that never
// does, one that never closes is a stray character.
t.test('a quote that never closes, in a file with no quoted field, is a character',
  async (t) => {
    const text = 'a;b\n1;2\n;"\n'
    const expected: Record[] = [[['a', 'b'], 1], [['1', '2'], 2], [['', '"'], 3]]
    for (const chunks of [[text], [...text]]) {
      const { out, kept } = tokenizeKeeping(chunks, ';')
      t.same(out, expected, `in ${chunks.length} chunks`)
      t.same(kept, [[3, 'unclosed']], 'the line where it was kept')
    }

    // Lines the open quote swallowed are records again.
    t.same(tokenize(['a;b\n"x;1\n2;3'], ';'), [[['a', 'b'], 1], [['"x', '1'], 2], [['2', '3'], 3]])

    // A forced quote stays strict.
    const strict = new CsvTokenizer({
      delimiter: ';', quote: '"', trimAroundQuotes: true, maxRecordChars: 100, strictQuotes: true
    })
    t.throws(() => {
      strict.push(text, () => undefined)
      strict.end(() => undefined)
    }, { code: 'QUOTE_NOT_CLOSED', line: 3, field: 2 })
  })

// Found by attacking uploads again: past what detection reads, two ditto marks side by
// side (`"\t"`) were read as a quoted tab, and the row's values moved a column left.
t.test('quotes around separators only are characters, record by record', async (t) => {
  const text = 'a\tb\tc\n"\t"\tx\n"1"\t2\t3\n'
  for (const chunks of [[text], [...text]]) {
    const { out, kept } = tokenizeKeeping(chunks, '\t')
    t.same(out, [[['a', 'b', 'c'], 1], [['"', '"', 'x'], 2], [['1', '2', '3'], 3]],
      `the next record reads its quotes: in ${chunks.length} chunks`)
    t.same(kept, [[2, 'ditto']])
  }
  // The pair is no quoting: a quote left open at the end is still a stray one.
  t.same(tokenize(['a;b\n";";x\n;"\n'], ';'),
    [[['a', 'b'], 1], [['"', '"', 'x'], 2], [['', '"'], 3]])

  const strict = new CsvTokenizer({
    delimiter: '\t', quote: '"', trimAroundQuotes: false, maxRecordChars: 100,
    strictQuotes: true
  })
  const out: string[][] = []
  strict.push(text, (record) => out.push(record))
  strict.end((record) => out.push(record))
  t.same(out[1], ['\t', 'x'], 'a forced quote reads them as a quoted field')
})

t.test('a record longer than the limit is refused, even while it is still arriving', async (t) => {
  const tokenizer = new CsvTokenizer({
    delimiter: ',', quote: '"', trimAroundQuotes: true, maxRecordChars: 100
  })
  const sink = () => undefined
  tokenizer.push('a\n"', sink)
  t.throws(() => {
    for (let i = 0; i < 10; i++) tokenizer.push('x'.repeat(30), sink)
  }, { code: 'RECORD_TOO_LARGE', line: 2 })
})

// Found by attacking uploads: a record still under way was read again from its start
// with every chunk, so a line of n characters cost n²/chunk. Counted in fields read,
// not timed: each field of a long record is read a bounded number of times.
t.test('a long record arriving in chunks is not read again with every chunk', async (t) => {
  for (const [what, record] of [
    ['separators', `1;2${';'.repeat(1_000_000)}`],
    ['quoted', `1;"${'x""'.repeat(300_000)}"`]
  ] as const) {
    const tokenizer = new CsvTokenizer({
      delimiter: ';', quote: '"', trimAroundQuotes: true, maxRecordChars: 8 << 20
    })
    let reads = 0
    const methods = tokenizer as unknown as { [name: string]: (...args: unknown[]) => unknown }
    for (const name of ['unquotedEnd', 'quoted']) {
      const original = methods[name]?.bind(tokenizer)
      methods[name] = (...args: unknown[]) => {
        reads++
        return original?.(...args)
      }
    }

    const records: string[][] = []
    const text = `a;b\n${record}\n3;4\n`
    for (let i = 0; i < text.length; i += 65_536) {
      tokenizer.push(text.slice(i, i + 65_536), (r) => records.push(r))
    }
    tokenizer.end((r) => records.push(r))

    const fields = records.reduce((n, r) => n + r.length, 0)
    t.equal(records.length, 3, what)
    t.ok(reads <= 4 * fields, `${what}: ${reads} field reads for ${fields} fields`)
  }
})

// Found by attacking uploads: while a long record waited for its text to double, the
// records after it piled up and were refused as one record too long.
t.test('a long record followed by much more text is read, not refused', async (t) => {
  const tokenizer = new CsvTokenizer({
    delimiter: ';', quote: '"', trimAroundQuotes: true, maxRecordChars: 1_000_000
  })
  const lines = ['a;b', `1;${';'.repeat(600_000)}`]
  for (let i = 0; i < 200_000; i++) lines.push(`${i};v${i}`)
  const text = lines.join('\n') + '\n'
  let records = 0
  for (let i = 0; i < text.length; i += 65_536) {
    tokenizer.push(text.slice(i, i + 65_536), () => records++)
  }
  tokenizer.end(() => records++)
  t.equal(records, 200_002)
})
