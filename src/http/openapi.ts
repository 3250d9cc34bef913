import type { SwaggerOptions } from '@fastify/swagger'

import type { Config } from '../config.js'
import { whereParameter } from '../records/filters.js'

export function openapiOptions(config: Config): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ouverture',
        version: '1',
        description:
          'Open-data publication API: catalogue, uploads, rows and DCAT. Reads of ' +
          'published data are anonymous; everything else needs a bearer token.'
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
        }
      },
      tags: [
        { name: 'datasets', description: 'The catalogue of datasets.' },
        { name: 'resources', description: 'Files of a dataset, their data and rows.' },
        { name: 'tokens', description: 'API credentials.' },
        { name: 'dcat', description: 'DCAT-AP metadata for harvesters.' }
      ]
    },
    // Shared schemas keep their own names in components, not def-0, def-1…
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    // Query parameters that a JSON Schema cannot name (`where[col][op]`) are
    // described by the routes that take them, as OpenAPI deepObject parameters.
    transformObject: (documentObject) => {
      const document = 'openapiObject' in documentObject ? documentObject.openapiObject : {}
      const records = document.paths?.['/api/v1/resources/{id}/records']?.get
      records?.parameters?.push(whereParameter)
      return document
    },
    // Routes that need a role are marked as secured in the document.
    transform: ({ schema, url, route }) => {
      const role = (route.config as { role?: string } | undefined)?.role
      if (role === undefined || schema === undefined) return { schema, url }
      return { schema: { ...schema, security: [{ bearer: [] }] }, url }
    }
  }
}
