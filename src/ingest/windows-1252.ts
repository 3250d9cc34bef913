import { decodeCodePage } from './code-page.js'

// Windows-1252 per the WHATWG Encoding Standard. Not left to TextDecoder: since Node
// v20.18.3 and v22.13.0, `new TextDecoder('windows-1252')` takes a Latin-1 fast path and
// decodes 0x80–0x9F as C1 controls (0x80 gives U+0080, not €; nodejs/node#60888 and
// #56542). Our Node 20.20 has the bug, and French files are full of € (0x80), ’ (0x92)
// and Œ/œ (0x8C/0x9C).
//
// 0x80–0x9F: the five bytes Windows leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) map to
// the C1 controls of the same value, as WHATWG says.
const C1_RANGE = [
  // 0x80: € (undefined) ‚ ƒ „ … † ‡
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  // 0x88: ˆ ‰ Š ‹ Œ (undefined) Ž (undefined)
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  // 0x90: (undefined) ‘ ’ “ ” • – —
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  // 0x98: ˜ ™ š › œ (undefined) ž Ÿ
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
]

// 0xA0–0xFF are the Latin-1 code points of the same value.
export const WINDOWS_1252_HIGH: readonly number[] = [
  ...C1_RANGE,
  ...Array.from({ length: 0x60 }, (_, i) => 0xa0 + i)
]

export const decodeWindows1252 = (bytes: Uint8Array): string =>
  decodeCodePage(bytes, WINDOWS_1252_HIGH)
