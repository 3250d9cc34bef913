import { ColumnInferrer } from './infer.js'

// How well a reading of a sample splits its values, for the dialect detection
// (dialect.ts): a wrong split leaves text (`Jean;12`, `"43`) where the right one leaves
// numbers and dates.

// More such columns under the first record of `a` than of `b`, or as many out of fewer.
export function moreTyped(a: string[][], b: string[][]): boolean {
  const [typedA, typedB] = [typedColumns(a), typedColumns(b)]
  if (typedA !== typedB) return typedA > typedB
  const width = (records: string[][]) => Math.max(1, records[0]?.length ?? 1)
  return typedA / width(a) > typedB / width(b)
}

// Columns under the first record whose values are all numbers, or all dates.
export function typedColumns(records: string[][]): number {
  const [first, ...rows] = records
  if (first === undefined || rows.length === 0) return 0
  let typed = 0
  for (let column = 0; column < first.length; column++) {
    const inferrer = new ColumnInferrer()
    rows.forEach((record, i) => inferrer.observe(record[column] ?? '', i + 2))
    const { type } = inferrer.result().format
    if (type !== 'text' && type !== 'boolean') typed++
  }
  return typed
}
