import { readFileSync } from 'node:fs'

import t from 'tap'

import { isBlankRecord, sameAsHeader, sniffDialect } from '../../src/ingest/dialect.js'
import { createDecoder, EncodingDetector, type Encoding } from '../../src/ingest/encoding.js'
import { columnNames } from '../../src/ingest/headers.js'
import { ColumnInferrer, type InferredFormat } from '../../src/ingest/infer.js'
import { readRecords } from '../../src/ingest/sample-records.js'

// Real files published by French local governments; see test/fixtures/real/README.md.
const FIXTURES = new URL('../fixtures/real/', import.meta.url)

const SAMPLE_CHARS = 64 * 1024

interface Loaded {
  encoding: ReturnType<EncodingDetector['finish']>
  text: string
  dialect: ReturnType<typeof sniffDialect>
  header: string[]
  rows: string[][]
}

const read = (file: string): Buffer => readFileSync(new URL(file, FIXTURES))

function detect(bytes: Buffer) {
  const detector = new EncodingDetector()
  for (let i = 0; i < bytes.length; i += 16_384) detector.update(bytes.subarray(i, i + 16_384))
  return detector.finish()
}

// What the upload pipeline does, in memory: detect the encoding over every byte (in
// 16 kB chunks, as the upload streams), decode, sniff the first 64 kB, then read records
// skipping blank lines, the preamble and repeated headers.
function load(file: string): Loaded {
  const bytes = read(file)
  const encoding = detect(bytes)

  const text = createDecoder(encoding)(bytes, true)
  const dialect = sniffDialect(text.slice(0, SAMPLE_CHARS), {
    complete: text.length <= SAMPLE_CHARS
  })
  const records = readRecords(text, dialect.delimiter, dialect.quote, Infinity).records
    .filter((record) => !isBlankRecord(record))
    .slice(dialect.preamble)
  const [header = [], ...rest] = records
  return { encoding, text, dialect, header, rows: rest.filter((r) => !sameAsHeader(r, header)) }
}

function columnFormat(loaded: Loaded, label: string): InferredFormat {
  const index = columnNames(loaded.header).findIndex((column) => column.label === label)
  if (index < 0) throw new Error(`no column ${label}`)

  const inferrer = new ColumnInferrer()
  loaded.rows.forEach((row, i) => inferrer.observe(row[index] ?? '', i + 2))
  return inferrer.result().format
}

const EXPECTED: Array<[string, Encoding, boolean, string, string]> = [
  // file, encoding, BOM, delimiter, a word that must decode intact
  ['montpellier_ecoles_2014.csv', 'cp850', false, ';', 'aliénor'],
  ['montpellier_subventions_2013.csv', 'windows-1252', false, ';', '12 350 000 €'],
  ['montpellier_budget_primitif_2014.csv', 'windows-1252', false, ';', 'Libellé fonction'],
  ['montpellier_fontaines_2014.csv', 'windows-1252', false, ',', 'Belvédère'],
  ['montpellier_defibrillateurs_2013.csv', 'windows-1252', false, ',', 'Hôtel de Ville'],
  ['montpellier_deliberations_2013.csv', 'utf-8', false, ';', 'Numéro Poseidon'],
  ['montpellier_catalogue_opendata_2014.csv', 'utf-8', false, ',', 'Date mise à jour'],
  ['derived_montpellier_fontaines_utf8bom.csv', 'utf-8', true, ',', 'Belvédère'],
  ['csvdetective_a_test_file.csv', 'utf-8', false, ';', "L'ABERGEMENT-CLEMENCIAT"],
  ['csvdetective_b_test_file.csv', 'utf-8', false, ',', 'partly_empty']
]

for (const [file, encoding, bom, delimiter, word] of EXPECTED) {
  t.test(`${file}: ${encoding}, "${delimiter}", with a header`, async (t) => {
    const loaded = load(file)
    t.match(loaded.encoding, { encoding, bom, binary: false })
    t.equal(loaded.encoding.invalid, undefined, 'no invalid bytes reported')
    t.same(loaded.dialect, { delimiter, quote: '"', header: true, preamble: 0 })
    t.ok(loaded.text.includes(word), `decodes "${word}"`)
    t.notOk(loaded.text.includes('\ufffd'), 'no replacement character')
    t.notOk(/[\u0080-\u009f]/.test(loaded.text), 'no C1 control character')
  })
}

t.test('subventions: euro amounts with space groups are integers', async (t) => {
  const subventions = load('montpellier_subventions_2013.csv')
  t.same(columnNames(subventions.header).map((c) => c.name),
    ['code', 'structure', 'nature', 'montant'])
  t.same(columnFormat(subventions, 'Montant'),
    { type: 'integer', grouping: true, currency: true })
  t.ok(subventions.text.includes('ŒUVRE') || subventions.text.includes('Œ'), 'Œ from 0x8C')
})

t.test('budget: NBSP-grouped decimal commas; nature codes are integers', async (t) => {
  const budget = load('montpellier_budget_primitif_2014.csv')
  t.same(columnNames(budget.header)[5], { label: 'BP', name: 'bp' })
  t.same(columnFormat(budget, 'BP'),
    { type: 'decimal', decimalMark: ',', grouping: true, currency: false })
})

t.test('schools: UAI codes keep their leading zero; the e-mail column is empty', async (t) => {
  const schools = load('montpellier_ecoles_2014.csv')
  t.same(columnFormat(schools, 'RNE'),
    { type: 'text', reason: 'leading zeros (line 2: "0341303G")' })
  t.same(columnFormat(schools, 'EMAIL'), { type: 'text', reason: 'no values' })
  t.equal(columnFormat(schools, 'CDPOST').type, 'integer')
})

t.test('defibrillators: dBase headers and quoted decimal-comma coordinates', async (t) => {
  const defibrillators = load('montpellier_defibrillateurs_2013.csv')
  t.same(columnNames(defibrillators.header).map((c) => c.name),
    ['id_n_9_0', 'nom_c_254', 'adresse_c_254', 'tel_c_254', 'coord_x_c_50', 'coord_y_c_50'])
  t.equal(defibrillators.rows.length, 167, 'multi-line cells stay in their record')
  t.match(columnFormat(defibrillators, 'Coord_X,C,50'), { type: 'decimal', decimalMark: ',' })
})

t.test('deliberations: dd/mm/yyyy dates', async (t) => {
  const deliberations = load('montpellier_deliberations_2013.csv')
  t.same(columnFormat(deliberations, 'Date CM'), { type: 'date', order: 'dmy', separator: '/' })
  t.equal(columnNames(deliberations.header)[0]?.name, 'numero_de_projet_de_deliberation')
})

t.test('catalogue: blank first lines, padded ids, dotted dates, MySQL zero dates', async (t) => {
  const catalogue = load('montpellier_catalogue_opendata_2014.csv')
  t.equal(catalogue.rows.length, 129)
  t.equal(catalogue.header.length, 19, 'the trailing comma makes an empty 19th header')
  t.equal(columnNames(catalogue.header)[18]?.name, 'column_19')
  t.equal(columnFormat(catalogue, 'ID').type, 'integer')
  t.same(columnFormat(catalogue, 'Date publication'),
    { type: 'date', order: 'dmy', separator: '.' })
  t.same(columnFormat(catalogue, 'Date mise à jour'), {
    type: 'text', reason: 'not a timestamp: "0000-00-00 00:00:00" at line 9 (no such date)'
  })
})

t.test('fontaines with a BOM: the BOM stays out of the first column name', async (t) => {
  const fontaines = load('derived_montpellier_fontaines_utf8bom.csv')
  t.same(columnNames(fontaines.header).slice(0, 4).map((c) => c.label),
    ['Dossier', 'Nom', 'BORNE_FONT', 'CatÉgorie'])
  t.equal(columnNames(fontaines.header)[3]?.name, 'categorie')
})

t.test('csv-detective: repeated headers skipped, INSEE codes stay text', async (t) => {
  const a = load('csvdetective_a_test_file.csv')
  t.equal(a.rows.length, 404, '407 lines minus 3 header lines')
  t.same(columnFormat(a, 'NUMCOM'), { type: 'text', reason: 'leading zeros (line 2: "01001")' })
  t.equal(columnFormat(a, 'NUMDEP').type, 'integer')
  t.same(columnFormat(a, 'TXCOUVGLO_COM_2014'),
    { type: 'decimal', decimalMark: '.', grouping: false, currency: false })

  const b = load('csvdetective_b_test_file.csv')
  t.equal(columnFormat(b, 'code_departement').type, 'text')
  t.equal(columnFormat(b, 'partly_empty').type, 'integer')
})

t.test('a windows-1252 file and a UTF-8 file put end to end are refused as UTF-8', async (t) => {
  // The same fountains, in windows-1252 (60 lines, 21 accented letters) and in UTF-8.
  const cp1252 = read('montpellier_fontaines_2014.csv')
  const utf8 = read('derived_montpellier_fontaines_utf8bom.csv').subarray(3)
  const firstHigh = cp1252.findIndex((b) => b >= 0x80)
  const lineOf = (bytes: Buffer, offset: number) =>
    bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1

  t.same(detect(Buffer.concat([utf8, cp1252])).invalid, {
    encoding: 'utf-8',
    byteOffset: utf8.length + firstHigh,
    line: lineOf(utf8, utf8.length) + lineOf(cp1252, firstHigh) - 1,
    validMultibyte: 21
  }, 'UTF-8 first')
  t.match(detect(Buffer.concat([cp1252, utf8])), {
    encoding: 'utf-8', invalid: { byteOffset: firstHigh, line: lineOf(cp1252, firstHigh) }
  }, 'windows-1252 first')
})
