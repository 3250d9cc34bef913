import { readFileSync } from 'node:fs'
import path from 'node:path'

import t from 'tap'

import { AppError } from '../../src/http/errors.js'
import { sniffDialect } from '../../src/ingest/dialect.js'
import { detectEncoding } from '../../src/ingest/encoding.js'
import {
  type Answer, openParse, type ParseSession, stopParseThreads
} from '../../src/ingest/parse-thread.js'
import {
  type ParseOutput, type ParseSettings, TableParser
} from '../../src/ingest/table-parser.js'
import { GUESS_ROWS, GuessMissed } from '../../src/ingest/typed-load.js'

const REAL = path.join(import.meta.dirname, '..', 'fixtures', 'real')
const CHUNK = 4096

function settingsFor(bytes: Buffer, guessTypes = true): ParseSettings {
  const encoding = detectEncoding(bytes)
  const sample = new TextDecoder(encoding.encoding).decode(bytes.subarray(0, 64 << 10))
  return {
    encoding,
    dialect: sniffDialect(sample),
    limits: { maxColumns: 1000, maxCellBytes: 1 << 20, maxRecordChars: 1 << 20 },
    nullMarkers: ['NA', '-'],
    guessTypes,
    forcedDecimal: undefined
  }
}

const chunksOf = (bytes: Buffer): Buffer[] => {
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK))
  return chunks
}

// The COPY text and summary a parse on this thread gives.
function parseHere(bytes: Buffer, settings: ParseSettings) {
  const parser = new TableParser(settings)
  let copy = ''
  const drain = (output: ParseOutput) => {
    copy += output.copy
    for (let more = output.more; more;) {
      const next = parser.resume()
      copy += next.copy
      more = next.more
    }
  }
  for (const chunk of chunksOf(bytes)) drain(parser.push(chunk))
  drain(parser.end())
  return { copy, summary: parser.summary() }
}

// The same through a worker, pushing as the loader does: a few chunks ahead.
async function parseThere(session: ParseSession, bytes: Buffer) {
  let copy = ''
  const take = (answer: Answer) => {
    if (answer.output.copy !== null) copy += Buffer.from(answer.output.copy).toString()
    if (answer.output.more) session.resume()
    return answer
  }
  try {
    for (const chunk of chunksOf(bytes)) {
      session.push(chunk)
      while (session.full || session.ready) take(await session.next())
    }
    session.end()
    for (;;) {
      const answer = take(await session.next())
      if ('summary' in answer) return { copy, summary: answer.summary }
    }
  } finally {
    session.close()
  }
}

t.test('a worker parses as this thread would, loads side by side', async (t) => {
  const names = ['montpellier_subventions_2013.csv', 'montpellier_budget_primitif_2014.csv',
    'derived_montpellier_fontaines_utf8bom.csv', 'montpellier_deliberations_2013.csv']
  const files = names.map((name) => readFileSync(path.join(REAL, name)))

  // All at once: the loads share the worker, their chunks interleaved.
  const there = await Promise.all(files.map((bytes) => {
    return parseThere(openParse(settingsFor(bytes)), bytes)
  }))
  files.forEach((bytes, i) => {
    const here = parseHere(bytes, settingsFor(bytes))
    t.ok(here.copy.length > 1000, `${names[i]} gives rows`)
    t.equal(there[i]?.copy, here.copy, `${names[i]}: the same COPY text`)
    t.same(there[i]?.summary, here.summary, `${names[i]}: the same profiles and report`)
  })
})

t.test('errors come back as what they were, with their line', async (t) => {
  const semicolons = (bytes: Buffer): ParseSettings => {
    const dialect = { delimiter: ';', quote: '"', header: true, preamble: 0 } as const
    return { ...settingsFor(bytes), dialect }
  }
  const broken = Buffer.from('a;b\n"1";2\n3;"4\n5;6')
  const error = await parseThere(openParse(semicolons(broken)), broken).catch((e: unknown) => e)
  t.ok(error instanceof AppError, 'a problem the API can answer')
  t.match(error, { code: 'CSV_MALFORMED', extras: { line: 3, column: 2 } })

  let text = 'n\n'
  for (let i = 1; i <= GUESS_ROWS + 10; i++) text += `${i}\n`
  const late = Buffer.from(text + '2,5\n')
  const missed = await parseThere(openParse(settingsFor(late)), late).catch((e: unknown) => e)
  t.ok(missed instanceof GuessMissed, 'a missed guess, to load again as text')
  t.match(missed, { column: 'n', line: GUESS_ROWS + 12, guessed: 'integer' })

  const wide = Buffer.from('a\n1\n2;x\n')
  const tooMany = await parseThere(openParse(semicolons(wide)), wide).catch((e: unknown) => e)
  t.match(tooMany, { code: 'CSV_TOO_MANY_FIELDS', extras: { line: 3, column: 2 } })

  // The worker is still there for the next load.
  const fine = Buffer.from('a;b\n1;2\n')
  const parsed = await parseThere(openParse(settingsFor(fine)), fine)
  t.equal(parsed.summary.rowCount, 1)
})

t.test('a chunk that makes far more COPY text than it holds comes out in parts',
  async (t) => {
    // Two bytes a row under a thousand columns: each row is a thousand nulls.
    const header = Array.from({ length: 1000 }, (_, i) => `c${i}`).join(',')
    const bytes = Buffer.from(header + '\n' + '1\n'.repeat(30_000))
    const dialect = { delimiter: ',', quote: '"', header: true, preamble: 0 } as const
    const settings = { ...settingsFor(bytes), dialect }

    const parser = new TableParser(settings)
    const sizes: number[] = []
    let output = parser.push(bytes)
    for (sizes.push(output.copy.length); output.more; sizes.push(output.copy.length)) {
      output = parser.resume()
    }
    output = parser.end()
    sizes.push(output.copy.length)
    t.ok(sizes.length > 10, `${sizes.length} parts`)
    t.ok(Math.max(...sizes) < 1.1 * (1 << 20), 'none much past a million characters')
    t.equal(parser.summary().rowCount, 30_000)

    const there = await parseThere(openParse(settings), bytes)
    t.equal(there.copy, parseHere(bytes, settings).copy, 'the same text through the worker')
  })

t.test('a parse worker that stops fails its loads with a 503; the next load gets another',
  async (t) => {
    const bytes = readFileSync(path.join(REAL, 'montpellier_subventions_2013.csv'))
    const session = openParse(settingsFor(bytes))
    session.push(bytes.subarray(0, CHUNK))
    await stopParseThreads()
    // The chunk may have been answered before the worker stopped: then the next
    // answer, which never comes, is the one that fails.
    let error: unknown = null
    for (let i = 0; i < 2 && error === null; i++) {
      error = await session.next().then(() => null, (e: unknown) => e)
    }
    t.ok(error instanceof AppError, 'a problem the API answers')
    t.match(error, { code: 'UNAVAILABLE', status: 503 })
    session.close()

    const again = await parseThere(openParse(settingsFor(bytes)), bytes)
    t.equal(again.copy, parseHere(bytes, settingsFor(bytes)).copy, 'parsed in full')
  })
