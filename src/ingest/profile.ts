import { DistinctEstimator } from './distinct.js'
import { type ColumnStats, ColumnInferrer, type InferredFormat } from './infer.js'
import {
  headerHint, headerWords, PERSONAL_KINDS, type SemanticKind, SemanticInferrer
} from './semantics.js'
import { NullMarkers } from './values.js'

export interface ColumnProfileResult extends ColumnStats {
  kind: SemanticKind | null
  personal: boolean
  distinct: number
}

// Identifiers written with digits only are codes, not quantities: summing SIRETs
// or postal codes means nothing, and a code must come back as written.
const CODE_KINDS: ReadonlySet<SemanticKind> =
  new Set<SemanticKind>(['siren', 'siret', 'nir', 'iban', 'phone_fr'])
// Five-digit codes are told from amounts by their header only (`15000` may be
// either), so they become text only when the header names a code.
const FIVE_DIGIT_KINDS: ReadonlySet<SemanticKind> =
  new Set<SemanticKind>(['postal_code', 'insee_commune'])
// Words that name a quantity: `Montant CP` (crédits de paiement) or
// `population_commune` hold numbers, whatever else the header says.
const QUANTITY_WORDS: ReadonlySet<string> = new Set([
  'montant', 'montants', 'prix', 'total', 'somme', 'credit', 'credits', 'cout', 'nombre', 'nb',
  'population', 'effectif', 'effectifs', 'eur', 'euro', 'euros', 'valeur', 'quantite'
])

function namesACode(label: string): boolean {
  const hint = headerHint(label)
  if (hint !== 'postal' && hint !== 'insee') return false
  return !headerWords(label).some((word) => QUANTITY_WORDS.has(word))
}

// Everything learnt about one column in the single pass over the file: its type
// (from every value), what it means, and how many distinct values it has.
export class ColumnProfile {
  private readonly inferrer: ColumnInferrer
  private readonly semantic: SemanticInferrer
  private readonly distinct = new DistinctEstimator()
  private readonly markers: NullMarkers

  constructor(private readonly label: string, nullMarkers: readonly string[]) {
    this.inferrer = new ColumnInferrer({ nullMarkers })
    this.semantic = new SemanticInferrer({ label })
    this.markers = new NullMarkers(nullMarkers)
  }

  // `value` is the normalised cell; '' is an empty cell.
  observe(value: string, line: number): void {
    this.inferrer.observe(value, line)
    if (value === '' || this.markers.has(value)) return
    if (this.inferrer.lastIsDateOrFlag) this.semantic.observeNoKind()
    else this.semantic.observe(value)
    this.distinct.add(value)
  }

  // The value observed last, canonical for `format` (see ColumnInferrer).
  lastCanonical(format: InferredFormat): string | undefined {
    return this.inferrer.lastCanonical(format)
  }

  result(): ColumnProfileResult {
    const stats = this.inferrer.result()
    const { kind } = this.semantic.result()
    const format = asCode(stats.format, kind, this.label)
    // Codes are text: their figures are the text's (`NA` is a value there).
    const figures = format === stats.format ? {} : stats.asText ?? {}
    return {
      ...stats,
      ...figures,
      format,
      kind,
      personal: kind !== null && PERSONAL_KINDS.has(kind),
      distinct: this.distinct.estimate()
    }
  }
}

function asCode(format: InferredFormat, kind: SemanticKind | null, label: string) {
  if (format.type !== 'integer' || kind === null) return format
  const code = CODE_KINDS.has(kind) || (FIVE_DIGIT_KINDS.has(kind) && namesACode(label))
  if (!code) return format
  const reason = `${kind.replace('_', ' ')} codes are identifiers, not numbers`
  const text: InferredFormat = { type: 'text', reason }
  return text
}
