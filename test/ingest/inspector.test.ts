import { createHash } from 'node:crypto'

import t from 'tap'

import { detectEncoding } from '../../src/ingest/encoding.js'
import { ByteInspector } from '../../src/ingest/inspector.js'

// The hash and encoding of an upload are worked out on a worker thread: they
// must be what the same code gives on the calling thread.
t.test('the worker hashes and detects as the calling thread would', async (t) => {
  const latin = Buffer.concat([Buffer.from('nom;ville\nA;Cr'), Buffer.from([0xe9, 0x74]),
    Buffer.from('eil\n')])
  const utf8 = Buffer.from('nom;ville\nÉlodie;Sète\n'.repeat(50_000))

  for (const bytes of [latin, utf8]) {
    const inspector = new ByteInspector()
    // In pieces, as a socket delivers them; the worker may ask to wait.
    for (let i = 0; i < bytes.length; i += 1000) {
      await inspector.update(bytes.subarray(i, i + 1000))
    }
    const inspected = await inspector.finish()
    t.equal(inspected.sha256, createHash('sha256').update(bytes).digest('hex'))
    t.same(inspected.detected, detectEncoding(bytes))
  }
})

t.test('several uploads at once keep their own state, and a dropped one is gone',
  async (t) => {
    const a = new ByteInspector()
    const b = new ByteInspector()
    const dropped = new ByteInspector()
    a.update(Buffer.from('a\n1\n'))
    b.update(Buffer.from([0xef, 0xbb, 0xbf, 0x62, 0x0a]))
    dropped.update(Buffer.from('x'))
    dropped.drop()
    const [ra, rb] = await Promise.all([a.finish(), b.finish()])
    t.equal(ra.detected.bom, false)
    t.equal(rb.detected.bom, true)
    t.equal(rb.sha256, createHash('sha256').update(Buffer.from([0xef, 0xbb, 0xbf, 0x62, 0x0a]))
      .digest('hex'))
  })

t.test('a worker far behind holds the upload back', async (t) => {
  const inspector = new ByteInspector()
  const chunk = Buffer.alloc(1 << 20, 0x61)
  let held = false
  for (let i = 0; i < 20; i++) {
    const waiting = inspector.update(chunk)
    if (waiting !== undefined) {
      held = true
      await waiting
    }
  }
  t.ok(held, 'at least one update had to wait')
  t.equal((await inspector.finish()).sha256,
    createHash('sha256').update(Buffer.alloc(20 << 20, 0x61)).digest('hex'))
})
