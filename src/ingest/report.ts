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

export class WarningLog {
  readonly items: Warning[] = []
  readonly counts: Record<string, number> = {}

  add(warning: Warning): void {
    this.counts[warning.code] = (this.counts[warning.code] ?? 0) + 1
    if (this.items.length < MAX_WARNINGS) this.items.push(warning)
  }

  get truncated(): boolean {
    const total = Object.values(this.counts).reduce((a, b) => a + b, 0)
    return total > this.items.length
  }
}
