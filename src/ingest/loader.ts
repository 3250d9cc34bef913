import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'

import type pg from 'pg'

import { AppError } from '../http/errors.js'
import { copyField } from './copy-text.js'
import { type Dialect, isBlankRecord, sameAsHeader } from './dialect.js'
import { readRecords } from './csv-reader.js'
import type { EncodingResult } from './encoding.js'
import type { FileStore } from './file-store.js'
import { type ColumnName, columnNames } from './headers.js'
import { physicalColumn } from './identifiers.js'
import { normaliseCell } from './infer.js'
import { copyRows, createTextTable } from './ingest-table.queries.js'
import { ColumnProfile } from './profile.js'
import { WarningLog } from './report.js'

export interface Limits {
  maxColumns: number
  maxCellBytes: number
  maxRecordChars: number
}

export interface ParsedTable {
  columns: Array<ColumnName & { physical: string; profile: ColumnProfile }>
  rowCount: number
  headerLine: number
  // The line where the last data row starts.
  lastLine: number
  skipped: { blank: number; repeatedHeader: number; preamble: number }
  warnings: WarningLog
}

// Rows go to COPY in batches of about this many characters: fewer, larger
// writes are much cheaper than one write per row.
const BATCH_CHARS = 1 << 16

export interface LoadInput {
  files: FileStore
  key: string
  table: string
  encoding: EncodingResult
  dialect: Dialect
  limits: Limits
  nullMarkers: string[]
  // Called as rows reach COPY, for progress reports.
  onRows: (rows: number) => void
}

// Streams the stored file through the decoder and the tokenizer into a new text
// table, inferring every column's type from every value on the way. Runs on
// `client` inside the caller's transaction.
export async function copyFileIntoTable(
  client: pg.PoolClient,
  input: LoadInput
): Promise<ParsedTable> {
  const { files, key, table, encoding, dialect, limits, nullMarkers } = input
  const source = readRecords(files, key, encoding, dialect, limits.maxRecordChars)
  const warnings = new WarningLog()
  const skipped = { blank: 0, repeatedHeader: 0, preamble: 0 }
  let header: string[] | null = null
  let columns: ParsedTable['columns'] = []
  let copy: Writable | null = null
  let batch = ''
  let rowCount = 0
  let headerLine = 0
  let lastLine = 0
  let previousEnd = 0

  try {
    for await (const { record, lines } of source.records) {
      const line = previousEnd + 1
      previousEnd = lines

      if (isBlankRecord(record)) {
        skipped.blank += 1
        continue
      }

      if (header === null && skipped.preamble < dialect.preamble) {
        skipped.preamble += 1
        warnings.add({ code: 'PREAMBLE_SKIPPED', message: 'Title line above the header.', line })
        continue
      }

      if (header === null) {
        header = dialect.header ? record : record.map((_, i) => `column_${i + 1}`)
        headerLine = dialect.header ? line : 0
        columns = buildColumns(header, limits, nullMarkers)
        await createTextTable(client, table, columns.map((c) => c.physical))
        copy = copyRows(client, table, columns.map((c) => c.physical))
        if (dialect.header) continue
      }

      if (sameAsHeader(record, header)) {
        skipped.repeatedHeader += 1
        warnings.add({ code: 'REPEATED_HEADER', message: 'Header line repeated; skipped.', line })
        continue
      }

      rowCount += 1
      lastLine = line
      batch += rowLine(rowCount, record, columns, line, limits, warnings)
      if (batch.length >= BATCH_CHARS && copy !== null) {
        await write(copy, batch)
        input.onRows(rowCount)
        batch = ''
      }
    }

    if (header === null || copy === null) {
      throw new AppError('CSV_NO_HEADER', 'The file holds no header row and no data.')
    }
    if (batch !== '') await write(copy, batch)
    input.onRows(rowCount)
    copy.end()
    await finished(copy)
  } catch (error) {
    // The connection is about to be dropped (see ingestUpload); a COPY still
    // open on it must not turn that into an unhandled stream error.
    if (copy !== null && !copy.writableFinished) {
      copy.on('error', () => undefined)
      copy.destroy()
    }
    source.destroy()
    throw error
  }

  return { columns, rowCount, headerLine, lastLine, skipped, warnings }
}

function buildColumns(header: string[], limits: Limits, nullMarkers: string[]) {
  if (header.length > limits.maxColumns) {
    throw new AppError(
      'CSV_TOO_MANY_COLUMNS',
      `The header has ${header.length} columns; at most ${limits.maxColumns} are accepted.`,
      { line: 1 }
    )
  }
  return columnNames(header).map((name, i) => ({
    ...name,
    physical: physicalColumn(i),
    profile: new ColumnProfile(name.label, nullMarkers)
  }))
}

// One COPY line for a record. Short rows are padded with nulls (and reported);
// long rows are accepted only when the extra fields are empty, as spreadsheets
// often add trailing separators.
function rowLine(
  row: number,
  record: string[],
  columns: ParsedTable['columns'],
  line: number,
  limits: Limits,
  warnings: WarningLog
): string {
  if (record.length > columns.length) {
    const extra = record.slice(columns.length).findIndex((v) => normaliseCell(v) !== '')
    if (extra >= 0) {
      const column = columns.length + extra + 1
      throw new AppError(
        'CSV_TOO_MANY_FIELDS',
        `Line ${line} has a value in field ${column}, but the header has ` +
          `${columns.length} columns.`,
        { line, column }
      )
    }
  } else if (record.length < columns.length) {
    warnings.add({
      code: 'SHORT_ROW',
      message: `${record.length} fields instead of ${columns.length}; padded with nulls.`,
      line
    })
  }

  let out = String(row)
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!
    const raw = record[i]
    if (raw === undefined) {
      out += '\t\\N'
      continue
    }
    const value = cellValue(raw, line, i, limits, warnings, column.name)
    column.profile.observe(value, line)
    out += '\t' + copyField(value === '' ? null : value)
  }
  return out + '\n'
}

function cellValue(
  raw: string,
  line: number,
  index: number,
  limits: Limits,
  warnings: WarningLog,
  name: string
): string {
  if (raw.length * 3 > limits.maxCellBytes && Buffer.byteLength(raw) > limits.maxCellBytes) {
    throw new AppError(
      'CSV_CELL_TOO_LARGE',
      `Line ${line}, field ${index + 1} is larger than ${limits.maxCellBytes} bytes.`,
      { line, column: index + 1 }
    )
  }

  let value = normaliseCell(raw)
  // PostgreSQL text cannot hold NUL; it is never meaningful in a CSV cell.
  if (value.includes('\0')) {
    value = value.replaceAll('\0', '')
    warnings.add({ code: 'NUL_REMOVED', message: 'NUL bytes removed.', line, column: name })
  }
  return value
}

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain')
}
