// PostgreSQL COPY text format: one line per row, tab between fields, \N for null,
// and backslash escapes for the four characters that would break the framing.
const SPECIAL = /[\\\n\r\t]/

export function copyField(value: string | null): string {
  if (value === null) return '\\N'
  if (!SPECIAL.test(value)) return value
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
}
