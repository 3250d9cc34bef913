import { isDigit } from './values.js'
import { COMMA, DOT, MINUS, SEMICOLON, SPACE, ZERO } from './char-codes.js'

// WGS84 coordinates in decimal degrees: one per cell (`43.6109`, `3,8772`) or a
// `lat, lon` pair in one cell (`43.6109, 3.8772`, what OpenDataSoft exports as
// geo_point_2d). Written like the other recognisers (see values.ts).

// Three integer digits are enough for ±180.
const MAX_INTEGER_DIGITS = 3

export const LATITUDE_MAX = 90
export const LONGITUDE_MAX = 180

export interface CoordinateShape {
  value: number
  // Digits after the decimal mark; a cell without a mark has 0.
  decimals: number
  // For a pair, the longitude; `value` is then the latitude, `decimals` the fewer of the
  // two numbers'.
  second: number
}

export const newCoordinateShape = (): CoordinateShape => ({ value: 0, decimals: 0, second: 0 })

// Where a number starting at `i` ends, or -1: an optional minus, 1 to 3 digits (no
// leading zero), then optionally a decimal mark and digits. The comma is a decimal mark
// only when `comma` is true. Sets out.value and out.decimals.
function readNumber(s: string, i: number, comma: boolean, out: CoordinateShape): number {
  const negative = s.charCodeAt(i) === MINUS
  if (negative) i++

  const start = i
  let value = 0
  while (isDigit(s.charCodeAt(i))) value = value * 10 + (s.charCodeAt(i++) - ZERO)
  const digits = i - start
  if (digits === 0 || digits > MAX_INTEGER_DIGITS) return -1
  if (digits > 1 && s.charCodeAt(start) === ZERO) return -1

  out.decimals = 0
  const mark = s.charCodeAt(i)
  if (mark === DOT || (comma && mark === COMMA)) {
    const fractionStart = ++i
    let scale = 1
    for (; isDigit(s.charCodeAt(i)); i++) {
      scale /= 10
      value += (s.charCodeAt(i) - ZERO) * scale
    }
    out.decimals = i - fractionStart
    if (out.decimals === 0) return -1
  }

  out.value = negative ? -value : value
  return i
}

// One number, `.` or `,` as the decimal mark: `43.6109`, `-1,5536`, `45`. The range and
// the number of decimals are for the caller to judge, per column.
export function scanCoordinate(s: string, out: CoordinateShape): boolean {
  if (s.length === 0 || s.length > 24) return false
  return readNumber(s, 0, true, out) === s.length
}

// `43.61, 3.87`, `43.61,3.87`, `43,61;3,87`: a latitude then a longitude, separated by a
// comma or a semicolon and at most one space. With a comma between them the numbers
// must use a decimal point, or `43,61,3,87` would read two ways: decimal commas are
// tried only when a point fails, and then need a semicolon.
export function scanLatLon(s: string, out: CoordinateShape): boolean {
  if (s.length < 3 || s.length > 48) return false
  return readPair(s, false, out) || readPair(s, true, out)
}

function readPair(s: string, comma: boolean, out: CoordinateShape): boolean {
  let i = readNumber(s, 0, comma, out)
  if (i < 0) return false
  const latitude = out.value
  const decimals = out.decimals

  const separator = s.charCodeAt(i)
  if (separator !== SEMICOLON && (comma || separator !== COMMA)) return false
  if (s.charCodeAt(++i) === SPACE) i++

  if (readNumber(s, i, comma, out) !== s.length) return false
  out.second = out.value
  out.value = latitude
  out.decimals = Math.min(decimals, out.decimals)
  return Math.abs(latitude) <= LATITUDE_MAX && Math.abs(out.second) <= LONGITUDE_MAX
}
