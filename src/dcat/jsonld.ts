import { LICENCES, type LicenceId } from '../catalogue/licences.js'
import type { CatalogDataset, CatalogDistribution } from './catalog.queries.js'

// The context is inline: a remote context URL makes harvesters depend on a
// third server being up (data.gouv.fr lost many harvests to that).
export const CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  spdx: 'http://spdx.org/rdf/terms#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcatap: 'http://data.europa.eu/r5r/'
} as const

const EU = 'http://publications.europa.eu/resource/authority'
const CSV_MEDIA_TYPE = 'https://www.iana.org/assignments/media-types/text/csv'

export interface Iris {
  base: string
  catalog: string
}

const fr = (value: string) => ({ '@value': value, '@language': 'fr' })
const iri = (id: string) => ({ '@id': id })
const typed = (value: string, type: string) => ({ '@value': value, '@type': type })
const dateTime = (d: Date) => typed(d.toISOString(), 'xsd:dateTime')

export const organizationIri = (iris: Iris, id: string) => `${iris.base}/organizations/${id}`
export const datasetIri = (iris: Iris, id: string) => `${iris.base}/api/v1/datasets/${id}`
const resourceIri = (iris: Iris, id: string) => `${iris.base}/api/v1/resources/${id}`

export function agentNode(iris: Iris, id: string, name: string) {
  return {
    '@id': organizationIri(iris, id),
    '@type': ['foaf:Agent', 'foaf:Organization'],
    'foaf:name': fr(name),
    'dct:type': iri('http://purl.org/adms/publishertype/LocalAuthority')
  }
}

function licenceNode(license: string) {
  const known = LICENCES[license as LicenceId]
  return known?.iri ? { '@id': known.iri, '@type': 'dct:LicenseDocument' } : null
}

export function datasetNode(iris: Iris, d: CatalogDataset, distributions: CatalogDistribution[]) {
  const id = datasetIri(iris, d.id)
  const licence = licenceNode(d.license)
  const modified = [d.updated_at, ...distributions.map((x) => x.finished_at)]
    .filter((x): x is Date => x !== null)
    .reduce((a, b) => (a > b ? a : b))

  return {
    '@id': id,
    '@type': 'dcat:Dataset',
    'dct:identifier': id,
    'dct:title': fr(d.title),
    // DCAT-AP requires a description; a dataset without one repeats its title.
    'dct:description': fr(d.description.trim() === '' ? d.title : d.description),
    'dcat:keyword': d.keywords.map(fr),
    'dct:publisher': iri(organizationIri(iris, d.organization_id)),
    'dct:language': iri(`${EU}/language/FRA`),
    'dct:accessRights': iri(`${EU}/access-right/PUBLIC`),
    ...(d.published_at === null ? {} : { 'dct:issued': dateTime(d.published_at) }),
    'dct:modified': dateTime(modified),
    ...(licence === null ? {} : { 'dct:license': licence }),
    'dcat:distribution': distributions.map((x) => distributionNode(iris, x, licence))
  }
}

function distributionNode(
  iris: Iris,
  r: CatalogDistribution,
  licence: ReturnType<typeof licenceNode>
) {
  const id = resourceIri(iris, r.id)
  const download = `${id}/download`
  return {
    '@id': id,
    '@type': 'dcat:Distribution',
    'dct:identifier': id,
    'dct:title': fr(r.title),
    ...(r.description === '' ? {} : { 'dct:description': fr(r.description) }),
    'dcat:accessURL': iri(download),
    'dcat:downloadURL': iri(download),
    'dcat:mediaType': iri(CSV_MEDIA_TYPE),
    'dct:format': iri(`${EU}/file-type/CSV`),
    ...(r.byte_size === null ? {} : {
      'dcat:byteSize': typed(String(r.byte_size), 'xsd:nonNegativeInteger')
    }),
    ...(r.sha256 === null ? {} : {
      'spdx:checksum': {
        '@type': 'spdx:Checksum',
        'spdx:algorithm': iri('spdx:checksumAlgorithm_sha256'),
        'spdx:checksumValue': typed(r.sha256, 'xsd:hexBinary')
      }
    }),
    ...(r.finished_at === null ? {} : { 'dct:modified': dateTime(r.finished_at) }),
    ...(licence === null ? {} : { 'dct:license': licence }),
    'dcatap:availability': iri(`${EU}/planned-availability/STABLE`)
  }
}
