import type { QuoteKept } from './csv-tokenizer.js'

// Why quotes were kept as characters, as the report's QUOTES_KEPT warnings say it:
// - `sample`: detection found that reading quotes breaks the rows (dialect.ts);
// - `late`: detection read no quoting, and a field further down starts with a quote;
// - `unclosed`, `ditto`: the tokenizer met a stray quote (csv-tokenizer.ts).
export type QuotesKeptWhy = QuoteKept | 'sample' | 'late'

const MESSAGES: Record<QuotesKeptWhy, string> = {
  sample: 'Fields start with quotes here, but reading quotes breaks the rows (a quote ' +
    'that never closes is the usual cause): they are kept as characters in the values. ' +
    'Send the file again with ?quote=" (ouverture push: --quote \'"\') to have the ' +
    'broken field named.',
  late: 'A field starts with a quote here, but the file was read without quoting (its ' +
    'start has quotes that quote nothing): quotes are kept as characters. Send the file ' +
    'again with ?quote=" if its fields are quoted.',
  unclosed: 'A quote opens a field here and never closes, and no field of the file is ' +
    'quoted: it is kept as a character in the value.',
  ditto: 'Quotes around separators only (ditto marks side by side) are kept as ' +
    'characters on this line, not read as a quoted field.'
}

export function quotesKept(why: QuotesKeptWhy, line: number) {
  return { code: 'QUOTES_KEPT', message: MESSAGES[why], line }
}
