import t from 'tap'

import { ColumnInferrer } from '../../src/ingest/infer.js'
import {
  PERSONAL_KINDS, SemanticInferrer, isEmail, isIban, isInseeCommune, isNir, isPhoneFr,
  isPostalCode, isSiren, isSiret, isUrl, type SemanticKind, type SemanticResult
} from '../../src/ingest/semantics.js'

function infer(values: readonly string[], label?: string): SemanticResult {
  const inferrer = new SemanticInferrer(label === undefined ? {} : { label })
  for (const value of values) inferrer.observe(value)
  return inferrer.result()
}

const kindOf = (values: readonly string[], label?: string): SemanticKind | null =>
  infer(values, label).kind

const repeat = (count: number, make: (i: number) => string): string[] =>
  Array.from({ length: count }, (_, i) => make(i))

// Check keys computed here the plain way (BigInt, digit strings), not by the code tested.
function isLuhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

function withLuhnKey(digits: string): string {
  for (let key = 0; key < 10; key++) {
    if (isLuhnValid(`${digits}${key}`)) return `${digits}${key}`
  }
  throw new Error('unreachable')
}

function withNirKey(first13: string): string {
  const digits = first13.replace('2A', '19').replace('2B', '18')
  const key = 97n - (BigInt(digits) % 97n)
  return `${first13}${String(key).padStart(2, '0')}`
}

function withIbanCheck(country: string, bban: string): string {
  const letters = (s: string) => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  const check = 98n - (BigInt(letters(`${bban}${country}00`)) % 97n)
  return `${country}${String(check).padStart(2, '0')}${bban}`
}

// The values a check gets wrong, so that a failure names them.
type Check = (value: string) => boolean
const rejected = (check: Check, values: readonly string[]) => values.filter((v) => !check(v))
const accepted = (check: Check, values: readonly string[]) => values.filter(check)

t.test('INSEE commune codes: a real department, then a commune number from 001', async (t) => {
  const valid = ['01001', '34172', '75056', '13201', '2A004', '2B033', '97101', '97411']
  t.same(rejected(isInseeCommune, valid), [])
  t.same(accepted(isInseeCommune, [
    '20000', '20004', '96001', '00100', '34000', '97100', '97701', '98000', '2a004', '2C004',
    '3417', '341720', '34 172', 'ABCDE'
  ]), [])
})

t.test('postal codes: five digits under department 01 to 95, 97 or 98', async (t) => {
  t.same(rejected(isPostalCode, ['34000', '01000', '20000', '75001', '97400', '98000']), [])
  t.same(accepted(isPostalCode, ['00100', '96000', '99000', '2A004', '3400', '340000', '34 000']),
    [])
})

t.test('SIREN: nine digits with a Luhn key, grouped by three or not', async (t) => {
  const valid = ['213401722', '213 401 722', '213\u00a0401\u00a0722', withLuhnKey('12345678')]
  t.same(rejected(isSiren, valid), [])
  t.same(accepted(isSiren, [
    '213401723', '21340172', '2134017220', '2134 01722', '213  401 722', '213-401-722',
    ' 213401722', 'A13401722'
  ]), [])
})

t.test('SIRET: fourteen Luhn-valid digits whose first nine are a SIREN', async (t) => {
  t.same(rejected(isSiret, ['73282932000074', '732 829 320 00074', '732829320 00074']), [])
  t.notOk(isSiret('73282932000075'), 'wrong key')
  t.notOk(isSiret('7328293200007'), 'thirteen digits')

  const badSiren = withLuhnKey('2134017230001')
  t.ok(isLuhnValid(badSiren))
  t.notOk(isSiret(badSiren), 'Luhn-valid, but 213401723 is no SIREN')
})

t.test('SIRET of La Poste: the digits add up to a multiple of 5', async (t) => {
  t.ok(isSiret('35600000000048'), 'the head office, Luhn-valid')

  const establishment = '35600000049837'
  t.notOk(isLuhnValid(establishment))
  t.ok(isSiret(establishment), 'digit sum 40')
  t.notOk(isLuhnValid('35600000049838'))
  t.notOk(isSiret('35600000049838'), 'digit sum 41')
  t.notOk(isSiret('35600000149837'), 'another SIREN gets no such rule')
})

t.test('NIR: sex digit, 12 digits, key 97 − (number mod 97), spaces allowed', async (t) => {
  t.ok(isNir('184127645108946'))
  t.ok(isNir('1 84 12 76 451 089 46'))
  for (const sex of ['1', '2', '3', '4', '7', '8']) t.ok(isNir(withNirKey(`${sex}841276451089`)))

  t.same(accepted(isNir, [
    '184127645108947', withNirKey('5841276451089'), withNirKey('0841276451089'),
    withNirKey('9841276451089'), '1841276451089', '1 84 12 76 451 089 4 6', '1 84 12 76 451 08946 '
  ]), [])
})

t.test('NIR of people born in Corsica: 2A and 2B count as 19 and 18 in the key', async (t) => {
  const ajaccio = withNirKey('184122A004089')
  const bastia = withNirKey('184122B033089')
  t.ok(isNir(ajaccio), ajaccio)
  t.ok(isNir(bastia), bastia)
  t.ok(isNir(`1 84 12 2A 004 089 ${ajaccio.slice(13)}`))

  t.notOk(isNir(`${ajaccio.slice(0, 5)}2B${ajaccio.slice(7)}`), '2B with 2A’s key')
  t.notOk(isNir(withNirKey('12A1276451089')), '2A outside the department')
})

t.test('IBAN: country, check digits, BBAN, mod 97, optional spaces', async (t) => {
  t.same(rejected(isIban, [
    'FR7630006000011234567890189', 'FR76 3000 6000 0112 3456 7890 189',
    'fr7630006000011234567890189', 'DE89370400440532013000', 'GB82WEST12345698765432',
    withIbanCheck('FR', '20041010050500013M02606')
  ]), [])
  t.same(accepted(isIban, [
    'FR7630006000011234567890188', withIbanCheck('FR', '3000600001123456789018'),
    'FR 7630006000011234567890189', 'FR76  3000 6000 0112 3456 7890 189',
    'FR76-3000-6000-0112-3456-7890-189', '7630006000011234567890189', 'FRAB30006000011234567890189',
    withIbanCheck('XX', '1234567890')
  ]), [])
})

t.test('email: a dot-atom local part, @, a domain with a top-level domain', async (t) => {
  t.same(rejected(isEmail, [
    'prenom.nom@ville.fr', 'CONTACT@MAIRIE.FR', 'a@b.co', 'service+urbanisme@montpellier3m.fr',
    'o\'neil@example.org', 'contact@mairie-évry.fr', 'x@sub.domain.example.com'
  ]), [])
  t.same(accepted(isEmail, [
    'x@localhost', '.a@b.fr', 'a.@b.fr', 'a..b@c.fr', 'a@b.c', 'a b@c.fr', 'a@-b.fr', 'a@b-.fr',
    'a@b.fr.', 'a@b..fr', '@b.fr', 'a@', 'a@b@c.fr', 'Jean <a@b.fr>', 'mailto:a@b.fr',
    'a@127.0.0.1', 'né@ville.fr'
  ]), [])
})

t.test('French phone numbers, national and international', async (t) => {
  t.same(rejected(isPhoneFr, [
    '04 67 34 44 93', '04.67.42.40.74', '0467344493', '04-67-34-44-93', '+33 4 67 34 44 93',
    '+33467344493', '0033 4 67 34 44 93', '0033467344493', '+33 (0)4 67 34 44 93',
    '+33(0)467344493', '+33 (0) 4 67 34 44 93', '0 800 123 456', '06 12 34 56 78',
    '+262 262 12 34 56', '+596696123456'
  ]), [])
  t.same(accepted(isPhoneFr, [
    '0012345678', '1234567890', '4673444930', '04 67 34 44 9', '04 67 34 44 934',
    '04  67 34 44 93', '04 67 34 44 93 ', '04/67/34/44/93', '+44 20 7946 0958',
    '+33 04 67 34 44 93', '+330467344493', '0044 20 7946 0958', '04 67 34 44 9a'
  ]), [])
})

t.test('URL: http, https or www., a domain, then an optional port and path', async (t) => {
  t.same(rejected(isUrl, [
    'https://www.montpellier.fr/', 'http://data.ville.fr:8080/api?x=1', 'www.ville.fr',
    'HTTPS://A.FR', 'https://a.fr#top', 'https://www.ville.fr/démarches/état-civil'
  ]), [])
  t.same(accepted(isUrl, [
    'http://localhost', 'ftp://a.fr', 'https://a.fr/a b', 'www.a', 'http://192.168.0.1/',
    'https//a.fr', 'a.fr', 'voir https://a.fr', 'https://a.fr:', 'https://user@a.fr'
  ]), [])
})

t.test('PERSONAL_KINDS lists email, phone, url, IBAN and NIR', async (t) => {
  t.same([...PERSONAL_KINDS].sort(), ['email', 'iban', 'nir', 'phone_fr', 'url'])
})

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
