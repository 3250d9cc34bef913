import { Readable } from 'node:stream'

import t from 'tap'

import { AppError } from '../../src/http/errors.js'
import { decodeCp850 } from '../../src/ingest/cp850.js'
import { createDecoder, decodeStream } from '../../src/ingest/decode.js'
import type { Encoding, EncodingResult } from '../../src/ingest/encoding.js'
import { decodeWindows1252 } from '../../src/ingest/windows-1252.js'

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')

const plain = (encoding: Encoding, bomLength = 0): EncodingResult =>
  ({ encoding, bom: bomLength > 0, bomLength, binary: false })

// Decodes chunk by chunk, `size` bytes at a time.
function decodeInChunks(enc: EncodingResult, bytes: Buffer, size: number): string {
  const decode = createDecoder(enc)
  let text = ''
  for (let i = 0; i < bytes.length; i += size) text += decode(bytes.subarray(i, i + size), false)
  return text + decode(Buffer.alloc(0), true)
}

async function collect(stream: Readable): Promise<unknown[]> {
  const chunks: unknown[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

t.test('CP850 maps the French letters where MS-DOS put them', async (t) => {
  // Checked against `iconv -f CP850 -t UTF-8`.
  const cases: Array<[number, string]> = [
    [0x80, 'Ç'], [0x82, 'é'], [0x83, 'â'], [0x85, 'à'], [0x87, 'ç'], [0x88, 'ê'],
    [0x89, 'ë'], [0x8a, 'è'], [0x8b, 'ï'], [0x8c, 'î'], [0x90, 'É'], [0x93, 'ô'],
    [0x96, 'û'], [0x97, 'ù'], [0xa0, 'á'], [0xae, '«'], [0xaf, '»'], [0xb7, 'À'],
    [0xd2, 'Ê'], [0xd4, 'È'], [0xd5, 'ı'], [0xe1, 'ß'], [0xe2, 'Ô'], [0xf8, '°'],
    [0xff, '\u00a0']
  ]
  for (const [byte, char] of cases) {
    t.equal(decodeCp850(Uint8Array.of(byte)), char, `0x${byte.toString(16)}`)
  }
  t.equal(decodeCp850(hex('416C69826E6F72')), 'Aliénor')
})

t.test('windows-1252 decodes 0x80–0x9F as Windows does, not as Latin-1', async (t) => {
  // Node 20.18.3+ TextDecoder returns U+0080 for 0x80 (nodejs/node#60888).
  t.equal(decodeWindows1252(hex('80 8C 9C 92 96 85 9F')), '€Œœ’–…Ÿ')
  t.equal(decodeWindows1252(hex('E9 E8 E0 C9 A0 FF')), 'éèàÉ\u00a0ÿ')
  t.equal(createDecoder(plain('windows-1252'))(hex('313220 80'), true), '12 €')
})

t.test('ISO-8859-15 puts the euro sign at 0xA4', async (t) => {
  t.equal(createDecoder(plain('iso-8859-15'))(hex('313220 A4 BD'), true), '12 €œ')
})

t.test('strips the BOM, even when it spans chunks', async (t) => {
  const bytes = hex('EFBBBF 22446F7373696572220A')
  for (let size = 1; size <= 4; size++) {
    t.equal(decodeInChunks(plain('utf-8', 3), bytes, size), '"Dossier"\n', `size ${size}`)
  }
})

t.test('drops a UTF-8 BOM even when the caller did not declare one', async (t) => {
  t.equal(createDecoder(plain('utf-8'))(hex('EFBBBF 41'), true), 'A')
})

t.test('keeps a multi-byte character split across chunks whole', async (t) => {
  const bytes = Buffer.from('Équipe;12 €;𝄞\n')
  for (let size = 1; size <= 5; size++) {
    t.equal(decodeInChunks(plain('utf-8'), bytes, size), 'Équipe;12 €;𝄞\n', `size ${size}`)
  }
})

t.test('decodes UTF-16 in both byte orders', async (t) => {
  const le = Buffer.concat([hex('FFFE'), Buffer.from('Libellé;€\n', 'utf16le')])
  const be = Buffer.from(le).swap16()
  t.equal(decodeInChunks(plain('utf-16le', 2), le, 3), 'Libellé;€\n')
  t.equal(decodeInChunks(plain('utf-16be', 2), be, 3), 'Libellé;€\n')
})

t.test('invalid UTF-8 fails with CSV_ENCODING_INVALID instead of U+FFFD', async (t) => {
  const decode = createDecoder(plain('utf-8'))
  const error = t.throws(() => decode(hex('4372E96174696F6E'), true))
  t.ok(error instanceof AppError)
  t.match(error, { code: 'CSV_ENCODING_INVALID', status: 422 })
  t.ok(error instanceof Error && error.cause !== undefined, 'keeps the cause')
})

t.test('a file ending inside a UTF-8 character fails at the end', async (t) => {
  const decode = createDecoder(plain('utf-8'))
  t.equal(decode(hex('636166C3'), false), 'caf')
  t.throws(() => decode(Buffer.alloc(0), true), { code: 'CSV_ENCODING_INVALID' })
})

t.test('lenient decoding replaces invalid bytes, for samples cut anywhere', async (t) => {
  const decode = createDecoder(plain('utf-8'), { lenient: true })
  t.equal(decode(hex('636166C3'), true), 'caf\ufffd')
})

t.test('decodeStream turns buffers into strings', async (t) => {
  const source = Readable.from([hex('EFBB'), hex('BF 41C3'), hex('A90A')])
  const chunks = await collect(source.pipe(decodeStream(plain('utf-8', 3))))
  t.ok(chunks.every((chunk) => typeof chunk === 'string'))
  t.equal(chunks.join(''), 'Aé\n')
})

t.test('decodeStream decodes CP850', async (t) => {
  const source = Readable.from([hex('456C826D'), hex('656E7461697265')])
  t.equal((await collect(source.pipe(decodeStream(plain('cp850'))))).join(''), 'Elémentaire')
})

t.test('decodeStream emits an error on invalid UTF-8', async (t) => {
  const source = Readable.from([hex('41 FF 42')])
  await t.rejects(collect(source.pipe(decodeStream(plain('utf-8')))), {
    code: 'CSV_ENCODING_INVALID'
  })
})
