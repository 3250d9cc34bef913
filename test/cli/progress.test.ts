import t from 'tap'

import { formatBytes, formatDuration, UploadProgress } from '../../src/cli/progress.js'

const CLEAR_LINE = '\r\x1b[K'

function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  return { writes, stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) } }
}

t.test('on a terminal, redraws one line at most every 100 ms, then says it is loading',
  async (t) => {
    let now = 0
    const { writes, stream } = fakeStream(true)
    const progress = new UploadProgress(stream, 10_000_000, { now: () => now })

    progress.add(1_000_000)
    now = 50
    progress.add(1_000_000)
    t.equal(writes.length, 1, 'a second chunk within 100 ms draws nothing')

    now = 1000
    progress.add(3_000_000)
    const line = writes.at(-1) ?? ''
    t.ok(line.startsWith(CLEAR_LINE), 'each redraw starts by clearing the line')
    t.match(line.slice(CLEAR_LINE.length),
      /^\[=+ +\] 5\.0 MB \/ 10\.0 MB {2}50 % {2}5\.0 MB\/s {2}ETA 1\.0 s$/)

    now = 2000
    progress.add(5_000_000)
    progress.bodySent()
    t.match(writes.join(''), /sent 10\.0 MB in 2\.0 s \(5\.0 MB\/s\)\nloading… 0\.0 s$/)

    progress.stop()
    t.equal(writes.at(-1), CLEAR_LINE, 'the line is cleared before the report')
  })

t.test('outside a terminal, a short upload prints nothing', async (t) => {
  let now = 0
  const { writes, stream } = fakeStream(false)
  const progress = new UploadProgress(stream, 1000, { now: () => now })
  progress.add(1000)
  now = 5000
  progress.bodySent()
  progress.stop()
  t.same(writes, [])
})

t.test('outside a terminal, a long upload prints a plain line now and then', async (t) => {
  let now = 0
  const { writes, stream } = fakeStream(false)
  const progress = new UploadProgress(stream, 4_000_000_000, { now: () => now })
  for (let second = 1; second <= 80; second++) {
    now = second * 1000
    progress.add(50_000_000)
  }
  progress.bodySent()
  progress.stop()
  t.same(writes, [
    'sent 1.5 GB of 4.0 GB (37 %) in 0:30\n',
    'sent 3.0 GB of 4.0 GB (75 %) in 1:00\n',
    'sent 4.0 GB in 1:20 (50.0 MB/s); loading\n'
  ])
})

t.test('sizes and durations read as people write them', async (t) => {
  t.equal(formatBytes(999), '999 B')
  t.equal(formatBytes(1_234_567), '1.2 MB')
  t.equal(formatDuration(3.25), '3.3 s')
  t.equal(formatDuration(75), '1:15')
  t.equal(formatDuration(3725), '1:02:05')
  t.equal(formatDuration(Infinity), '--:--')
})
