import { Writable } from 'node:stream'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

type Node = Record<string, unknown> & { '@id': string; '@type'?: string | string[] }
interface Document {
  '@context': Record<string, string>
  '@graph': Node[]
}

const DCAT = 'http://www.w3.org/ns/dcat#'
const DCT = 'http://purl.org/dc/terms/'

// Expands a compact IRI (`dcat:Dataset`) with the document's own context, so the
// test checks the vocabulary the harvester will read, not our spelling of it.
function expand(doc: Document, value: string): string {
  const [prefix, rest] = value.split(':', 2)
  const base = prefix === undefined ? undefined : doc['@context'][prefix]
  return base === undefined || rest === undefined ? value : base + rest
}

function ofType(doc: Document, type: string): Node[] {
  return doc['@graph'].filter((n) => {
    const types = Array.isArray(n['@type']) ? n['@type'] : [n['@type']]
    return types.some((x) => typeof x === 'string' && expand(doc, x) === type)
  })
}

t.test('the DCAT catalogue', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const publisher = caller(app, await tokenFor(admin, 'publisher'))
  const anonymous = caller(app)

  const published = await createDataset(editor, {
    title: 'Fontaines', description: 'Les fontaines de la ville', keywords: ['eau']
  })
  const resourceId = await createResource(editor, published, 'Liste des fontaines')
  t.equal((await upload(editor, resourceId, 'nom,debit\nA,1\n')).status, 201)
  await publisher.post(`/api/v1/datasets/${published}/publish`)
  const draft = await createDataset(editor, { title: 'Projet confidentiel' })

  t.test('lists published datasets with their distributions, in JSON-LD', async (t) => {
    const res = await anonymous.get('/catalog')
    t.equal(res.status, 200)
    t.match(res.headers['content-type'], /^application\/ld\+json/)
    const doc = res.json<Document>()
    t.type(doc['@context'], 'object', 'the context is inline')

    const catalogs = ofType(doc, `${DCAT}Catalog`)
    t.equal(catalogs.length, 1)
    const datasets = ofType(doc, `${DCAT}Dataset`)
    t.equal(datasets.length, 1)
    const dataset = datasets[0] as Node
    t.equal(dataset['dct:identifier'], dataset['@id'], 'a stable identifier')
    t.match(dataset['@id'], new RegExp(`${published}$`))
    t.same(dataset['dct:title'], { '@value': 'Fontaines', '@language': 'fr' })
    t.same(dataset['dct:description'], { '@value': 'Les fontaines de la ville', '@language': 'fr' })
    t.same(dataset['dct:license'], {
      '@id': 'https://www.etalab.gouv.fr/licence-ouverte-open-licence',
      '@type': 'dct:LicenseDocument'
    })

    const [distribution] = dataset['dcat:distribution'] as Node[]
    t.ok(distribution)
    t.equal(expand(doc, String((distribution as Node)['@type'])), `${DCAT}Distribution`)
    t.same((distribution as Node)['dcat:downloadURL'], {
      '@id': `http://localhost:3000/api/v1/resources/${resourceId}/download`
    })
    t.same((distribution as Node)['dcat:mediaType'], {
      '@id': 'https://www.iana.org/assignments/media-types/text/csv'
    })
    t.equal(expand(doc, 'dct:title'), `${DCT}title`)
    t.same((catalogs[0] as Node)['dcat:dataset'], [{ '@id': dataset['@id'] }])
    t.notMatch(res.body, draft, 'the draft is absent')

    // The publisher's IRI resolves, as harvesters may follow it.
    const publisherIri = (dataset['dct:publisher'] as Node)['@id']
    t.match(publisherIri, /^http:\/\/localhost:3000\/organizations\//)
    const agent = await anonymous.get(publisherIri.replace('http://localhost:3000', ''))
    t.equal(agent.status, 200, agent.body)
    t.match(agent.headers['content-type'], /^application\/ld\+json/)
    t.match(agent.json(), {
      '@id': publisherIri, 'foaf:name': { '@value': 'Ville de Test' }, '@context': {}
    })
    const unknown = await anonymous.get('/organizations/00000000-0000-4000-8000-000000000000')
    t.equal(unknown.status, 404)
  })

  t.test('a token does not add drafts to the catalogue', async (t) => {
    const res = await editor.get('/catalog')
    t.notMatch(res.body, draft)
    t.notMatch(res.body, /Projet confidentiel/)
  })

  t.test('pages link to each other with Hydra, until the last one', async (t) => {
    for (let i = 0; i < 3; i++) {
      const id = await createDataset(editor, { title: `Page ${i}` })
      await publisher.post(`/api/v1/datasets/${id}/publish`)
    }

    const seen = new Set<string>()
    let url: string | undefined = '/catalog.jsonld?page=1&page_size=2'
    let pages = 0
    while (url !== undefined && pages < 10) {
      const res = await anonymous.get(url)
      t.equal(res.status, 200, url)
      const doc = res.json<Document>()
      for (const d of ofType(doc, `${DCAT}Dataset`)) seen.add(d['@id'])
      const catalog = ofType(doc, `${DCAT}Catalog`)[0] as Node
      t.equal(catalog['hydra:totalItems'], 4)
      const view = catalog['hydra:view'] as Record<string, { '@id': string } | undefined>
      const next = view['hydra:next']
      url = next?.['@id'].replace('http://localhost:3000', '')
      pages += 1
    }
    t.equal(pages, 2)
    t.equal(seen.size, 4, 'every published dataset once')

    const beyond = await anonymous.get('/catalog?page=9&page_size=2')
    t.equal(beyond.status, 404)
  })
})

// Found by attacking the API: a failure once the catalogue had begun to stream cut it
// short and left no trace in the log, not even the request.
t.test('a catalogue that fails while it is sent is logged', async (t) => {
  const lines: string[] = []
  const log = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    }
  })
  const { app, adminToken, handle } = await buildTestApp(t, {}, { log })
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const publisher = caller(app, await tokenFor(admin, 'publisher'))
  const id = await createDataset(editor, { title: 'Coupé' })
  await publisher.post(`/api/v1/datasets/${id}/publish`)

  // The count before the stream still works; the datasets' query, once streaming, not.
  await handle.pool.query('alter table organization rename to organization_away')
  t.teardown(() => handle.pool.query('alter table organization_away rename to organization'))
  const res = await app.inject({ url: '/catalog' }).catch((error: unknown) => error)
  const body = res instanceof Error ? '' : (res as { body: string }).body
  t.notOk(body.endsWith(']}'), 'the answer is not a whole document')
  t.match(lines.join(''), /the catalogue failed while it was sent/)
})
