// An upload form carries its file and perhaps a few small fields (an HTML form's
// hidden token, a note), which the service never reads. They are bounded here so
// that a form's announced length tells whether its file can fit: a form too long
// for any acceptable one is refused before it is read, as a PUT is.
export const FORM_FIELDS = 16
const FIELD_BYTES = 64 * 1024
// What the multipart reader (@fastify/busboy) keeps of one part's headers: its
// default, which @fastify/multipart's options do not expose.
export const PART_HEADER_BYTES = 80 * 1024

// The multipart reader's limits: one file, up to one byte past the largest
// accepted (so that a larger one is seen as it streams, and refused), and the
// fields above. More fields or parts before the file make the form a 400; a
// longer field or header is cut, the rest of it read and dropped.
export function formLimits(maxUploadBytes: number) {
  return {
    files: 1,
    fileSize: maxUploadBytes + 1,
    fields: FORM_FIELDS,
    fieldSize: FIELD_BYTES,
    parts: FORM_FIELDS + 1
  }
}

// The longest body a form within those limits takes with a file of
// `maxUploadBytes`. Each part opens with a delimiter line (CRLF, `--`, the
// boundary, CRLF), then its headers and a blank line; the form ends with a last
// delimiter, `--` after the boundary. The boundary is a parameter of the
// Content-Type header, so no longer than it. A longer body can only hold a
// larger file, or bytes the reader would drop (the cut end of a field or header,
// text before the first part or after the last): refusing it loses nothing.
export function longestForm(maxUploadBytes: number, contentType: string): number {
  const delimiter = '\r\n--'.length + contentType.length + '\r\n'.length
  const part = delimiter + PART_HEADER_BYTES + '\r\n\r\n'.length
  const fields = FORM_FIELDS * (part + FIELD_BYTES)
  return fields + part + maxUploadBytes + delimiter + '--'.length
}
