import { parentPort } from 'node:worker_threads'

import type { ParseReply, ParseRequest, WireOutput } from './parse-protocol.js'
import { toFailure } from './parse-protocol.js'
import { type ParseOutput, TableParser } from './table-parser.js'

// The worker side of parse-thread.ts: the loads given to this thread, each
// parsed chunk by chunk into COPY text.

const parsers = new Map<number, TableParser>()
const encoder = new TextEncoder()

function reply(message: ParseReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer)
}

// The COPY text as bytes in a buffer of its own, which can be moved.
function wire(output: ParseOutput): { output: WireOutput; transfer: ArrayBuffer[] } {
  const copy = output.copy === '' ? null : encoder.encode(output.copy)
  const wired: WireOutput = { copy, rows: output.rows, more: output.more }
  if (output.create !== undefined) wired.create = output.create
  return { output: wired, transfer: copy === null ? [] : [copy.buffer] }
}

function handle(message: ParseRequest): void {
  const { id } = message
  if ('open' in message) {
    parsers.set(id, new TableParser(message.open))
    return
  }
  if ('drop' in message) {
    parsers.delete(id)
    return
  }

  // A load that failed (or was dropped) ignores what was sent after.
  const parser = parsers.get(id)
  if (parser === undefined) return

  let given: ArrayBuffer | undefined
  let parsed: ParseOutput
  if ('chunk' in message) {
    const { chunk } = message
    given = chunk.buffer
    parsed = parser.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  } else {
    parsed = 'end' in message ? parser.end() : parser.resume()
  }

  const { output, transfer } = wire(parsed)
  if (parser.done) {
    parsers.delete(id)
    reply({ id, output, summary: parser.summary() }, transfer)
  } else if (given === undefined) {
    reply({ id, output }, transfer)
  } else {
    // The chunk's buffer goes back to be used again.
    reply({ id, output, buffer: given }, [...transfer, given])
  }
}

parentPort?.on('message', (message: ParseRequest) => {
  try {
    handle(message)
  } catch (error) {
    parsers.delete(message.id)
    reply({ id: message.id, failure: toFailure(error) })
  }
})
