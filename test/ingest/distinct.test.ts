import t from 'tap'

import { DistinctEstimator } from '../../src/ingest/distinct.js'

function estimate(count: number, valueOf: (i: number) => string): number {
  const estimator = new DistinctEstimator()
  for (let i = 0; i < count; i++) estimator.add(valueOf(i))
  return estimator.estimate()
}

const TOLERANCE = 0.05

const relativeError = (actual: number, expected: number): number =>
  Math.abs(actual - expected) / expected

t.test('no value counts zero', async (t) => {
  t.equal(new DistinctEstimator().estimate(), 0)
})

t.test('1 to 10 distinct values are counted exactly, repeats or not', async (t) => {
  for (let distinct = 1; distinct <= 10; distinct++) {
    t.equal(estimate(distinct * 37, (i) => `categorie ${i % distinct}`), distinct)
  }
})

t.test('up to 1,024 distinct values are counted exactly', async (t) => {
  t.equal(estimate(50_000, (i) => String(i % 1024)), 1024)
  t.equal(estimate(1000, (i) => `34${String(i).padStart(3, '0')}`), 1000)
})

t.test('values that differ by one character are distinct', async (t) => {
  t.equal(estimate(6, (i) => ['a', 'A', 'é', 'e\u0301', '', ' '][i] ?? ''), 6)
})

t.test('100,000 distinct values are estimated within 5 %', async (t) => {
  const makers = [(i: number) => `value-${i}`, String, (i: number) => `agent${i}@ville.fr`]
  for (const make of makers) {
    const count = estimate(100_000, make)
    t.ok(relativeError(count, 100_000) <= TOLERANCE, String(count))
  }
})

t.test('1,000,000 values of 1,000 distinct ones are estimated within 5 %', async (t) => {
  const count = estimate(1_000_000, (i) => `commune-${(i * 7919) % 1000}`)
  t.ok(relativeError(count, 1000) <= TOLERANCE, String(count))
})

t.test('1,000,000 values of 50,000 distinct ones are estimated within 5 %', async (t) => {
  const count = estimate(1_000_000, (i) => String((i * 7919) % 50_000))
  t.ok(relativeError(count, 50_000) <= TOLERANCE, String(count))
})

t.test('past the exact range, adding the same values again changes nothing', async (t) => {
  const estimator = new DistinctEstimator()
  for (let i = 0; i < 20_000; i++) estimator.add(`v${i}`)
  const once = estimator.estimate()
  for (let i = 19_999; i >= 0; i--) estimator.add(`v${i}`)
  t.equal(estimator.estimate(), once)
})
