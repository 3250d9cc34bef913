// What a load tells the uploader: the dialect it detected, what it skipped or
// repaired and where, and per column the type chosen and why. Warnings are
// capped so that a file with a million odd rows gives a readable report.
export const MAX_WARNINGS = 100

export interface Warning {
  code: string
  message: string
  line?: number
  column?: string
}

// The log as plain data, as it travels from the parsing thread.
export interface Warnings {
  items: Warning[]
  counts: Record<string, number>
}

export class WarningLog implements Warnings {
  readonly items: Warning[]
  readonly counts: Record<string, number>

  constructor(from: Warnings = { items: [], counts: {} }) {
    this.items = from.items
    this.counts = from.counts
  }

  add(warning: Warning): void {
    this.counts[warning.code] = (this.counts[warning.code] ?? 0) + 1
    if (this.items.length < MAX_WARNINGS) this.items.push(warning)
  }

  // Warnings past those listed, counted only.
  addUnlisted(code: string, count: number): void {
    if (count > 0) this.counts[code] = (this.counts[code] ?? 0) + count
  }

  get truncated(): boolean {
    const total = Object.values(this.counts).reduce((a, b) => a + b, 0)
    return total > this.items.length
  }
}
