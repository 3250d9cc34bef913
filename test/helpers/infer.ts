import { ColumnInferrer, type ColumnStats } from '../../src/ingest/infer.js'

// Observes the values as lines 2, 3, 4… (line 1 being the header).
export function infer(values: string[], nullMarkers?: string[]): ColumnStats {
  const inferrer = new ColumnInferrer(nullMarkers ? { nullMarkers } : {})
  values.forEach((value, i) => inferrer.observe(value, i + 2))
  return inferrer.result()
}

export const formatOf = (values: string[]) => infer(values).format
