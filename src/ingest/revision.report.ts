import type { Dialect } from './dialect.js'
import type { EncodingResult } from './encoding.js'
import type { ParsedTable } from './loader.js'
import type { ColumnOutcome } from './total-row.js'

const DELIMITER_NAMES: Record<string, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe'
}

// A text column's extremes are whole cells, which may be a megabyte each: the
// report shows their start, enough to recognise them.
const EXTREME_CHARS = 200

function extreme(value: string | undefined, type: string): string | null {
  if (value === undefined) return null
  if (type !== 'text' || value.length <= EXTREME_CHARS) return value
  // Not between the two halves of a surrogate pair.
  const high = value.charCodeAt(EXTREME_CHARS - 1)
  const end = high >= 0xd800 && high <= 0xdbff ? EXTREME_CHARS - 1 : EXTREME_CHARS
  return `${value.slice(0, end)}…`
}

export function buildReport(
  encoding: EncodingResult,
  dialect: Dialect,
  parsed: ParsedTable,
  outcomes: ColumnOutcome[],
  rowCount: number
) {
  const columns = parsed.columns.map((c, i) => {
    const outcome = outcomes[i]
    if (outcome === undefined) throw new Error('a column has no outcome')
    const { type, ...format } = outcome.format
    return {
      name: c.name,
      label: c.label,
      physical: c.physical,
      type,
      format,
      semantic_kind: outcome.kind,
      personal_data: outcome.personal,
      null_count: outcome.nullCount,
      distinct_estimate: outcome.distinct,
      min: extreme(outcome.min, type),
      max: extreme(outcome.max, type)
    }
  })
  const personal = columns.filter((c) => c.personal_data).map((c) => c.name)

  return {
    encoding: encoding.encoding,
    bom: encoding.bom,
    delimiter: dialect.delimiter,
    delimiter_name: DELIMITER_NAMES[dialect.delimiter] ?? dialect.delimiter,
    quote: dialect.quote,
    header: dialect.header,
    header_line: parsed.headerLine,
    row_count: rowCount,
    skipped_lines: {
      blank: parsed.skipped.blank,
      repeated_header: parsed.skipped.repeatedHeader,
      preamble: parsed.skipped.preamble
    },
    // CRPA L312-1-2: personal data is published only once made anonymous. This
    // flags the revision for the publisher; it does not block anything yet.
    personal_data: { may_contain: personal.length > 0, columns: personal },
    warnings: parsed.warnings.items,
    warning_counts: parsed.warnings.counts,
    warnings_truncated: parsed.warnings.truncated,
    columns
  }
}
