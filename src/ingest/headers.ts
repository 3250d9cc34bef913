export interface ColumnName {
  // The header as the publisher wrote it, cleaned of padding, BOM and line breaks.
  label: string
  // The API name: lowercase ASCII snake_case, unique, at most 63 bytes.
  name: string
}

// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); names are ASCII here,
// so characters are bytes.
const MAX_NAME = 63

// PostgreSQL refuses these as column names (system columns). Names starting with `_` are
// the API's own (`_row`); generated names never start with `_`, as they are trimmed.
const RESERVED = new Set(['_row', 'ctid', 'oid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid'])

// Letters that are not "letter + accent" in Unicode, so NFD does not fold them.
const LIGATURES: Readonly<Record<string, string>> = {
  œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i'
}

// The BOM is also stripped by the decoder; a file re-saved twice can still hold one. NUL,
// which broken exports leave behind, cannot be stored in PostgreSQL text and is never
// meant: the loader drops it from cells too.
export function cleanLabel(header: string): string {
  return header.replace(/[\uFEFF\0]/g, '').replace(/\s+/g, ' ').trim()
}

function baseName(label: string): string {
  const folded = label
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[œæßøđðłþı]/g, (letter) => LIGATURES[letter] ?? '_')

  const snake = folded.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  const name = /^[0-9]/.test(snake) ? `c_${snake}` : snake
  return truncate(name, MAX_NAME)
}

function truncate(name: string, length: number): string {
  return name.length <= length ? name : name.slice(0, length).replace(/_+$/, '')
}

function withSuffix(base: string, n: number): string {
  const suffix = `_${n}`
  return truncate(base, MAX_NAME - suffix.length) + suffix
}

// Names are deterministic: the first column with a given base name keeps it, later ones
// get `_2`, `_3`… skipping any name that another column takes as its own base, so
// `a, a, a_2` gives `a, a_3, a_2` rather than two `a_2`.
export function columnNames(headers: string[]): ColumnName[] {
  const labels = headers.map(cleanLabel)
  const bases = labels.map((label, i) => baseName(label) || `column_${i + 1}`)
  const claimed = new Set(bases)
  const taken = new Set<string>()

  const unique = (base: string): string => {
    if (!taken.has(base) && !RESERVED.has(base)) return base
    for (let n = 2; ; n++) {
      const name = withSuffix(base, n)
      if (!taken.has(name) && !claimed.has(name)) return name
    }
  }

  return labels.map((label, i) => {
    const name = unique(bases[i] ?? `column_${i + 1}`)
    taken.add(name)
    return { label, name }
  })
}
