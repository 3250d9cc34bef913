import { isUtf8 } from 'node:buffer'

// The name an uploaded file is kept and downloaded under.

// RFC 6266: `filename*=UTF-8''r%C3%A9colte.csv` (RFC 8187) wins over `filename=`,
// whose quoted form may escape a quote with a backslash. Header bytes reach us as
// Latin-1 characters; a plain `filename` sent in UTF-8, as clients do, is read as such.
export function dispositionName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined

  const extended = /(?:^|;)\s*filename\*\s*=\s*([\w!#$&+^`{}~-]*)'[^']*'([^;\s]+)/i
    .exec(header)
  const decoded = extended === null
    ? undefined
    : extendedValue(extended[1] ?? '', extended[2] ?? '')
  if (decoded !== undefined) return decoded.trim() || undefined

  // A quoted name that never closes is read to the end, without its quote.
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)(?:"|$)|([^;]*))/i.exec(header)
  const value = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]
  return value === undefined ? undefined : asUtf8(value).trim() || undefined
}

function extendedValue(charset: string, encoded: string): string | undefined {
  const bytes: number[] = []
  for (let i = 0; i < encoded.length; i++) {
    const hex = encoded[i] === '%' ? encoded.slice(i + 1, i + 3) : ''
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(encoded.charCodeAt(i) & 0xff)
    }
  }
  const buffer = Buffer.from(bytes)
  if (/^utf-8$/i.test(charset)) return isUtf8(buffer) ? buffer.toString('utf8') : undefined
  return /^iso-8859-1$/i.test(charset) ? buffer.toString('latin1') : undefined
}

function asUtf8(latin1: string): string {
  const bytes = Buffer.from(latin1, 'latin1')
  return /[^\p{ASCII}]/u.test(latin1) && isUtf8(bytes) ? bytes.toString('utf8') : latin1
}

// Control characters, the marks that reorder text (a right-to-left override, U+202E,
// shows `\u202Evsc.exe` as `exe.csv` in a browser's download bar), and the characters
// that show nothing: zero-width ones, line and paragraph separators, word joiners and
// the invisible formatting controls, the BOM, tag characters.
const HIDDEN = new RegExp('[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\u180e]', 'gu')

// The name a file is kept and downloaded under: the client's, reduced to its last
// path segment and without control or direction characters; else one made from the title.
export function fileName(given: string | undefined, title: string): string {
  const base = (given ?? '').split(/[/\\]/).pop() ?? ''
  const clean = cut(base.replace(HIDDEN, '').trim(), 255)
  return clean === '' || clean === '.' || clean === '..' ? defaultName(title) : clean
}

function defaultName(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return `${slug.slice(0, 80) || 'data'}.csv`
}

// At most `max` UTF-16 units, never half a character: a cut emoji became U+FFFD.
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const last = text.charCodeAt(max - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}
