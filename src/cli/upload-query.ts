import { Ajv } from 'ajv'

import { AppError } from '../http/errors.js'
import { TEXT_AJV_OPTIONS, textValidator } from '../http/validation.js'
import { forcedSettings, uploadQuery } from '../ingest/upload-options.js'

// The upload's query parameters the pusher sends, checked here against the
// service's own declaration and with its own validator: a value refused here
// would be a 400 there, and one accepted here is accepted there.

export type QueryName = keyof typeof uploadQuery.properties

// What detection decides, forced by the options of the same names.
export const FORCED = [
  'encoding', 'delimiter', 'quote', 'header', 'skip', 'decimal', 'null'
] as const satisfies readonly QueryName[]

// One parameter's declaration, as far as the values it accepts go.
interface Accepted {
  type: string
  enum?: readonly string[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
}

// Compiled on first use: most pushes force nothing, and compiling takes longer
// than the rest of the pusher's start.
let checkQuery: ReturnType<typeof textValidator> | undefined

// The values a parameter accepts, in words. No value holds a space, so a list
// separated by spaces stays readable with values such as "," and "|".
export function acceptedValues(name: QueryName): string {
  const property: Accepted = uploadQuery.properties[name]
  if (property.enum !== undefined) return `one of: ${property.enum.join(' ')}`
  if (property.type === 'boolean') return 'true or false'
  const { minimum, maximum, minLength = 0, maxLength } = property
  if (property.type === 'integer') {
    return minimum === undefined || maximum === undefined ? 'a whole number'
      : `a whole number from ${minimum} to ${maximum}`
  }
  if (maxLength === undefined) return 'text'
  return minLength > 0 ? `text of ${minLength} to ${maxLength} characters`
    : `text of at most ${maxLength} characters`
}

// Why the service would refuse this value of a parameter, in one line naming
// the option; null when it would accept it.
export function queryMistake(name: QueryName, value: string): string | null {
  checkQuery ??= textValidator(new Ajv(TEXT_AJV_OPTIONS), uploadQuery)
  const query: Record<string, unknown> = { [name]: value }
  if (checkQuery(query) !== null) return `--${name} takes ${acceptedValues(name)} (got "${value}")`

  // Rules the declaration cannot state (an empty null marker) are checked
  // where the service reads the settings; the query was coerced just above.
  try {
    forcedSettings(query)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return `--${name}: ${lowerFirst(error.message.replace(/\.$/, ''))} (got "${value}")`
  }
  return null
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
