import t from 'tap'

import { seededRandom } from '../../bench/csv-generator.js'
import { hasControlByte, isPrintableWord } from '../../src/ingest/ascii-words.js'
import { ByteStats } from '../../src/ingest/byte-stats.js'
import { Utf8Validator } from '../../src/ingest/utf8-validator.js'

// The scanners skip plain ASCII a word at a time (ascii-words.ts). Fed one byte at a
// time they never can: that is the reference the word-skipping runs must match.

const PIECES = [
  'Orléans;', 'n°12', 'école ', '1 234,56', '\r\n', '\n', '\t', '\0', '\x7f', '\x01', '€',
  'œuvre', '日本', '🙂', 'abcdefgh', ';;;;', ' ', 'Z', '\u00a0', '\u0085', '\u20cf', '\u20d0',
  '→'
]

// Text in pieces, some of them then broken into invalid bytes (unless `valid`): valid
// chunks are only counted, from the native check (see utf8-validator.ts).
function sample(random: () => number, pieces: number, valid: boolean): Buffer {
  const parts: Buffer[] = []
  const breaks = valid ? 0 : 0.03
  for (let i = 0; i < pieces; i++) {
    const piece = Buffer.from(PIECES[Math.floor(random() * PIECES.length)] ?? '')
    const broken = random() < breaks
    parts.push(broken ? piece.subarray(0, Math.max(0, piece.length - 1)) : piece)
    if (random() < breaks) parts.push(Buffer.from([0x80 + Math.floor(random() * 0x80)]))
  }
  return Buffer.concat(parts)
}

function scan(bytes: Buffer, chunkSizes: () => number) {
  const stats = new ByteStats()
  const utf8 = new Utf8Validator()
  for (let i = 0; i < bytes.length;) {
    const chunk = bytes.subarray(i, i + chunkSizes())
    stats.update(chunk)
    utf8.update(chunk)
    i += chunk.length
  }
  stats.finish()
  utf8.finish()
  const { total, controls, nulEven, nulOdd, headNul, headControls } = stats
  const { multibyte, latin, invalid, firstInvalid, valid } = utf8
  return {
    stats: { total, controls, nulEven, nulOdd, headNul, headControls },
    context: Buffer.from(stats.context.buffer).toString('base64'),
    utf8: { multibyte, latin, invalid, firstInvalid, valid }
  }
}

t.test('word by word, the scanners count what they count byte by byte', async (t) => {
  const random = seededRandom(0x5eed)
  for (let round = 0; round < 80; round++) {
    const bytes = sample(random, 50 + Math.floor(random() * 400), round >= 40)
    // Shifted by 0 to 3 bytes in its buffer, so words start anywhere.
    const shift = round % 4
    const shifted = Buffer.alloc(bytes.length + shift)
    bytes.copy(shifted, shift)
    const input = shifted.subarray(shift)

    const reference = scan(input, () => 1)
    t.same(scan(input, () => input.length), reference, `round ${round}, whole`)
    t.same(scan(input, () => 1 + Math.floor(random() * 97)), reference, `round ${round}, cut`)
  }
})

t.test('a printable word is one with only bytes from 0x20 to 0x7e', async (t) => {
  const word = (bytes: number[]) => Buffer.from(bytes).readUInt32LE(0)
  t.ok(isPrintableWord(word([0x20, 0x41, 0x7e, 0x3b])))
  for (const odd of [0x00, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff]) {
    for (let at = 0; at < 4; at++) {
      const bytes = [0x20, 0x20, 0x20, 0x20]
      bytes[at] = odd
      t.notOk(isPrintableWord(word(bytes)), `0x${odd.toString(16)} at byte ${at}`)
    }
  }
})

t.test('a chunk found valid natively says latin for the characters the scan counts', async (t) => {
  const characters = ['\u009f', '\u00a0', '\u00bf', '\u00e9', '\u017f', '\u0180', '\u1fff',
    '\u2000', '\u2019', '\u20ac', '\u20cf', '\u20d0', '\u2100', '日', '🙂']
  for (const character of characters) {
    const bytes = Buffer.from(`abc;${character};d\n`)
    const code = `U+${character.codePointAt(0)?.toString(16).padStart(4, '0')}`
    t.same(scan(bytes, () => bytes.length).utf8, scan(bytes, () => 1).utf8, code)
    const latin = (c: number) => (c >= 0xa0 && c <= 0x17f) || (c >= 0x2000 && c <= 0x20cf)
    t.equal(scan(bytes, () => bytes.length).utf8.latin, latin(character.codePointAt(0) ?? 0), code)
  }
})

t.test('counting controls alone gives the counts of the full statistics', async (t) => {
  const random = seededRandom(0xc0de)
  for (let round = 0; round < 40; round++) {
    const bytes = sample(random, 50 + Math.floor(random() * 400), round % 2 === 0)
    const full = new ByteStats()
    const controls = new ByteStats()
    // From full statistics to controls alone at some chunk, as the detector switches.
    let switched = false
    for (let i = 0; i < bytes.length;) {
      const chunk = bytes.subarray(i, i + 1 + Math.floor(random() * 97))
      full.update(chunk)
      switched ||= random() < 0.3
      if (switched) controls.countControls(chunk)
      else controls.update(chunk)
      i += chunk.length
    }
    const counts = ({ total, controls, nulEven, nulOdd, headNul, headControls }: ByteStats) =>
      ({ total, controls, nulEven, nulOdd, headNul, headControls })
    t.same(counts(controls), counts(full), `round ${round}`)
  }
})

t.test('a word has a control byte when one of its bytes is below 0x20 or DEL', async (t) => {
  const word = (bytes: number[]) => Buffer.from(bytes).readUInt32LE(0)
  t.notOk(hasControlByte(word([0x20, 0x41, 0x7e, 0xff])))
  t.notOk(hasControlByte(word([0x80, 0xc3, 0xa9, 0x20])))
  for (const odd of [0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x7f]) {
    for (let at = 0; at < 4; at++) {
      const bytes = [0xc3, 0x20, 0xff, 0x41]
      bytes[at] = odd
      t.ok(hasControlByte(word(bytes)), `0x${odd.toString(16)} at byte ${at}`)
    }
  }
})
