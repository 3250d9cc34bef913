// Decoding of single-byte code pages from a table of their upper half. Every byte maps to
// one BMP code point, so a chunk decodes on its own: no state is carried between chunks.
// The code units are written little-endian into a buffer that Node turns into a string
// natively, far faster than String.fromCharCode over millions of bytes.
export function decodeCodePage(bytes: Uint8Array, high: readonly number[]): string {
  const units = Buffer.allocUnsafe(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0
    const unit = b < 0x80 ? b : (high[b - 0x80] ?? 0xfffd)
    units[2 * i] = unit & 0xff
    units[2 * i + 1] = unit >> 8
  }
  return units.toString('utf16le')
}
