// What the uploader shows while a file travels. On a terminal, one line redrawn
// in place; anywhere else (cron, CI logs) nothing for a short upload and a plain
// line now and then for a long one, so logs keep only what someone would read.

export interface ProgressStream {
  write: (text: string) => unknown
  isTTY?: boolean
  columns?: number
}

export interface ProgressOptions {
  now?: () => number
  // A terminal is redrawn at most this often: more is flicker and wasted writes.
  redrawMs?: number
  // Outside a terminal, one plain line at most this often.
  plainEveryMs?: number
}

const CLEAR_LINE = '\r\x1b[K'

export class UploadProgress {
  readonly #out: ProgressStream
  readonly #total: number
  readonly #now: () => number
  readonly #redrawMs: number
  readonly #plainEveryMs: number
  readonly #started: number
  readonly #timer: NodeJS.Timeout
  #sent = 0
  #lastDraw = -Infinity
  #lastPlain: number
  #plainLines = 0
  #bodySentAt: number | null = null
  #stopped = false

  constructor(out: ProgressStream, total: number, options: ProgressOptions = {}) {
    this.#out = out
    this.#total = total
    this.#now = options.now ?? Date.now
    this.#redrawMs = options.redrawMs ?? 100
    this.#plainEveryMs = options.plainEveryMs ?? 30_000
    this.#started = this.#now()
    this.#lastPlain = this.#started

    // Keeps rate and ETA honest when the network stalls and no bytes arrive, and
    // counts the seconds of the load. Unref'd: it never holds the process open.
    this.#timer = setInterval(() => this.tick(), 1000)
    this.#timer.unref()
  }

  get isTTY(): boolean {
    return this.#out.isTTY === true
  }

  add(bytes: number): void {
    this.#sent += bytes
    this.tick()
  }

  tick(): void {
    if (this.#stopped) return
    const now = this.#now()
    if (this.isTTY) {
      if (now - this.#lastDraw < this.#redrawMs) return
      this.#lastDraw = now
      this.#out.write(CLEAR_LINE + this.#terminalLine(now))
    } else if (this.#bodySentAt === null && now - this.#lastPlain >= this.#plainEveryMs) {
      this.#lastPlain = now
      this.#plainLines++
      this.#out.write(this.#plainLine(now) + '\n')
    }
  }

  // The body has left: say so for good, then wait for the server's load.
  bodySent(): void {
    if (this.#stopped || this.#bodySentAt !== null) return
    const now = this.#now()
    this.#bodySentAt = now
    const seconds = (now - this.#started) / 1000
    const summary = `sent ${formatBytes(this.#sent)} in ${formatDuration(seconds)}` +
      ` (${formatBytes(this.#sent / Math.max(seconds, 0.001))}/s)`
    if (this.isTTY) {
      this.#out.write(`${CLEAR_LINE}${summary}\n`)
      this.#lastDraw = now
      this.#out.write(this.#terminalLine(now))
    } else if (this.#plainLines > 0) {
      // Only a long upload gets here: its log already tells the story so far.
      this.#out.write(`${summary}; loading\n`)
    }
  }

  // The answer came: leave the terminal with the cursor at the start of a line.
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    clearInterval(this.#timer)
    if (this.isTTY) this.#out.write(CLEAR_LINE)
  }

  #terminalLine(now: number): string {
    if (this.#bodySentAt !== null) {
      return `loading… ${formatDuration((now - this.#bodySentAt) / 1000)}`
    }
    const seconds = (now - this.#started) / 1000
    const rate = seconds > 0 ? this.#sent / seconds : 0
    const left = rate > 0 ? (this.#total - this.#sent) / rate : Infinity
    const text = ` ${formatBytes(this.#sent)} / ${formatBytes(this.#total)}` +
      `  ${this.#percent()} %  ${formatBytes(rate)}/s  ETA ${formatDuration(left)}`
    // A line that wraps cannot be redrawn in place: a narrow terminal loses the bar.
    const columns = this.#out.columns ?? 80
    if (columns < text.length + 13) return text.trim().slice(0, columns - 1)
    const width = Math.min(40, columns - text.length - 3)
    const filled = this.#total > 0 ? Math.round((width * this.#sent) / this.#total) : width
    return `[${'='.repeat(filled)}${' '.repeat(width - filled)}]${text}`
  }

  #plainLine(now: number): string {
    const seconds = (now - this.#started) / 1000
    return `sent ${formatBytes(this.#sent)} of ${formatBytes(this.#total)}` +
      ` (${this.#percent()} %) in ${formatDuration(seconds)}`
  }

  #percent(): number {
    return this.#total > 0 ? Math.floor((100 * this.#sent) / this.#total) : 100
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--'
  if (seconds < 10) return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const secs = String(whole % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`
}
