import { MAX_WARNINGS } from './report.js'

// The records a TableParser has read and not yet processed. Until the file ends, the
// last one that makes a row is held back, with the lines after it (see
// withoutLastRow). Lines that make no row, blank lines and repeated headers, are kept
// as runs, counted rather than one by one: an export's million empty `;;;` lines after
// its last row took a gigabyte, and a scan of each per chunk, as records.

export interface ReadRecord {
  record: string[]
  // The line the record ends on.
  lines: number
}

export interface SkippedRun {
  blank: number
  headers: number
  // The lines repeated headers start on, as many as the warnings list.
  headerLines: number[]
  // The line the run ends on.
  lines: number
}

export type Entry = ReadRecord | SkippedRun

// A blank line or a repeated header added to the run at the end of `entries`, or to a
// new one when the last entry is a record or was processed already (before `next`).
export function addSkipped(
  entries: Entry[],
  next: number,
  skipped: { header: boolean; start: number; lines: number }
): void {
  const last = entries.length - 1
  const previous = last >= next ? entries[last] : undefined
  let run: SkippedRun
  if (previous !== undefined && !('record' in previous)) {
    run = previous
  } else {
    run = { blank: 0, headers: 0, headerLines: [], lines: skipped.lines }
    entries.push(run)
  }

  run.lines = skipped.lines
  if (!skipped.header) {
    run.blank += 1
    return
  }
  run.headers += 1
  if (run.headerLines.length < MAX_WARNINGS) run.headerLines.push(skipped.start)
}
