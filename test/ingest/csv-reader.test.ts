import t from 'tap'

import { AppError } from '../../src/http/errors.js'
import { RecordReader } from '../../src/ingest/csv-reader.js'
import type { Dialect } from '../../src/ingest/dialect.js'
import type { Encoding } from '../../src/ingest/encoding.js'

const DIALECT: Dialect = { delimiter: ';', quote: '"', header: true, preamble: 0 }

// Pushes `bytes` in chunks of `size` and returns the problem the reader throws.
function refusal(encoding: Encoding, bytes: Buffer, size: number): AppError {
  const reader = new RecordReader(
    { encoding, bom: false, bomLength: 0, binary: false }, DIALECT, 1 << 20)
  const sink = () => undefined
  try {
    for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size), sink)
    reader.end(sink)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('the reader accepted the bytes')
}

const utf16 = (text: string, encoding: 'utf-16le' | 'utf-16be'): Buffer => {
  const bytes = Buffer.from(text, 'utf16le')
  return encoding === 'utf-16le' ? bytes : bytes.swap16()
}

// Chunk sizes that cut characters anywhere, and one that holds the whole file.
const SIZES = [1, 2, 3, 5, 7, 4096]

t.test('a byte UTF-8 refuses is named by line and field, wherever chunks are cut', async (t) => {
  const bytes = Buffer.concat([
    Buffer.from('nom;ville\nÉlève;Sète\n"Multi\nligne";Orl'),
    Buffer.from([0xe9]),
    Buffer.from('ans\n')
  ])
  for (const size of SIZES) {
    const problem = refusal('utf-8', bytes, size)
    t.equal(problem.code, 'CSV_ENCODING_INVALID', `chunks of ${size}`)
    t.same(problem.extras, { line: 4, column: 2 }, `chunks of ${size}`)
  }
})

t.test('a refused byte in the chunk that completes a character cut short', async (t) => {
  // `è` is C3 A8. Cut between them, the decoder holds C3 until the next chunk, which
  // also brings a line break and the refused byte: the line must count from the held C3.
  const bytes = Buffer.concat([Buffer.from('a;b\nx;è\nz;'), Buffer.from([0xff, 0x0a])])
  const cut = bytes.indexOf(0xa8)
  for (const size of [...SIZES, cut]) {
    t.same(refusal('utf-8', bytes, size).extras, { line: 3, column: 2 }, `chunks of ${size}`)
  }
})

t.test('a file that ends inside a character is named at its end', async (t) => {
  const bytes = Buffer.concat([Buffer.from('a;b\nx;caf'), Buffer.from([0xc3])])
  for (const size of SIZES) {
    t.same(refusal('utf-8', bytes, size).extras, { line: 2, column: 2 }, `chunks of ${size}`)
  }
})

t.test('a lone surrogate in UTF-16 is named by line and field', async (t) => {
  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    const bytes = utf16('a;b;c\nSète;é;x\ny;z;\ud800w\n', encoding)
    for (const size of SIZES) {
      const problem = refusal(encoding, bytes, size)
      t.same(problem.extras, { line: 3, column: 3 }, `${encoding}, chunks of ${size}`)
    }
  }
})

t.test('the problem says where, and keeps the decoder error as its cause', async (t) => {
  const problem = refusal('utf-8', Buffer.from([0x61, 0x0a, 0x62, 0xe9, 0x0a]), 4096)
  t.match(problem.message, /^Line 2, field 1 holds bytes that are not valid utf-8/)
  t.ok(problem.cause instanceof AppError, 'the decoder refusal is the cause')
})

t.test('a quote inside a field is a character there, not the start of a quoted field',
  async (t) => {
    // `15"` is 15 inches. Read in one chunk, the refused byte is found before the
    // record is read (in smaller ones the stray quote is refused first, as
    // CSV_MALFORMED): the field after it is still the third.
    const bytes = Buffer.concat([Buffer.from('a;b;c\n15";x;caf'), Buffer.from([0xe9, 0x0a])])
    const problem = refusal('utf-8', bytes, bytes.length)
    t.equal(problem.code, 'CSV_ENCODING_INVALID')
    t.same(problem.extras, { line: 2, column: 3 })
  })
