import t from 'tap'

import {
  PERSONAL_KINDS, isEmail, isIban, isInseeCommune, isNir, isPhoneFr, isPostalCode, isSiren,
  isSiret, isUrl
} from '../../src/ingest/semantics.js'
import { isLuhnValid, withIbanCheck, withLuhnKey, withNirKey } from '../helpers/check-keys.js'

// Each kind's recogniser, value by value.

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
