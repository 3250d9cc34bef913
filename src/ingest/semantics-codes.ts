import { isDigit } from './values.js'
import {
  LOWER_A, LOWER_Z, NBSP, NNBSP, SPACE, UPPER_A, UPPER_B, UPPER_Z, ZERO
} from './char-codes.js'

// French identifiers (INSEE commune, postal code, SIREN, SIRET, NIR) and IBANs, checked
// by their structure and check keys. Written like the other recognisers (see values.ts):
// char codes read by hand, a length test first so that most values are rejected at once.

const isGroupSeparator = (c: number): boolean => c === SPACE || c === NBSP || c === NNBSP

// Digits of the value being checked. One buffer for the module: the checks are
// synchronous and never nested, so no two values share it at once, and no value
// allocates.
const digits = new Uint8Array(16)

// Copies the digits of `s` into `digits` and returns how many there are (at most `max`),
// or -1 when `s` holds anything else than digits and single group separators placed
// where `breaks` allows them (bit k set: a separator may follow the k-th digit). With
// `corsicaAt` = k, `2A` or `2B` may stand for the digits k and k + 1: they are written as
// 19 and 18, as the NIR key computation reads them.
function readGroupedDigits(s: string, max: number, breaks: number, corsicaAt = -1): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isDigit(c)) {
      if (n === max) return -1
      digits[n++] = c - ZERO
    } else if (n === corsicaAt + 1 && (c === UPPER_A || c === UPPER_B) &&
      s.charCodeAt(i - 1) === ZERO + 2) {
      digits[n - 1] = 1
      digits[n++] = c === UPPER_A ? 9 : 8
    } else if (!isGroupSeparator(c) || ((breaks >>> n) & 1) === 0 ||
      !isDigit(s.charCodeAt(i + 1))) {
      return -1
    }
  }
  return n
}

// Luhn key over the first `n` digits read: from the right, every second digit doubled.
function isLuhnValid(n: number): boolean {
  let sum = 0
  for (let i = 0; i < n; i++) {
    const d = digits[i] ?? 0
    if ((n - i) % 2 === 0) sum += d > 4 ? d * 2 - 9 : d * 2
    else sum += d
  }
  return sum % 10 === 0
}

// `01001`, `34172`, `2A004`, `97411`. Department 01–19, 21–95 (20 became 2A and 2B in
// 1976), 2A, 2B, or 971–976 overseas with a two-digit commune number. Commune numbers
// start at 001, so `34000` (a postal code) is no commune. The COM (975, 977, 978, 98x)
// are left out: the COG lists them apart from the communes.
export function isInseeCommune(s: string): boolean {
  if (s.length !== 5) return false

  const c0 = s.charCodeAt(0)
  const c1 = s.charCodeAt(1)
  if (c0 === ZERO + 2 && (c1 === UPPER_A || c1 === UPPER_B)) return isCommuneNumber(s, 2)
  if (!isDigit(c0) || !isDigit(c1)) return false

  const department = (c0 - ZERO) * 10 + (c1 - ZERO)
  if (department === 97) {
    const c2 = s.charCodeAt(2)
    return c2 >= ZERO + 1 && c2 <= ZERO + 6 && isCommuneNumber(s, 3)
  }
  return department >= 1 && department <= 95 && department !== 20 && isCommuneNumber(s, 2)
}

// Digits from `start` to the end of a five-character code, not all zeros.
function isCommuneNumber(s: string, start: number): boolean {
  let nonZero = false
  for (let i = start; i < 5; i++) {
    const c = s.charCodeAt(i)
    if (!isDigit(c)) return false
    nonZero ||= c !== ZERO
  }
  return nonZero
}

// Five digits, department part 01–95 (20xxx is Corsica's), 97 (overseas) or 98 (Monaco
// and the Pacific). CEDEX codes share the format.
export function isPostalCode(s: string): boolean {
  if (s.length !== 5) return false
  for (let i = 0; i < 5; i++) {
    if (!isDigit(s.charCodeAt(i))) return false
  }

  const department = (s.charCodeAt(0) - ZERO) * 10 + (s.charCodeAt(1) - ZERO)
  return (department >= 1 && department <= 95) || department === 97 || department === 98
}

// Separators may follow the 3rd and 6th digits: `123 456 789`.
const SIREN_BREAKS = (1 << 3) | (1 << 6)
// And the 9th: `123 456 789 00012`, `123456789 00012`.
const SIRET_BREAKS = SIREN_BREAKS | (1 << 9)

// Nine digits with a valid Luhn key.
export function isSiren(s: string): boolean {
  if (s.length < 9 || s.length > 11) return false
  return readGroupedDigits(s, 9, SIREN_BREAKS) === 9 && isLuhnValid(9)
}

// Fourteen digits whose first nine are a valid SIREN, with a valid Luhn key. La Poste
// has more establishments than a Luhn key leaves numbers for: under its SIREN
// (356000000) the fourteen digits add up to a multiple of 5 instead.
export function isSiret(s: string): boolean {
  if (s.length < 14 || s.length > 17) return false
  if (readGroupedDigits(s, 14, SIRET_BREAKS) !== 14 || !isLuhnValid(9)) return false
  return isLuhnValid(14) || (isLaPoste() && digitSum(14) % 5 === 0)
}

function isLaPoste(): boolean {
  if (digits[0] !== 3 || digits[1] !== 5 || digits[2] !== 6) return false
  for (let i = 3; i < 9; i++) {
    if (digits[i] !== 0) return false
  }
  return true
}

function digitSum(n: number): number {
  let sum = 0
  for (let i = 0; i < n; i++) sum += digits[i] ?? 0
  return sum
}

// As printed on a carte Vitale, `1 84 12 76 451 089 46`: sex, year, month, department,
// commune, order number, key.
const NIR_BREAKS = (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 10) | (1 << 13)
const NIR_DEPARTMENT = 5
// Sex digit: 1 and 2; 3, 4, 7 and 8 for people registered before their civil status
// was known (born abroad, temporary numbers).
const NIR_SEX: readonly boolean[] = [false, true, true, true, true, false, false, true, true]

// Social-security number: 13 digits, then a key equal to 97 − (number mod 97). Born in
// Corsica since 1976: department 2A or 2B, read as 19 and 18 for the key (the official
// rule). Only the sex digit and the key are checked: the month may hold 20 and more
// (unknown month), the department 96 or 99 (born abroad).
export function isNir(s: string): boolean {
  if (s.length < 15 || s.length > 21 || NIR_SEX[s.charCodeAt(0) - ZERO] !== true) return false
  if (readGroupedDigits(s, 15, NIR_BREAKS, NIR_DEPARTMENT) !== 15) return false

  let rest = 0
  for (let i = 0; i < 13; i++) rest = (rest * 10 + (digits[i] ?? 0)) % 97
  const key = (digits[13] ?? 0) * 10 + (digits[14] ?? 0)
  return key === 97 - rest
}

const IBAN_MIN = 15
const IBAN_MAX = 34
// Printed IBANs put a space every four characters.
const IBAN_MAX_PRINTED = IBAN_MAX + 8

const letterIndex = (c: number): number =>
  c >= UPPER_A && c <= UPPER_Z ? c - UPPER_A : c >= LOWER_A && c <= LOWER_Z ? c - LOWER_A : -1

function countryIndex(s: string, i: number): number {
  const a = letterIndex(s.charCodeAt(i))
  const b = letterIndex(s.charCodeAt(i + 1))
  return a < 0 || b < 0 ? -1 : a * 26 + b
}

// IBAN lengths of France and of the countries French files meet most (SWIFT registry);
// other countries are held to the 15–34 range. French overseas departments and Monaco
// use FR-like 27-character IBANs.
const IBAN_LENGTHS = ibanLengths(
  'FR27 MC27 AD24 AT20 BE16 CH21 DE22 ES24 GB22 IE22 IT27 LU20 NL18 PT25 SM27')

function ibanLengths(spec: string): Uint8Array {
  const table = new Uint8Array(26 * 26)
  for (const entry of spec.split(' ')) {
    table[countryIndex(entry, 0)] = Number(entry.slice(2))
  }
  return table
}

// Value of an IBAN character in the mod-97 check: 0–9, then A = 10 … Z = 35; -1 if none.
function ibanValue(c: number): number {
  if (isDigit(c)) return c - ZERO
  const letter = letterIndex(c)
  return letter < 0 ? -1 : letter + 10
}

// Feeds one character value to a running remainder mod 97 (letters are two digits).
const mod97 = (rest: number, v: number): number => (v < 10 ? rest * 10 + v : rest * 100 + v) % 97

// `FR76 3000 6000 0112 3456 7890 189`: country, two check digits, then the BBAN, in any
// case, with single spaces between characters after the first four. Valid when the BBAN
// followed by the first four characters is 1 mod 97 (ISO 13616).
export function isIban(s: string): boolean {
  const n = s.length
  if (n < IBAN_MIN || n > IBAN_MAX_PRINTED) return false

  // The check digits first: text of that length has letters there.
  const c2 = s.charCodeAt(2)
  const c3 = s.charCodeAt(3)
  if (!isDigit(c2) || !isDigit(c3)) return false
  const country = countryIndex(s, 0)
  const check = (c2 - ZERO) * 10 + (c3 - ZERO)
  if (country < 0 || check < 2 || check > 98) return false

  let rest = 0
  let length = 4
  for (let i = 4; i < n; i++) {
    const v = ibanValue(s.charCodeAt(i))
    if (v >= 0) {
      rest = mod97(rest, v)
      length++
    } else if (!isGroupSeparator(s.charCodeAt(i)) || ibanValue(s.charCodeAt(i + 1)) < 0 ||
      ibanValue(s.charCodeAt(i - 1)) < 0) {
      return false
    }
  }

  const expected = IBAN_LENGTHS[country] ?? 0
  if (expected === 0 ? length < IBAN_MIN || length > IBAN_MAX : length !== expected) return false
  for (let i = 0; i < 4; i++) rest = mod97(rest, ibanValue(s.charCodeAt(i)))
  return rest === 1
}
