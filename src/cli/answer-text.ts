// Turns the service's JSON answers into text for people: the revision report
// of a good upload, the problem of a refused one. The answers are read
// defensively: a field missing from an older or newer service prints as "?",
// never as a crash in the middle of a scheduled job.

type JsonObject = Record<string, unknown>

function object(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : {}
}

function list(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.map(object) : []
}

function text(value: unknown, fallback = '?'): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback
}

export function parseJson(body: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? object(value)
      : null
  } catch {
    return null
  }
}

// Lines of cells, each column as wide as its widest cell; the last is not padded.
function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
    return indent + cells.join('  ')
  })
}

const DELIMITER_SHOWN: Record<string, string> = { '\t': '\\t' }

export function revisionText(revision: JsonObject): string {
  const report = object(revision.report)
  const rows = text(revision.row_count ?? report.row_count)
  const served = revision.current === true ? ', now served' : ''
  const lines = [`${text(revision.file_name)}: ${rows} rows loaded` +
    ` (revision ${text(revision.id)}${served})`]

  const delimiter = text(report.delimiter)
  const bom = report.bom === true ? ' with BOM' : ''
  lines.push(...table([
    ['encoding', `${text(report.encoding)}${bom}`],
    ['delimiter', `${text(report.delimiter_name)} "${DELIMITER_SHOWN[delimiter] ?? delimiter}"`],
    ['header', `line ${text(report.header_line)}`]
  ]))

  const columns = list(revision.columns ?? report.columns)
  lines.push('', `${columns.length} columns`)
  const columnRows = columns.map((c) =>
    [text(c.name), text(c.type), text(c.kind ?? c.semantic_kind, '-'), text(c.label)])
  lines.push(...table([['name', 'type', 'kind', 'label'], ...columnRows]))

  // Why a column is text when its values almost made it a number or a date.
  const reasons = list(report.columns).flatMap((c) => {
    const reason = object(c.format).reason
    return typeof reason === 'string' ? [[text(c.name), reason]] : []
  })
  if (reasons.length > 0) lines.push('', 'read as text:', ...table(reasons))

  // Said plainly: someone must look before the dataset is published.
  const personal = object(report.personal_data)
  if (personal.may_contain === true) {
    const names = Array.isArray(personal.columns) ? personal.columns.map((c) => text(c)) : []
    lines.push('', `may contain personal data, in: ${names.join(', ')}`)
  }

  lines.push(...warningLines(report))
  return lines.join('\n') + '\n'
}

function warningLines(report: JsonObject): string[] {
  const warnings = list(report.warnings)
  if (warnings.length === 0) return ['', 'no warnings']

  // The service keeps the first warnings only; its counts cover them all.
  const counts = Object.values(object(report.warning_counts))
  const total = counts.reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0)
  const count = Math.max(total, warnings.length)
  const lines = ['', `${count} ${count === 1 ? 'warning' : 'warnings'}`]
  const rows = warnings.map((w) => {
    const where = w.line === undefined ? '' : `line ${text(w.line)}`
    const column = w.column === undefined ? '' : ` (column ${text(w.column)})`
    return [where, text(w.code), `${text(w.message, '')}${column}`]
  })
  lines.push(...table(rows))
  if (total > warnings.length) lines.push(`  … and ${total - warnings.length} more`)
  return lines
}

// `error CODE: detail (line L, column C)`, then what else helps someone fix it.
export function problemText(problem: JsonObject): string {
  const where = [
    problem.line === undefined ? null : `line ${text(problem.line)}`,
    problem.column === undefined ? null : `column ${text(problem.column)}`
  ].filter((part) => part !== null)
  const place = where.length > 0 ? ` (${where.join(', ')})` : ''
  const detail = text(problem.detail, text(problem.title, 'no detail given'))
  const lines = [`error ${text(problem.code, 'UNKNOWN')}: ${detail}${place}`]

  for (const error of list(problem.errors)) {
    lines.push(`  ${text(error.path, '')}: ${text(error.message, '')}`)
  }
  if (problem.request_id !== undefined) lines.push(`  request id: ${text(problem.request_id)}`)
  return lines.join('\n') + '\n'
}
