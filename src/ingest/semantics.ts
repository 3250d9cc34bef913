import {
  isIban, isInseeCommune, isNir, isPostalCode, isSiren, isSiret
} from './semantics-codes.js'
import { isEmail, isPhoneFr, isUrl } from './semantics-contact.js'
import {
  LATITUDE_MAX, LONGITUDE_MAX, newCoordinateShape, scanCoordinate, scanLatLon
} from './semantics-geo.js'

export { isIban, isInseeCommune, isNir, isPostalCode, isSiren, isSiret } from './semantics-codes.js'
export { isEmail, isPhoneFr, isUrl } from './semantics-contact.js'

// What a column means, beyond its type: a code from a national reference (COG, Sirene),
// a coordinate, or personal data that must not be published as is (CRPA L312-1-2).

export type SemanticKind =
  | 'insee_commune' | 'postal_code' | 'siren' | 'siret' | 'latitude' | 'longitude' | 'lat_lon'
  | 'email' | 'phone_fr' | 'url' | 'iban' | 'nir'

// A URL counts: a personal website or a social-network profile names its owner.
export const PERSONAL_KINDS: ReadonlySet<SemanticKind> =
  new Set<SemanticKind>(['email', 'phone_fr', 'url', 'iban', 'nir'])

export interface SemanticResult {
  kind: SemanticKind | null
  // Values of the kind found, out of the values checked; 0 when no kind is found.
  matched: number
  checked: number
}

export interface SemanticOptions {
  // The column's header: it only settles values that fit two kinds.
  label?: string
}

// Kinds tested by one function each, in the order of the match counters. Latitude,
// longitude and lat_lon come after them: they share one scan and a precision count.
const TESTED: readonly SemanticKind[] =
  ['insee_commune', 'postal_code', 'siren', 'siret', 'email', 'phone_fr', 'url', 'iban', 'nir']
const TESTS: readonly ((value: string) => boolean)[] =
  [isInseeCommune, isPostalCode, isSiren, isSiret, isEmail, isPhoneFr, isUrl, isIban, isNir]
const INSEE_COMMUNE = 0
const POSTAL_CODE = 1
const EMAIL = TESTED.indexOf('email')
const PHONE_FR = TESTED.indexOf('phone_fr')
const URL = TESTED.indexOf('url')
const IBAN = TESTED.indexOf('iban')
const NIR = TESTED.indexOf('nir')
const LATITUDE = TESTED.length
const LONGITUDE = LATITUDE + 1
const LAT_LON = LATITUDE + 2
const KINDS: readonly SemanticKind[] = [...TESTED, 'latitude', 'longitude', 'lat_lon']

// Personal data must not hide behind a stray `n.c.` or `refus`: one value in 20 may be
// something else (95 %), so a column needs 20 values before its first stray one. Every
// other kind must hold for every value: a column that is 95 % postal codes is a text
// column with postal codes in it. The same share bounds how many coordinates may be
// short (see #observeCoordinate).
const STRAY_ONE_IN = 20

const mostly = (count: number, of: number): boolean => (of - count) * STRAY_ONE_IN <= of

// For personal data the bar is lower still: a flag that asks a person to look is cheap,
// a miss publishes a phone list. Real exports carry `Tél : 04…`, `04… / 04…` or
// `04… (21)` in a few cells: one value in 10 may be something else.
const PERSONAL_STRAY_ONE_IN = 10
const mostlyPersonal = (count: number, of: number): boolean =>
  of >= PERSONAL_STRAY_ONE_IN && (of - count) * PERSONAL_STRAY_ONE_IN <= of

// A coordinate has at least 2 decimals (one decimal places a point within 11 km). Values
// alone still cannot tell prices from coordinates: a column of two-decimal amounts within
// ±180, one above 90, reads as longitudes.
const COORDINATE_DECIMALS = 2

const bit = (k: number): number => 1 << k
const PERSONAL_BITS = KINDS.reduce((bits, kind, k) =>
  PERSONAL_KINDS.has(kind) ? bits | bit(k) : bits, 0)
const COORDINATE_BITS = bit(LATITUDE) | bit(LONGITUDE) | bit(LAT_LON)
// The kinds #observePersonal() tests. It stands for the loop only while they are the
// personal kinds, which the loop never drops: -1 (no set of kinds) otherwise.
const PERSONAL_TESTED = bit(EMAIL) | bit(PHONE_FR) | bit(URL) | bit(IBAN) | bit(NIR)
const PERSONAL_ONLY = PERSONAL_TESTED === PERSONAL_BITS ? PERSONAL_BITS : -1

// Infers a column's meaning from every one of its values, in one pass and constant
// memory. Each value runs the recognisers of the kinds still possible; a kind that must
// fit every value is dropped at its first miss, so a text column soon runs only the
// personal-data ones, which reject most text on its first character.
export class SemanticInferrer {
  readonly #hint: HeaderHint
  readonly #matched = new Float64Array(KINDS.length)
  readonly #coordinate = newCoordinateShape()
  #checked = 0
  #open = bit(KINDS.length) - 1

  // Coordinates and pairs with fewer than COORDINATE_DECIMALS decimals.
  #shortCoordinates = 0
  #shortPairs = 0

  constructor(opts: SemanticOptions = {}) {
    this.#hint = headerHint(opts.label ?? '')
  }

  // A value read as a date, a timestamp or a boolean, which no recogniser accepts (a
  // test checks it over every spelling): counted, and every kind that must fit all values
  // dropped, as observe() would, without running the recognisers. A third of the cells
  // of a typical file take this way.
  observeNoKind(): void {
    this.#checked++
    this.#open &= PERSONAL_BITS
  }

  // `value` is a cell as normaliseCell() leaves it, neither empty nor a null marker.
  observe(value: string): void {
    this.#checked++
    if (this.#open === PERSONAL_ONLY) {
      this.#observePersonal(value)
      return
    }
    for (let k = 0; k < TESTS.length; k++) {
      if ((this.#open & bit(k)) === 0) continue
      if (TESTS[k]?.(value) === true) this.#count(k)
      else if ((PERSONAL_BITS & bit(k)) === 0) this.#open &= ~bit(k)
    }

    if ((this.#open & COORDINATE_BITS) !== 0) this.#observeCoordinate(value)
  }

  // What most columns come down to after their first values: the personal kinds only.
  // Direct calls, rather than the loop's calls through TESTS, let the compiler inline
  // each recogniser's first-character rejection.
  #observePersonal(value: string): void {
    if (isEmail(value)) this.#count(EMAIL)
    if (isPhoneFr(value)) this.#count(PHONE_FR)
    if (isUrl(value)) this.#count(URL)
    if (isIban(value)) this.#count(IBAN)
    if (isNir(value)) this.#count(NIR)
  }

  result(): SemanticResult {
    const checked = this.#checked
    const k = checked === 0 ? -1 : this.#decide()
    const kind = KINDS[k] ?? null
    return { kind, matched: kind === null ? 0 : this.#matched[k] ?? 0, checked }
  }

  // A spreadsheet writes 45.000000 as `45` and 3.870000 as `3.87`: such a value is still
  // a coordinate, but a column needs mostly precise ones (see mostly()), which plain
  // integers and prices are not.
  #observeCoordinate(value: string): void {
    const shape = this.#coordinate
    if ((this.#open & bit(LAT_LON)) !== 0) {
      if (scanLatLon(value, shape)) {
        this.#count(LAT_LON)
        if (shape.decimals < COORDINATE_DECIMALS) this.#shortPairs++
      } else {
        this.#open &= ~bit(LAT_LON)
      }
    }
    if ((this.#open & (bit(LATITUDE) | bit(LONGITUDE))) === 0) return

    if (!scanCoordinate(value, shape) || Math.abs(shape.value) > LONGITUDE_MAX) {
      this.#open &= ~(bit(LATITUDE) | bit(LONGITUDE))
      return
    }
    if (Math.abs(shape.value) <= LATITUDE_MAX) this.#count(LATITUDE)
    else this.#open &= ~bit(LATITUDE)
    this.#count(LONGITUDE)
    if (shape.decimals < COORDINATE_DECIMALS) this.#shortCoordinates++
  }

  #count(k: number): void {
    this.#matched[k] = (this.#matched[k] ?? 0) + 1
  }

  // The index of the kind found, or -1.
  #decide(): number {
    const all = this.#checked
    const fits = (k: number): boolean => (this.#matched[k] ?? 0) === all

    // Values that fit two kinds: the header decides, and never overrides the values (a
    // `code_insee` column holding 34000 is postal). Five digits are a postal code unless
    // the header names an INSEE code: addresses, which most files hold, carry postal
    // codes. Decimals that could be latitudes or longitudes stay undecided without one.
    if (fits(INSEE_COMMUNE) && fits(POSTAL_CODE)) {
      return this.#hint === 'insee' ? INSEE_COMMUNE : POSTAL_CODE
    }
    const precise = mostly(all - this.#shortCoordinates, all)
    if (precise && fits(LATITUDE)) {
      return this.#hint === 'latitude' ? LATITUDE : this.#hint === 'longitude' ? LONGITUDE : -1
    }
    if (precise && fits(LONGITUDE)) return LONGITUDE
    if (fits(LAT_LON) && mostly(all - this.#shortPairs, all)) return LAT_LON

    for (let k = 0; k < TESTED.length; k++) {
      if (fits(k)) return k
    }
    for (let k = 0; k < TESTED.length; k++) {
      if ((PERSONAL_BITS & bit(k)) !== 0 && mostlyPersonal(this.#matched[k] ?? 0, all)) return k
    }
    return -1
  }
}

type HeaderHint = 'insee' | 'postal' | 'latitude' | 'longitude' | null

const POSTAL_WORDS: ReadonlySet<string> =
  new Set(['cp', 'postal', 'postale', 'codepostal', 'postcode', 'zip', 'zipcode', 'cdpost',
    'codpost', 'cpostal'])
const INSEE_WORDS: ReadonlySet<string> = new Set([
  'insee', 'codeinsee', 'codgeo', 'cog', 'depcom', 'com', 'codecom', 'codcom', 'commune',
  'codecommune', 'citycode', 'numcom', 'nocom', 'cdcom', 'inseecom', 'codinsee'
])
const LATITUDE_WORDS: ReadonlySet<string> = new Set(['lat', 'latitude', 'y'])
const LONGITUDE_WORDS: ReadonlySet<string> = new Set(['lon', 'lng', 'long', 'longitude', 'x'])

// `codeCommune`, `COLL_INSEE`, `Code postal`, `geo_lat`, `Longitude (WGS84)` → words in
// lower case without accents. Runs once per column: regular expressions are fine here.
export function headerWords(label: string): string[] {
  return label
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
}

// A postal word wins over a commune one: `Code postal commune` holds postal codes.
export function headerHint(label: string): HeaderHint {
  const words = headerWords(label)
  const has = (set: ReadonlySet<string>): boolean => words.some((word) => set.has(word))
  if (has(POSTAL_WORDS)) return 'postal'
  if (has(INSEE_WORDS)) return 'insee'

  const latitude = has(LATITUDE_WORDS)
  if (latitude === has(LONGITUDE_WORDS)) return null
  return latitude ? 'latitude' : 'longitude'
}
