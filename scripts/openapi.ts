// `npm run openapi`: writes the OpenAPI document generated from the route
// schemas to openapi/openapi.json. A test fails when the committed file differs.
import { promises as fs } from 'node:fs'

import { openapiDocument, OPENAPI_FILE } from '../src/http/openapi-document.js'

await fs.writeFile(OPENAPI_FILE, JSON.stringify(await openapiDocument(), null, 2) + '\n')
process.stdout.write(`wrote ${OPENAPI_FILE}\n`)
