import { isDigit } from './values.js'
import {
  CLOSE_PAREN, COLON, DEL, DOT, HASH, MINUS, NBSP, NNBSP, OPEN_PAREN, PLUS, QUESTION, SLASH,
  SPACE, ZERO
} from './char-codes.js'

// Contact details, personal data when they reach a person: email addresses, French phone
// numbers, web addresses. Written like the other recognisers (see values.ts): char codes
// read by hand, the first character tested first, no regular expression.

// ASCII letters in lower case; no other character becomes a letter.
const lower = (c: number): number => c | 0x20

const isAsciiLetter = (c: number): boolean => lower(c) >= 0x61 && lower(c) <= 0x7a

// Latin letters with accents (U+00C0–U+024F but × and ÷): `.fr` domain names may hold
// them since 2012.
const isAccentedLetter = (c: number): boolean =>
  c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7

const isLabelChar = (c: number): boolean =>
  isAsciiLetter(c) || isDigit(c) || c === MINUS || isAccentedLetter(c)

const EMAIL_MIN = 6
const EMAIL_MAX = 254
const LOCAL_MAX = 64
const LABEL_MAX = 63

// Characters allowed unquoted in the local part of an address (RFC 5322 atext).
const ATEXT = (() => {
  const table = new Uint8Array(128)
  const special = "!#$%&'*+-/=?^_`{|}~"
  for (let c = 0; c < 128; c++) {
    table[c] = isAsciiLetter(c) || isDigit(c) || special.includes(String.fromCharCode(c)) ? 1 : 0
  }
  return table
})()

// Where a domain name starting at `start` ends, or -1 if there is none: at least two
// labels of letters, digits and inner hyphens (1 to 63 characters), the last of letters
// only (a top-level domain, 2 letters or more).
function domainEnd(s: string, start: number): number {
  let labels = 0
  let labelStart = start
  let lettersOnly = true
  let i = start
  for (;; i++) {
    const c = s.charCodeAt(i)
    if (isLabelChar(c)) {
      lettersOnly &&= !isDigit(c) && c !== MINUS
    } else if (c === DOT && isLabel(s, labelStart, i)) {
      labels++
      labelStart = i + 1
      lettersOnly = true
    } else {
      break
    }
  }

  const tld = i - labelStart
  return labels >= 1 && tld >= 2 && lettersOnly && isLabel(s, labelStart, i) ? i : -1
}

const isLabel = (s: string, start: number, end: number): boolean =>
  end > start && end - start <= LABEL_MAX &&
  s.charCodeAt(start) !== MINUS && s.charCodeAt(end - 1) !== MINUS

// `prenom.nom@ville.fr`, `contact+mairie@example.org`: the dot-atom form of RFC 5322
// (no quoted local part, no address literal such as `x@[127.0.0.1]`, no comments), which
// is what addresses in files look like. Accented letters only in the domain.
export function isEmail(s: string): boolean {
  const n = s.length
  if (n < EMAIL_MIN || n > EMAIL_MAX) return false
  // Most cells of a text column hold no `@`: the native search rejects them faster
  // than reading their first word character by character.
  const at = s.indexOf('@')
  if (at <= 0 || at > LOCAL_MAX) return false

  let afterDot = true
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i)
    if (c === DOT) {
      if (afterDot) return false
      afterDot = true
    } else if (ATEXT[c] === 1) {
      afterDot = false
    } else {
      return false
    }
  }

  return !afterDot && domainEnd(s, at + 1) === n
}

const PHONE_MIN = 10
const PHONE_MAX = 24
// Digits after the trunk prefix 0 or the country code.
const SUBSCRIBER_DIGITS = 9

const isPhoneSeparator = (c: number): boolean =>
  c === SPACE || c === DOT || c === MINUS || c === NBSP || c === NNBSP

// Where a country code for France ends: 33, and 262, 590, 594, 596 for the overseas
// departments, which keep the metropolitan 9-digit plan; -1 for any other.
function countryCodeEnd(s: string, i: number): number {
  const a = s.charCodeAt(i)
  const b = s.charCodeAt(i + 1)
  const c = s.charCodeAt(i + 2)
  if (a === ZERO + 3 && b === ZERO + 3) return i + 2
  if (a === ZERO + 2 && b === ZERO + 6 && c === ZERO + 2) return i + 3
  if (a !== ZERO + 5 || b !== ZERO + 9) return -1
  return c === ZERO || c === ZERO + 4 || c === ZERO + 6 ? i + 3 : -1
}

const skipSeparator = (s: string, i: number): number =>
  isPhoneSeparator(s.charCodeAt(i)) ? i + 1 : i

// `04 67 34 44 93`, `04.67.42.40.74`, `0467344493`, `+33 4 67 34 44 93`, `+33467344493`,
// `0033 4 67…`, `+33 (0)4 67…`: a trunk 0 or a country code, then 9 digits, the first
// not 0, with single spaces, dots or hyphens anywhere between them. Ten digits starting
// with 00 are no number: 00 opens an international prefix.
export function isPhoneFr(s: string): boolean {
  const n = s.length
  if (n < PHONE_MIN || n > PHONE_MAX) return false

  let i: number
  const c0 = s.charCodeAt(0)
  if (c0 === ZERO && s.charCodeAt(1) !== ZERO) {
    i = skipSeparator(s, 1)
  } else {
    const codeStart = c0 === PLUS ? 1 : c0 === ZERO ? 2 : -1
    i = codeStart < 0 ? -1 : countryCodeEnd(s, codeStart)
    if (i < 0) return false
    i = skipSeparator(s, i)
    if (s.charCodeAt(i) === OPEN_PAREN && s.charCodeAt(i + 1) === ZERO &&
      s.charCodeAt(i + 2) === CLOSE_PAREN) {
      i = skipSeparator(s, i + 3)
    }
  }
  return isSubscriberNumber(s, i)
}

function isSubscriberNumber(s: string, start: number): boolean {
  if (s.charCodeAt(start) === ZERO) return false

  let count = 0
  let afterSeparator = false
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isDigit(c)) {
      count++
      afterSeparator = false
    } else if (isPhoneSeparator(c) && count > 0 && !afterSeparator) {
      afterSeparator = true
    } else {
      return false
    }
  }
  return count === SUBSCRIBER_DIGITS && !afterSeparator
}

const URL_MIN = 8
const PORT_MAX_DIGITS = 5

// Where the host starts after `http://` or `https://` (any case), 0 for `www.`; or -1.
function hostStart(s: string): number {
  const c0 = lower(s.charCodeAt(0))
  if (c0 === 0x77) {
    return lower(s.charCodeAt(1)) === 0x77 && lower(s.charCodeAt(2)) === 0x77 &&
      s.charCodeAt(3) === DOT ? 0 : -1
  }
  if (c0 !== 0x68 || lower(s.charCodeAt(1)) !== 0x74 || lower(s.charCodeAt(2)) !== 0x74 ||
    lower(s.charCodeAt(3)) !== 0x70) {
    return -1
  }
  const i = lower(s.charCodeAt(4)) === 0x73 ? 5 : 4
  return s.charCodeAt(i) === COLON && s.charCodeAt(i + 1) === SLASH &&
    s.charCodeAt(i + 2) === SLASH ? i + 3 : -1
}

// Characters a URL path, query or fragment may hold as written in a file: anything
// visible but space, quotes, angle brackets and the few RFC 3986 excludes; accented
// letters are let through (browsers write them unencoded).
const isPathChar = (c: number): boolean =>
  c > SPACE && c !== DEL && c !== NBSP && c !== 0x22 && c !== 0x3c && c !== 0x3e &&
  c !== 0x5c && c !== 0x5e && c !== 0x60 && c !== 0x7b && c !== 0x7c && c !== 0x7d

// `https://www.montpellier.fr/…`, `http://data.ville.fr:8080/api?x=1`, `www.ville.fr`:
// http or https, or a bare host starting with `www.`; a domain name (no IP address, no
// user:password@), an optional port, then a path, query or fragment without spaces.
export function isUrl(s: string): boolean {
  const n = s.length
  if (n < URL_MIN) return false

  const start = hostStart(s)
  let i = start < 0 ? -1 : domainEnd(s, start)
  if (i < 0) return false

  if (s.charCodeAt(i) === COLON) {
    const portStart = ++i
    while (isDigit(s.charCodeAt(i))) i++
    if (i === portStart || i - portStart > PORT_MAX_DIGITS) return false
  }
  if (i === n) return true

  const c = s.charCodeAt(i)
  if (c !== SLASH && c !== QUESTION && c !== HASH) return false
  for (i++; i < n; i++) {
    if (!isPathChar(s.charCodeAt(i))) return false
  }
  return true
}
