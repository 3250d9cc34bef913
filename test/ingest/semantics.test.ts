import t from 'tap'

import { ColumnInferrer } from '../../src/ingest/infer.js'
import {
  SemanticInferrer, isEmail, isIban, isInseeCommune, isNir, isPhoneFr, isPostalCode, isSiren,
  isSiret, isUrl, type SemanticKind, type SemanticResult
} from '../../src/ingest/semantics.js'
import { withNirKey } from '../helpers/check-keys.js'

// The kind of a whole column, from every value and its header.

function infer(values: readonly string[], label?: string): SemanticResult {
  const inferrer = new SemanticInferrer(label === undefined ? {} : { label })
  for (const value of values) inferrer.observe(value)
  return inferrer.result()
}

const kindOf = (values: readonly string[], label?: string): SemanticKind | null =>
  infer(values, label).kind

const repeat = (count: number, make: (i: number) => string): string[] =>
  Array.from({ length: count }, (_, i) => make(i))

t.test('no value, no kind; one value is enough', async (t) => {
  t.same(infer([]), { kind: null, matched: 0, checked: 0 })
  t.same(infer(['2A004']), { kind: 'insee_commune', matched: 1, checked: 1 })
})

t.test('a kind holds only when every value fits it', async (t) => {
  t.same(infer(['34000', '34070', 'Montpellier']), { kind: null, matched: 0, checked: 3 })
  t.equal(kindOf([...repeat(99, () => '732 829 320 00074'), 'n.c.']), null,
    'not even 99 % for a kind that is not personal data')
})

t.test('personal data: 90 % of at least 10 values are enough', async (t) => {
  const emails = (count: number) => repeat(count, (i) => `agent${i}@ville.fr`)
  t.same(infer([...emails(9), 'n.c.']), { kind: 'email', matched: 9, checked: 10 })
  t.same(infer([...emails(36), 'n.c.', 'refus', '-', '?']),
    { kind: 'email', matched: 36, checked: 40 })

  t.same(infer(['n.c.', ...emails(9)]), { kind: 'email', matched: 9, checked: 10 },
    'a stray value first')
  t.equal(kindOf([...emails(8), 'n.c.']), null, '9 values: all must match')
  t.equal(kindOf([...emails(35), 'n.c.', '-', '?', 'x', 'y']), null, '87.5 %')
})

t.test('every personal kind is found in a column', async (t) => {
  t.equal(kindOf(['04 67 34 44 93', '+33 6 12 34 56 78']), 'phone_fr')
  t.equal(kindOf(['https://www.ville.fr', 'www.asso.fr']), 'url')
  t.equal(kindOf(['FR76 3000 6000 0112 3456 7890 189', 'DE89370400440532013000']), 'iban')
  t.equal(kindOf(['1 84 12 76 451 089 46', withNirKey('2900575123456')]), 'nir')
  t.equal(kindOf([...repeat(30, (i) => `06 12 34 56 ${String(i).padStart(2, '0')}`), 'NC']),
    'phone_fr')
})

t.test('SIREN and SIRET columns', async (t) => {
  t.equal(kindOf(['213401722', '732 829 320']), 'siren')
  t.equal(kindOf(['73282932000074', '732 829 320 00074', '35600000000048']), 'siret')
  t.equal(kindOf(['213401722', '73282932000074']), null, 'SIREN and SIRET mixed')
})

t.test('a 2A or 2B code, or a commune number, makes five digits INSEE', async (t) => {
  t.equal(kindOf(['34172', '2A004']), 'insee_commune')
  t.equal(kindOf(['34000', '20000', '98000']), 'postal_code', 'no commune 000, no department 20')
})

t.test('five digits that fit both are postal codes unless the header names INSEE', async (t) => {
  const codes = ['34172', '34070', '01004']
  t.equal(kindOf(codes), 'postal_code')
  t.equal(kindOf(codes, 'montant'), 'postal_code')
  for (const label of [
    'code_insee', 'COG', 'codeCommune', 'CODGEO', 'DEPCOM', 'Code commune', 'insee_com',
    'COLL_INSEE', 'Commune', 'code_commune_INSEE'
  ]) {
    t.equal(kindOf(codes, label), 'insee_commune', label)
  }
  t.equal(kindOf(codes, 'Code postal commune'), 'postal_code', 'postal wins')
  t.equal(kindOf(codes, 'CP'), 'postal_code')
})

t.test('the header never overrides the values', async (t) => {
  t.equal(kindOf(['34000', '34172'], 'code_insee'), 'postal_code')
  t.equal(kindOf(['2A004'], 'code_postal'), 'insee_commune')
  t.equal(kindOf(['95.12345'], 'latitude'), 'longitude')
})

t.test('coordinates: the header tells latitudes from longitudes when both fit', async (t) => {
  const values = ['43.610769', '43,6109', '-21.1151', '3.87']
  for (const label of ['lat', 'Latitude (WGS84)', 'geo_lat', 'y', 'coordLat']) {
    t.equal(kindOf(values, label), 'latitude', label)
  }
  for (const label of ['lon', 'lng', 'long', 'Longitude', 'x', 'geoLon']) {
    t.equal(kindOf(values, label), 'longitude', label)
  }
  t.equal(kindOf(values), null, 'no header')
  t.equal(kindOf(values, 'lat_lon'), null, 'a header naming both')
})

t.test('values beyond ±90 are longitudes, beyond ±180 nothing', async (t) => {
  t.equal(kindOf(['166.4572', '-149.5585', '3.8772']), 'longitude')
  t.equal(kindOf(['43.61', '180.01'], 'lon'), null)
})

t.test('coordinates need 2 decimals: integers and one-decimal values are not', async (t) => {
  t.equal(kindOf(['43', '3', '45'], 'lat'), null)
  t.equal(kindOf(['43.6', '3.8'], 'lat'), null)
  t.equal(kindOf(['43.61', '3.8'], 'lat'), null, 'under 20 values, every one')
  t.equal(kindOf(['43.6a'], 'lat'), null)
  t.equal(kindOf(['043.61'], 'lat'), null)
  t.equal(kindOf(['.61'], 'lat'), null)
})

t.test('a few short coordinates pass: a spreadsheet writes 45.000000 as 45', async (t) => {
  const precise = repeat(19, (i) => `43.${String(600000 + i)}`)
  t.equal(kindOf([...precise, '45'], 'latitude'), 'latitude')
  t.equal(kindOf([...precise, '45', '3.9'], 'latitude'), null, '2 short values in 21')
})

t.test('a latitude and a longitude in one cell', async (t) => {
  t.equal(kindOf(['43.61, 3.87', '43.61,3.87', '43.61;3.87', '43,61;3,87', '-21.11, 55.53']),
    'lat_lon')
  t.equal(kindOf(['3.87, 166.45']), 'lat_lon')
  t.equal(kindOf(['166.45, 3.87']), null, 'latitude beyond 90')
  t.equal(kindOf(['43,61,3,87']), null, 'decimal commas need a semicolon')
  t.equal(kindOf(['43.61, 3.87, 5']), null)
  t.equal(kindOf(['43.61,  3.87']), null, 'two spaces')
  t.equal(kindOf(['[3.87, 43.61]']), null)
  t.equal(kindOf(['43, 3']), null, 'integers')
})

t.test('ordinary columns have no kind', async (t) => {
  t.equal(kindOf(['Montpellier', 'Sète', 'Lodève']), null)
  t.equal(kindOf(['1 234,56', '12,50', '7']), null)
  t.equal(kindOf(['04/03/2024', '2024-03-04']), null)
  t.equal(kindOf(['oui', 'non']), null)
  t.equal(kindOf(['12', '7', '1523']), null)
  t.equal(kindOf(['Subvention à l’association contact@asso.fr', 'n.c.']), null)
})

// The loader skips the recognisers for values read as dates, timestamps or booleans
// (SemanticInferrer.observeNoKind): no recogniser may accept one. Checked over every
// spelling the inferrer reads as those types, with random values and the edges.
t.test('no kind recogniser accepts a date, a timestamp or a boolean', async (t) => {
  let seed = 7
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const values: string[] = []
  for (let i = 0; i < 20_000; i++) {
    const y = pad(random(2) === 0 ? 1 + random(9999) : 1900 + random(200), 4)
    const m = 1 + random(12)
    const d = 1 + random(28)
    const [mm, dd] = random(2) === 0 ? [pad(m), pad(d)] : [String(m), String(d)]
    values.push(`${y}-${pad(m)}-${pad(d)}`, `${dd}/${mm}/${y}`, `${dd}-${mm}-${y}`,
      `${y}/${pad(m)}/${pad(d)}`, `${dd}.${mm}.${y}`)
    const time = `${pad(random(24))}:${pad(random(60))}` +
      ['', `:${pad(random(60))}`, `:${pad(random(60))}.${pad(random(10 ** 6), 6)}`][random(3)]
    const offset = ['', 'Z', `+${pad(random(15))}:${pad(random(60))}`,
      `-${pad(random(15))}${pad(random(60))}`, `+${pad(random(15))}`][random(5)]
    values.push(`${y}-${pad(m)}-${pad(d)}${random(2) === 0 ? 'T' : ' '}${time}${offset}`)
  }
  for (const word of ['true', 'false', 'oui', 'non', 'vrai', 'faux']) {
    values.push(word, word.toUpperCase(), word[0]?.toUpperCase() + word.slice(1))
  }

  const recognisers = { isEmail, isIban, isInseeCommune, isNir, isPhoneFr, isPostalCode,
    isSiren, isSiret, isUrl }
  const typed = ['date', 'timestamp', 'boolean']
  let checked = 0
  for (const value of values) {
    const inferrer = new ColumnInferrer()
    inferrer.observe(value, 2)
    if (!typed.includes(inferrer.result().format.type)) continue
    checked++
    for (const [name, accepts] of Object.entries(recognisers)) {
      if (accepts(value)) t.fail(`${name} accepts ${value}`)
    }
    // And the whole inferrer, coordinates included, ends the same either way.
    const full = new SemanticInferrer()
    const short = new SemanticInferrer()
    for (let n = 0; n < 3; n++) {
      full.observe(value)
      short.observeNoKind()
    }
    if (JSON.stringify(full.result()) !== JSON.stringify(short.result())) {
      t.fail(`observeNoKind differs for ${value}`)
    }
  }
  t.ok(checked > 100_000, `${checked} values read as dates, timestamps or booleans`)
})
