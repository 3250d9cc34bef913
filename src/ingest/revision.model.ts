import type { FromSchema } from 'json-schema-to-ts'

// What a ready revision records about each of its columns, stored as JSON in
// revision.columns. `physical` is the generated SQL name (c1, c2…): user text
// never becomes an identifier.
export const storedColumnSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    label: { type: 'string' },
    physical: { type: 'string', pattern: '^c[0-9]+$' },
    type: { type: 'string', enum: ['integer', 'decimal', 'date', 'timestamp', 'boolean', 'text'] },
    // For timestamps: whether the values carried a UTC offset (timestamptz) or
    // were wall-clock times with no zone (timestamp), which we do not guess.
    zoned: { type: 'boolean' },
    // What the values are, when recognised: insee_commune, postal_code, siret…
    kind: { type: ['string', 'null'] }
  },
  required: ['name', 'label', 'physical', 'type'],
  additionalProperties: true
} as const

export type StoredColumn = FromSchema<typeof storedColumnSchema>
export type ColumnKind = StoredColumn['type']

const PHYSICAL = /^c[0-9]+$/
const KINDS: readonly string[] = storedColumnSchema.properties.type.enum

// revision.columns is written only by the loader, but it is read back from the
// database as `unknown`: check it rather than cast it.
export function readColumns(value: unknown): StoredColumn[] {
  if (!Array.isArray(value)) return []
  return value.filter((item: unknown): item is StoredColumn => {
    if (typeof item !== 'object' || item === null) return false
    const c = item as Record<string, unknown>
    return typeof c.name === 'string' && typeof c.label === 'string' &&
      typeof c.physical === 'string' && PHYSICAL.test(c.physical) &&
      typeof c.type === 'string' && KINDS.includes(c.type)
  })
}

export function reportField(report: unknown, key: string): string | null {
  if (typeof report !== 'object' || report === null) return null
  const value: unknown = (report as Record<string, unknown>)[key]
  return typeof value === 'string' ? value : null
}

// The columns as the API shows them: never the physical names.
export function columnViews(value: unknown) {
  return readColumns(value).map(({ name, label, type, kind }) => ({
    name,
    label,
    type,
    kind: kind ?? null
  }))
}
