import t from 'tap'

import { seededRandom } from '../../bench/csv-generator.js'
import { isPrintableWord } from '../../src/ingest/ascii-words.js'
import { ByteStats } from '../../src/ingest/byte-stats.js'
import { Utf8Validator } from '../../src/ingest/utf8-validator.js'

// The scanners skip plain ASCII a word at a time (ascii-words.ts). Fed one byte at a
// time they never can: that is the reference the word-skipping runs must match.

const PIECES = [
  'Orléans;', 'n°12', 'école ', '1 234,56', '\r\n', '\n', '\t', '\0', '\x7f', '\x01', '€',
  'œuvre', '日本', '🙂', 'abcdefgh', ';;;;', ' ', 'Z'
]

// Text in pieces, some of them then broken into invalid bytes.
function sample(random: () => number, pieces: number): Buffer {
  const parts: Buffer[] = []
  for (let i = 0; i < pieces; i++) {
    const piece = Buffer.from(PIECES[Math.floor(random() * PIECES.length)] ?? '')
    const broken = random() < 0.03
    parts.push(broken ? piece.subarray(0, Math.max(0, piece.length - 1)) : piece)
    if (random() < 0.02) parts.push(Buffer.from([0x80 + Math.floor(random() * 0x80)]))
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
  for (let round = 0; round < 40; round++) {
    const bytes = sample(random, 50 + Math.floor(random() * 400))
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
