import type { FromSchema } from 'json-schema-to-ts'

import { AppError } from '../http/errors.js'
import type { Delimiter, Dialect, Quote } from './dialect.js'
import { ENCODINGS, type EncodingResult } from './encoding.js'

// What an uploader may force when detection got a file wrong. Every setting is
// optional; what is not given is detected. The query parameters of the upload.
export const uploadQuery = {
  type: 'object',
  properties: {
    filename: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'Name to keep for the file (curl -T sends none).'
    },
    encoding: { type: 'string', enum: ENCODINGS, description: 'Force the encoding.' },
    delimiter: {
      type: 'string',
      enum: [',', ';', '|', 'tab', 'comma', 'semicolon', 'pipe'],
      description: 'Force the separator.'
    },
    quote: { type: 'string', enum: ['"', "'", 'none'], description: 'Force the quote.' },
    header: {
      type: 'boolean',
      description: 'Whether the first line (after title lines) is a header.'
    },
    skip: {
      type: 'integer',
      minimum: 0,
      maximum: 100,
      description: 'How many title lines (not counting blank ones) come before the header.'
    },
    decimal: {
      type: 'string',
      enum: ['.', ','],
      description: 'Force the decimal mark: numbers written otherwise stay text.'
    },
    null: {
      type: 'string',
      maxLength: 1000,
      description: 'Comma-separated values that mean "no value" in typed columns ' +
        '(default NA,N/A,n/a,-,null,NULL); empty for none.'
    }
  },
  additionalProperties: false
} as const

export type UploadQuery = FromSchema<typeof uploadQuery>

export interface Forced {
  encoding?: EncodingResult['encoding']
  delimiter?: Delimiter
  quote?: Quote
  header?: boolean
  preamble?: number
  decimal?: '.' | ','
  nullMarkers?: string[]
}

const DELIMITERS: Record<string, Delimiter> = {
  ',': ',', ';': ';', '|': '|', tab: '\t', comma: ',', semicolon: ';', pipe: '|'
}

export function forcedSettings(query: UploadQuery): Forced {
  const forced: Forced = {}
  if (query.encoding !== undefined) forced.encoding = query.encoding
  if (query.delimiter !== undefined) forced.delimiter = DELIMITERS[query.delimiter]
  if (query.quote !== undefined) forced.quote = query.quote === 'none' ? null : query.quote
  if (query.header !== undefined) forced.header = query.header
  if (query.skip !== undefined) forced.preamble = query.skip
  if (query.decimal !== undefined) forced.decimal = query.decimal
  if (query.null !== undefined) {
    forced.nullMarkers = query.null === '' ? [] : query.null.split(',').map((m) => m.trim())
    if (forced.nullMarkers.some((m) => m === '')) {
      throw new AppError('VALIDATION_FAILED', 'A null marker cannot be empty: empty cells are ' +
        'always null.')
    }
  }
  return forced
}

// The detected encoding, unless the uploader said otherwise. A BOM found in the
// file is skipped whatever is forced: those bytes are never data, and read in
// another encoding they would end up in the first column's name (`ï»¿nom`).
export function applyEncoding(detected: EncodingResult, forced: Forced): EncodingResult {
  if (forced.encoding === undefined) return detected
  return {
    encoding: forced.encoding,
    bom: detected.bom,
    bomLength: detected.bomLength,
    binary: false
  }
}

// The sniffed dialect with the forced settings over it. Title lines found with
// another separator or quote mean nothing under different forced ones.
export function applyDialect(sniffed: Dialect, forced: Forced): Dialect {
  const reframed = (forced.delimiter !== undefined && forced.delimiter !== sniffed.delimiter) ||
    (forced.quote !== undefined && forced.quote !== sniffed.quote)
  const dialect: Dialect = {
    delimiter: forced.delimiter ?? sniffed.delimiter,
    quote: forced.quote !== undefined ? forced.quote : sniffed.quote,
    header: forced.header ?? sniffed.header,
    preamble: forced.preamble ?? (reframed ? 0 : sniffed.preamble)
  }
  const kept = !reframed && forced.quote === undefined
  if (kept && sniffed.strayQuote !== undefined) dialect.strayQuote = sniffed.strayQuote
  if (forced.quote !== undefined) dialect.quoteForced = true
  return dialect
}

// A forced encoding that does not fit the bytes can still decode without error
// (UTF-16 over 8-bit text turns every two bytes into one CJK character). A file
// of a French administration that reads as mostly CJK or replacement characters
// was decoded with the wrong encoding.
export function checkForcedDecoding(sample: string, encoding: string): void {
  let letters = 0
  let foreign = 0
  for (const char of sample.slice(0, 4096)) {
    const c = char.codePointAt(0) ?? 0
    if (c <= 0x20) continue
    letters++
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || c === 0xfffd ||
      (c >= 0xe000 && c <= 0xf8ff)) {
      foreign++
    }
  }
  if (letters > 0 && foreign * 3 > letters) {
    throw new AppError(
      'CSV_ENCODING_INVALID',
      `Decoded as ${encoding}, the file does not read as text: check the encoding you forced, ` +
        'or leave it out to have it detected.'
    )
  }
}
