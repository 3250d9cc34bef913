import { PassThrough, type Readable } from 'node:stream'

import type pg from 'pg'

import type { Copied } from './copy-with-types.js'
import type { Delimiter, Dialect } from './dialect.js'
import { detectEncoding, type EncodingResult } from './encoding.js'
import { LoadSlots } from './load-slots.js'
import { SAMPLE_BYTES, sniffBytes } from './sniff-file.js'
import {
  applyDialect, applyEncoding, checkForcedDecoding, type Forced
} from './upload-options.js'

// How a file is read: its encoding and dialect (forced settings applied), and
// the separator detection found, for the report.
export interface Settings {
  encoding: EncodingResult
  dialect: Dialect
  sniffedDelimiter: Delimiter
}

// A load under way on its own connection, in an open transaction.
export interface Loading {
  client: pg.PoolClient
  settings: Settings
  copied: Promise<Copied>
  // Gives the connection back (destroyed when `broken`, so PostgreSQL rolls
  // back whatever was under way).
  release: (broken: boolean) => void
  // Whether the connection went away under the load (server shut down,
  // restarted, backend killed).
  lost: () => boolean
}

export type BeginLoad = (
  settings: Settings,
  open: () => Readable | Promise<Readable>
) => Promise<Loading>

// At most this many uploads are parsed while they arrive: each holds a database
// connection, in an open transaction, until its last byte is in, however slow
// its sender. Others are loaded once stored, as small files are.
const MAX_EARLY = 2
const earlySlots = new LoadSlots(MAX_EARLY)

// Parsing an upload while it arrives, rather than once stored: once its first
// SAMPLE_BYTES are in, the encoding and dialect are decided from them, and the
// rows start flowing into PostgreSQL while the rest of the file is received.
// The encoding is only known for sure once every byte is seen: if the whole
// file disagrees with the first bytes (an é far down a file that began as
// plain ASCII), this load is dropped and the stored file loaded instead. The
// dialect is read from the same first bytes either way, so it cannot differ.
export class EarlyLoad {
  #state: 'collecting' | 'feeding' | 'off' = 'collecting'
  #head: Buffer[] = []
  #headBytes = 0
  #guess: EncodingResult | null = null
  #feed: PassThrough | null = null
  #loading: Loading | null = null
  #beginning: Promise<void> | null = null
  #holdsSlot = false
  // Settled when the whole upload is stored (or failed): a load that falls back
  // to reading the stored file waits for it.
  #stored: Promise<void>
  #storedDone: (error?: Error) => void = () => undefined

  constructor(
    private readonly begin: BeginLoad,
    private readonly forced: Forced,
    private readonly openStored: () => Readable
  ) {
    this.#stored = new Promise<void>((resolve, reject) => {
      this.#storedDone = (error) => (error === undefined ? resolve() : reject(error))
    })
    this.#stored.catch(() => undefined)
  }

  // Every chunk of the upload, in order. A promise holds the upload back while
  // the parser catches up.
  take(chunk: Buffer): Promise<void> | undefined {
    switch (this.#state) {
      case 'off':
        return undefined
      case 'feeding':
        return this.#write(chunk)
      case 'collecting':
        this.#head.push(chunk)
        this.#headBytes += chunk.length
        if (this.#headBytes <= SAMPLE_BYTES) return undefined
        this.#state = 'off'
        // Whatever goes wrong in starting early, the stored file is loaded later
        // and fails there if it must: the upload itself goes on.
        this.#beginning = this.#start(Buffer.concat(this.#head)).catch(() => this.#release())
        this.#head = []
        return this.#beginning
    }
  }

  // The upload is stored, and `final` is its encoding decided over every byte:
  // the load begun early if that confirms it, or null (the caller then loads
  // the stored file).
  async confirm(final: EncodingResult): Promise<Loading | null> {
    this.#storedDone()
    await this.#beginning
    this.#feed?.end()
    this.#release()
    const loading = this.#loading
    if (loading === null) return null

    const guess = this.#guess
    const confirmed = guess !== null && !final.binary && final.invalid === undefined &&
      final.encoding === guess.encoding && final.bomLength === guess.bomLength
    if (confirmed) return loading

    await loading.copied.catch(() => undefined)
    loading.release(true)
    return null
  }

  // The upload failed: whatever was begun is rolled back.
  async abandon(error: unknown): Promise<void> {
    this.#storedDone(error instanceof Error ? error : new Error('the upload failed'))
    this.#state = 'off'
    await this.#beginning
    this.#feed?.destroy()
    this.#release()
    const loading = this.#loading
    if (loading === null) return
    await loading.copied.catch(() => undefined)
    loading.release(true)
  }

  async #start(head: Buffer): Promise<void> {
    const settings = await this.#settings(head)
    if (settings === null || !earlySlots.tryTake()) return
    this.#holdsSlot = true

    const feed = new PassThrough()
    let opened = false
    const open = async (): Promise<Readable> => {
      if (!opened) {
        opened = true
        return feed
      }
      await this.#stored
      return this.openStored()
    }
    try {
      this.#loading = await this.begin(settings, open)
    } catch {
      // No connection now: the stored file is loaded later, and fails there.
      this.#release()
      return
    }

    // A parse that stops (a bad row, a missed type guess) no longer reads the
    // feed; the upload must not wait on it.
    this.#loading.copied.then(() => feed.destroy(), () => feed.destroy())
    this.#feed = feed
    this.#state = 'feeding'
    await this.#write(head)
  }

  // Detection over the first bytes, as the stored path does over the file.
  async #settings(head: Buffer): Promise<Settings | null> {
    // Whole lines only: a character cut in two is not invalid UTF-8.
    const lines = head.lastIndexOf(0x0a) + 1
    if (lines === 0) return null
    const guess = applyEncoding(detectEncoding(head.subarray(0, lines)), this.forced)
    if (guess.binary || guess.invalid !== undefined) return null

    const sniffed = await sniffBytes(head, guess, false)
    if (this.forced.encoding !== undefined) {
      try {
        checkForcedDecoding(sniffed.sample, this.forced.encoding)
      } catch {
        return null
      }
    }
    this.#guess = guess
    const dialect = applyDialect(sniffed.dialect, this.forced)
    return { encoding: guess, dialect, sniffedDelimiter: sniffed.dialect.delimiter }
  }

  #write(chunk: Buffer): Promise<void> | undefined {
    const feed = this.#feed
    if (feed === null || feed.destroyed || feed.write(chunk)) return undefined
    return new Promise((resolve) => {
      const go = () => {
        feed.off('drain', go)
        feed.off('close', go)
        resolve()
      }
      feed.on('drain', go)
      feed.on('close', go)
    })
  }

  #release(): void {
    if (!this.#holdsSlot) return
    this.#holdsSlot = false
    earlySlots.give()
  }
}
