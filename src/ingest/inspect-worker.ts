import { createHash, type Hash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'

import { EncodingDetector } from './encoding.js'

// The worker side of ByteInspector (inspector.ts): every byte of the uploads
// under way, hashed and given to their encoding detectors, off the thread that
// parses them.

export type InspectRequest =
  | { id: number; chunk: Uint8Array<ArrayBuffer> }
  | { id: number; finish: true }
  | { id: number; drop: true }

interface Upload {
  hash: Hash
  detector: EncodingDetector
}

const uploads = new Map<number, Upload>()

function upload(id: number): Upload {
  let found = uploads.get(id)
  if (found === undefined) {
    found = { hash: createHash('sha256'), detector: new EncodingDetector() }
    uploads.set(id, found)
  }
  return found
}

parentPort?.on('message', (message: InspectRequest) => {
  const { id } = message
  if ('chunk' in message) {
    const { chunk } = message
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const { hash, detector } = upload(id)
    hash.update(bytes)
    detector.update(bytes)
    // The buffer goes back to be used for another chunk.
    parentPort?.postMessage({ id, done: bytes.length, buffer: chunk.buffer }, [chunk.buffer])
    return
  }

  if ('finish' in message) {
    const { hash, detector } = upload(id)
    parentPort?.postMessage({ id, sha256: hash.digest('hex'), detected: detector.finish() })
  }
  uploads.delete(id)
})
