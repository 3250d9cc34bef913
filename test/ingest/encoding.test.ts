import t from 'tap'

import { EncodingDetector, detectEncoding } from '../../src/ingest/encoding.js'

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')

// Feeds the bytes in chunks of `size` bytes, as a streamed upload would arrive.
function detectInChunks(bytes: Buffer, size: number) {
  const detector = new EncodingDetector()
  for (let i = 0; i < bytes.length; i += size) detector.update(bytes.subarray(i, i + size))
  return detector.finish()
}

t.test('pure ASCII is reported as UTF-8 without BOM', async (t) => {
  t.same(detectEncoding(Buffer.from('a;b\r\n1;2\r\n')), {
    encoding: 'utf-8', bom: false, bomLength: 0, binary: false
  })
})

t.test('an empty file is UTF-8 text', async (t) => {
  t.same(detectEncoding(Buffer.alloc(0)), {
    encoding: 'utf-8', bom: false, bomLength: 0, binary: false
  })
})

t.test('recognises the three byte order marks', async (t) => {
  t.match(detectEncoding(hex('EFBBBF 613B62 0A')), { encoding: 'utf-8', bom: true, bomLength: 3 })
  t.match(detectEncoding(hex('FFFE 6100 3B00 6200')), {
    encoding: 'utf-16le', bom: true, bomLength: 2, binary: false
  })
  t.match(detectEncoding(hex('FEFF 0061 003B 0062')), {
    encoding: 'utf-16be', bom: true, bomLength: 2, binary: false
  })
})

t.test('finds a BOM split over one-byte chunks', async (t) => {
  t.match(detectInChunks(hex('EFBBBF 6162 0A'), 1), { encoding: 'utf-8', bom: true })
})

t.test('accepts a UTF-8 character split between two chunks, wherever the cut', async (t) => {
  // « Équipe € 𝄞 »: 2-, 3- and 4-byte sequences.
  const bytes = Buffer.from('nom;montant\nÉquipe;12 €\n𝄞;1\n')
  for (let size = 1; size <= 5; size++) {
    t.equal(detectInChunks(bytes, size).encoding, 'utf-8', `chunks of ${size} bytes`)
  }
})

t.test('a file cut in the middle of a UTF-8 character is not UTF-8', async (t) => {
  // "café" with the last byte of é missing; windows-1252 reads it as "cafÃ".
  t.equal(detectEncoding(hex('636166C3')).encoding, 'windows-1252')
})

t.test('rejects overlong forms and surrogates as UTF-8', async (t) => {
  t.not(detectEncoding(hex('41 C0AF 42')).encoding, 'utf-8')
  t.not(detectEncoding(hex('41 EDA080 42')).encoding, 'utf-8')
})

t.test('decides on every byte, not on the start of the file', async (t) => {
  // 100 kB of ASCII, then one windows-1252 "é" (0xE9) inside a word.
  const bytes = Buffer.concat([Buffer.from('a;b\n'.repeat(25_000)), hex('4372E96174696F6E0A')])
  t.equal(detectInChunks(bytes, 64 * 1024).encoding, 'windows-1252')
})

t.test('reads French windows-1252 as windows-1252', async (t) => {
  // "Montant;Société\n12 €;Bâtiment\n": é = E9, € = 80, â = E2.
  const bytes = hex('4D6F6E74616E743B536F6369E974E90A 313220 80 3B42E274696D656E740A')
  t.equal(detectEncoding(bytes).encoding, 'windows-1252')
})

t.test('reads French CP850 as cp850', async (t) => {
  // "Ecole Elémentaire;Français\n": é = 82, ç = 87 in CP850.
  const bytes = hex('45636F6C6520456C826D656E74616972653B4672616E87616973 0A')
  t.equal(detectEncoding(bytes).encoding, 'cp850')
})

t.test('bytes undefined in windows-1252 point to CP850', async (t) => {
  // "LYCEE ÉMILE" with É = 0x90, which windows-1252 does not define.
  t.equal(detectEncoding(hex('4C5943454520 90 4D494C45 0A')).encoding, 'cp850')
})

t.test('a lone euro sign after an amount stays windows-1252', async (t) => {
  // "12 €" with nothing else: 0x80 is € in windows-1252 and Ç in CP850; ties go to 1252.
  t.equal(detectEncoding(hex('3132 20 80 0D0A')).encoding, 'windows-1252')
})

// Found by fuzzing loads: scoring the end of a word lower, to read `etc…` as
// windows-1252, read these as CP850 (`L’Haÿ` as `LÆHa `); it was reverted.
t.test('apostrophes between capitals and letters at word ends stay windows-1252', async (t) => {
  for (const text of ['Commune;Population\nL\x92Ha\xff-les-Roses;31000\nParis;2100000\n',
    'nom;commentaire\nN\x92Diaye;pay\xe9\nN\x92Diaye;\n']) {
    t.equal(detectEncoding(Buffer.from(text, 'latin1')).encoding, 'windows-1252', text)
  }
})

t.test('never detects ISO-8859-15 by itself', async (t) => {
  // "Montant payé : 12 €" written in ISO-8859-15 (€ = A4). In windows-1252 0xA4 is ¤:
  // the bytes cannot tell the two apart, so the common one is chosen.
  const bytes = hex('4D6F6E74616E74 20 706179 E9 20 3A 20 3132 20 A4 0A')
  t.equal(detectEncoding(bytes).encoding, 'windows-1252')
})

// 200 lines of UTF-8 with three accented letters each (600 two-byte sequences).
const utf8Lines = Buffer.from(
  Array.from({ length: 200 }, (_, i) => `Élève ${i + 1},Sète\n`).join(''))

t.test('UTF-8 with one stray windows-1252 byte is invalid UTF-8, not windows-1252', async (t) => {
  // Line 201 is "Création,Agde" with é written as the single byte 0xE9.
  const bytes = Buffer.concat([utf8Lines, Buffer.from('Cr\xe9ation,Agde\n', 'latin1')])
  const invalid = { encoding: 'utf-8', byteOffset: utf8Lines.length + 2, line: 201,
    validMultibyte: 600 }
  for (const size of [1, 2, 3, 1000, 64 * 1024]) {
    t.same(detectInChunks(bytes, size),
      { encoding: 'utf-8', bom: false, bomLength: 0, binary: false, invalid },
      `chunks of ${size} bytes`)
  }
})

t.test('64 KiB of UTF-8 then windows-1252 is invalid UTF-8 at the first switch', async (t) => {
  const utf8 = Buffer.from('Numéro;Libellé\n'.repeat(4096))
  const cp1252 = Buffer.from('12;Bâtiment\n'.repeat(4096), 'latin1')
  const result = detectInChunks(Buffer.concat([utf8, cp1252]), 16 * 1024)
  t.match(result, {
    encoding: 'utf-8',
    invalid: { byteOffset: utf8.length + 4, line: 4097, validMultibyte: 8192 }
  })
})

t.test('windows-1252 then UTF-8 is invalid UTF-8 too', async (t) => {
  const cp1252 = Buffer.from('12;Bâtiment\n'.repeat(100), 'latin1')
  t.match(detectEncoding(Buffer.concat([cp1252, utf8Lines])),
    { encoding: 'utf-8', invalid: { byteOffset: 4, line: 1, validMultibyte: 600 } })
})

t.test('a UTF-8 file cut inside its last character is invalid at that character', async (t) => {
  const bytes = Buffer.concat([utf8Lines, hex('636166C3')])
  t.match(detectInChunks(bytes, 7),
    { encoding: 'utf-8', invalid: { byteOffset: utf8Lines.length + 3, line: 201 } })
})

t.test('invalid bytes after a UTF-8 BOM are reported, whatever else the file holds', async (t) => {
  // BOM, "a;b\n", then windows-1252 "é\n".
  t.same(detectEncoding(hex('EFBBBF 613B620A E90A')), {
    encoding: 'utf-8', bom: true, bomLength: 3, binary: false,
    invalid: { encoding: 'utf-8', byteOffset: 7, line: 2, validMultibyte: 0 }
  })
})

t.test('UTF-8 in another script with a stray byte is invalid UTF-8', async (t) => {
  // Greek letters are not evidence on their own, but they outnumber the bad byte.
  const bytes = Buffer.concat([Buffer.from('Αθήνα;Θεσσαλονίκη\n'), hex('E90A')])
  t.match(detectEncoding(bytes), { encoding: 'utf-8', invalid: { line: 2 } })
})

t.test('windows-1252 capitals before non-breaking spaces stay windows-1252', async (t) => {
  // "RÉSERVÉ\u00a0: OUI;Café": É + NBSP (C9 A0) happens to be valid UTF-8 (U+0260), the
  // other accented letters are not. Such accidents are no evidence of UTF-8.
  const bytes = Buffer.from('RÉSERVÉ\u00a0: OUI;Café\n'.repeat(50), 'latin1')
  t.same(detectEncoding(bytes),
    { encoding: 'windows-1252', bom: false, bomLength: 0, binary: false })
})

t.test('binary data is reported as binary, not as invalid UTF-8', async (t) => {
  const bytes = Buffer.concat([hex('89504E470D0A1A0A'), utf8Lines, hex('E9')])
  const result = detectEncoding(bytes)
  t.equal(result.binary, true)
  t.equal(result.invalid, undefined)
})

t.test('flags well-known binary formats by their signature', async (t) => {
  const cases: Array<[string, string]> = [
    ['PNG', '89504E470D0A1A0A 0000000D49484452'],
    ['ZIP (xlsx)', '504B0304 14000600 0800'],
    ['PDF', '255044462D312E340A 2525'],
    ['XLS', 'D0CF11E0A1B11AE1 0000'],
    ['gzip', '1F8B0800 00000000']
  ]
  for (const [name, bytes] of cases) {
    const result = detectEncoding(hex(bytes))
    t.equal(result.binary, true, name)
    t.type(result.binaryReason, 'string', `${name} has a reason`)
  }
  t.match(detectEncoding(hex('504B0304 1400')).binaryReason, /ZIP/)
})

t.test('flags a file with more than 1 % NUL bytes as binary', async (t) => {
  const bytes = Buffer.from('a;b\n'.repeat(100))
  for (const i of [10, 53, 120, 213, 310, 399]) bytes[i] = 0
  t.match(detectEncoding(bytes), { binary: true, binaryReason: /NUL/ })
})

t.test('tolerates a stray NUL in a large text file', async (t) => {
  const bytes = Buffer.from('nom;valeur\n'.repeat(1000))
  bytes[5000] = 0
  t.equal(detectEncoding(bytes).binary, false)
})

t.test('flags NUL bytes among control characters in the first kilobyte', async (t) => {
  // A 2 kB "record" file: NUL and other control bytes early, then plain text.
  const head = hex('00 01 02 03 04 05 06 07 08 0B 0E 0F 10 11 12 13 41 42 43 0A')
  const bytes = Buffer.concat([head, Buffer.from('x'.repeat(5000))])
  t.equal(detectEncoding(bytes).binary, true)
})

t.test('flags random-looking data full of control characters as binary', async (t) => {
  const bytes = Buffer.alloc(4096)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251 + 1
  t.equal(detectEncoding(bytes).binary, true)
})

t.test('tab, form feed, CR and LF are not control noise', async (t) => {
  t.equal(detectEncoding(Buffer.from('a\tb\f\r\n'.repeat(500))).binary, false)
})

t.test('recognises UTF-16 without a BOM by its NUL bytes', async (t) => {
  const text = 'Numéro;Libellé\r\n1;Équipement\r\n'.repeat(20)
  const le = Buffer.from(text, 'utf16le')
  const be = Buffer.from(le).swap16()
  t.same(detectEncoding(le), { encoding: 'utf-16le', bom: false, bomLength: 0, binary: false })
  t.same(detectEncoding(be), { encoding: 'utf-16be', bom: false, bomLength: 0, binary: false })
})

t.test('refuses updates after finish', async (t) => {
  const detector = new EncodingDetector()
  detector.finish()
  t.throws(() => detector.update(Buffer.from('a')))
})
