import type { FastifyTypeProvider } from 'fastify'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'

// Request parts (params, query, body) are typed from the same `as const` JSON
// Schemas that validate them. Responses are left untyped here: their schemas
// drive fast-json-stringify, which turns Dates into date-time strings and
// resolves shared $refs that the type-level conversion cannot follow.
export interface SchemaTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown
  serializer: unknown
}
