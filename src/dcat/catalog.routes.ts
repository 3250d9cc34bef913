import { Readable } from 'node:stream'

import type { SchemaTypes } from '../http/type-provider.js'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'

import type { CatalogueOptions } from '../catalogue/dataset.routes.js'
import type { Db } from '../db/database.js'
import { AppError, notFound } from '../http/errors.js'
import { idParams, problems } from '../http/schemas.js'
import {
  countPublished,
  distributionsOf,
  findOrganization,
  mainOrganization,
  publishedDatasets
} from './catalog.queries.js'
import { agentNode, CONTEXT, datasetNode, type Iris, organizationIri } from './jsonld.js'

const JSONLD = 'application/ld+json; charset=utf-8'
// Datasets are read and written this many at a time, so a page of any size is
// streamed in bounded memory.
const BATCH = 50

const catalogQuery = {
  type: 'object',
  properties: {
    page: { type: 'integer', minimum: 1, default: 1 },
    page_size: { type: 'integer', minimum: 1, maximum: 500 }
  },
  additionalProperties: false
} as const

export default async function dcatRoutes(app: FastifyInstance, opts: CatalogueOptions) {
  const api = app.withTypeProvider<SchemaTypes>()
  const { db, config } = opts

  // The publisher's IRI in the catalogue resolves: a harvester that follows it gets
  // the organization as a foaf:Agent.
  api.get('/organizations/:id', {
    config: { anonymous: true },
    schema: {
      summary: 'A publisher of the catalogue (JSON-LD)',
      tags: ['dcat'],
      params: idParams,
      produces: ['application/ld+json'],
      response: { 200: { type: 'object', additionalProperties: true }, ...problems(400, 404) }
    }
  }, async (request, reply) => {
    const organization = await findOrganization(db, request.params.id)
    if (organization === undefined) throw notFound('Organization')
    const iris: Iris = { base: config.publicUrl, catalog: `${config.publicUrl}/catalog` }
    const node = agentNode(iris, organization.id, organization.name)
    return reply.type(JSONLD).send({ '@context': CONTEXT, ...node })
  })

  for (const url of ['/catalog', '/catalog.jsonld']) {
    api.get(url, {
      config: { anonymous: true },
      schema: {
        summary: 'DCAT-AP catalogue of the published datasets (JSON-LD)',
        description:
          'Paged with Hydra (`hydra:view`, `hydra:next`). Only published datasets appear; ' +
          'no token is needed and none changes the answer.',
        tags: ['dcat'],
        querystring: catalogQuery,
        produces: ['application/ld+json'],
        response: { 200: { type: 'object', additionalProperties: true }, ...problems(400, 404) }
      }
    }, async (request, reply) => {
      const pageSize = request.query.page_size ?? config.CATALOG_PAGE_SIZE
      const page = request.query.page
      const total = await countPublished(db)
      const lastPage = Math.max(1, Math.ceil(total / pageSize))
      if (page > lastPage) {
        throw new AppError('NOT_FOUND', `The catalogue has ${lastPage} page(s).`)
      }

      const iris: Iris = { base: config.publicUrl, catalog: `${config.publicUrl}/catalog` }
      const pageUrl = (n: number) => `${config.publicUrl}${url}?page=${n}&page_size=${pageSize}`
      const stream = Readable.from(
        loggingFailure(catalogJsonLd(db, iris, { page, pageSize, total, lastPage, pageUrl }),
          request.log),
        { objectMode: false }
      )
      return reply.type(JSONLD).send(stream)
    })
  }
}

interface Paging {
  page: number
  pageSize: number
  total: number
  lastPage: number
  pageUrl: (n: number) => string
}

// Once the first bytes are sent, a failure can only cut the answer short (the
// harvester sees a broken transfer): it must at least be in the log, with its cause.
async function* loggingFailure(
  source: AsyncGenerator<string>,
  log: FastifyBaseLogger
): AsyncGenerator<string> {
  try {
    yield* source
  } catch (error) {
    log.error({ err: error }, 'the catalogue failed while it was sent: the answer is cut off')
    throw error
  }
}

// The graph is written node by node: datasets first, batch by batch, then the
// catalogue node, which lists the datasets of the page by IRI.
async function* catalogJsonLd(db: Db, iris: Iris, p: Paging): AsyncGenerator<string> {
  yield `{"@context":${JSON.stringify(CONTEXT)},"@graph":[`
  let written = 0
  const item = (node: object) => (written++ === 0 ? '' : ',') + JSON.stringify(node)

  const publishers = new Map<string, string>()
  const datasetIris: string[] = []
  const first = (p.page - 1) * p.pageSize
  for (let offset = 0; offset < p.pageSize; offset += BATCH) {
    const limit = Math.min(BATCH, p.pageSize - offset)
    const datasets = await publishedDatasets(db, first + offset, limit)
    const distributions = await distributionsOf(db, datasets.map((d) => d.id))

    for (const d of datasets) {
      const node = datasetNode(iris, d, distributions.filter((x) => x.dataset_id === d.id))
      yield item(node)
      datasetIris.push(node['@id'])
      publishers.set(d.organization_id, d.organization_name)
    }
    if (datasets.length < limit) break
  }

  const main = await mainOrganization(db)
  if (main !== undefined) publishers.set(main.id, main.name)
  for (const [id, name] of publishers) yield item(agentNode(iris, id, name))

  yield item(catalogNode(iris, p, datasetIris, main)) + ']}'
}

function catalogNode(
  iris: Iris,
  p: Paging,
  datasets: string[],
  main: { id: string; name: string } | undefined
) {
  const name = main?.name ?? 'Ouverture'
  const view = {
    '@id': p.pageUrl(p.page),
    '@type': ['hydra:PartialCollectionView', 'hydra:PagedCollection'],
    'hydra:first': { '@id': p.pageUrl(1) },
    'hydra:last': { '@id': p.pageUrl(p.lastPage) },
    'hydra:itemsPerPage': p.pageSize,
    ...(p.page > 1 ? { 'hydra:previous': { '@id': p.pageUrl(p.page - 1) } } : {}),
    ...(p.page < p.lastPage ? { 'hydra:next': { '@id': p.pageUrl(p.page + 1) } } : {})
  }

  return {
    '@id': iris.catalog,
    '@type': ['dcat:Catalog', 'hydra:Collection'],
    'dct:title': { '@value': `Données ouvertes — ${name}`, '@language': 'fr' },
    'dct:description': {
      '@value': `Catalogue des jeux de données publiés par ${name}.`,
      '@language': 'fr'
    },
    ...(main === undefined ? {} : { 'dct:publisher': { '@id': organizationIri(iris, main.id) } }),
    'dct:language': { '@id': 'http://publications.europa.eu/resource/authority/language/FRA' },
    'foaf:homepage': { '@id': iris.base },
    'hydra:totalItems': p.total,
    'hydra:view': view,
    'dcat:dataset': datasets.map((id) => ({ '@id': id }))
  }
}
