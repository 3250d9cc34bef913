import { AppError, type ErrorCode, type ProblemExtras } from '../http/errors.js'
import type { ParseSettings, ParseSummary, TableColumn } from './table-parser.js'
import { GuessMissed } from './typed-load.js'

// The messages between the main thread and a parse worker (parse-thread.ts,
// parse-worker.ts). Several loads may share a worker: each message names its
// load by `id`. The worker answers every chunk, resume and end with one reply,
// in order; a reply with `more` set is followed by nothing until a resume.

export type ParseRequest =
  | { id: number; open: ParseSettings }
  | { id: number; chunk: Uint8Array<ArrayBuffer> }
  | { id: number; resume: true }
  | { id: number; end: true }
  | { id: number; drop: true }

// ParseOutput (table-parser.ts), with the COPY text as UTF-8 bytes, moved
// rather than copied across.
export interface WireOutput {
  create?: TableColumn[]
  copy: Uint8Array<ArrayBuffer> | null
  rows: number
  more: boolean
}

export type ParseReply =
  // A chunk read; its buffer comes back to be used again.
  | { id: number; output: WireOutput; buffer: ArrayBuffer }
  // A resume answered.
  | { id: number; output: WireOutput }
  // The end: the last output, and what the whole file gave.
  | { id: number; output: WireOutput; summary: ParseSummary }
  | { id: number; failure: Failure }

// Errors cross threads as plain data (a structured clone keeps no class), and
// are rebuilt as what they were.
export type Failure =
  | { kind: 'problem'; code: ErrorCode; message: string; extras: ProblemExtras }
  | { kind: 'guess'; column: string; line: number; guessed: string }
  | { kind: 'other'; message: string; stack: string | undefined }

export function toFailure(error: unknown): Failure {
  if (error instanceof AppError) {
    return { kind: 'problem', code: error.code, message: error.message, extras: error.extras }
  }
  if (error instanceof GuessMissed) {
    const { column, line, guessed } = error
    return { kind: 'guess', column, line, guessed }
  }
  const failure = error instanceof Error ? error : new Error(String(error))
  return { kind: 'other', message: failure.message, stack: failure.stack }
}

export function fromFailure(failure: Failure): Error {
  switch (failure.kind) {
    case 'problem':
      return new AppError(failure.code, failure.message, failure.extras)
    case 'guess':
      return new GuessMissed(failure.column, failure.line, failure.guessed)
    case 'other': {
      const error = new Error(`parse worker: ${failure.message}`)
      if (failure.stack !== undefined) error.stack = failure.stack
      return error
    }
  }
}
