import { readFileSync } from 'node:fs'
import path from 'node:path'

import t from 'tap'

import { buildTestApp } from '../helpers/app.js'
import { caller, createDataset, createResource, tokenFor, upload } from '../helpers/http.js'

// Every real town file of test/fixtures/real (see its README for sources and
// licences) is uploaded as a user would, then chosen cells are read back through
// the rows API and compared with what the file means.

interface Revision {
  status: string
  row_count: number
  columns: Array<{ name: string; label: string; type: string; kind: string | null }>
  report: {
    encoding: string
    delimiter: string
    warnings: Array<{ code: string }>
    personal_data: { may_contain: boolean; columns: string[] }
    columns: Array<{ name: string; distinct_estimate: number; null_count: number }>
  }
}

type Row = Record<string, unknown>

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'real', name))

t.test('real municipal files', async (t) => {
  const { app, adminToken } = await buildTestApp(t)
  const admin = caller(app, adminToken)
  const editor = caller(app, await tokenFor(admin, 'editor'))
  const datasetId = await createDataset(editor, { title: 'Montpellier' })

  const load = async (name: string) => {
    const resourceId = await createResource(editor, datasetId, name)
    const res = await upload(editor, resourceId, fixture(name))
    if (res.status !== 201) throw new Error(`${name}: ${res.status} ${res.body}`)
    const revision = res.json<Revision>()
    const type = (column: string) => revision.columns.find((c) => c.name === column)?.type
    const rows = async (query: string) => {
      const r = await editor.get(`/api/v1/resources/${resourceId}/records?${query}`)
      if (r.status !== 200) throw new Error(`${name} ${query}: ${r.status} ${r.body}`)
      return r.json<{ data: Row[]; total: number }>()
    }
    const one = async (query: string) => {
      const page = await rows(query)
      if (page.data.length !== 1) throw new Error(`${name} ${query}: ${page.data.length} rows`)
      return page.data[0] as Row
    }
    return { revision, type, rows, one, resourceId }
  }

  t.test('subsidies: Windows-1252, euro amounts, and a total row left out', async (t) => {
    const f = await load('montpellier_subventions_2013.csv')
    t.equal(f.revision.report.encoding, 'windows-1252')
    t.equal(f.revision.report.delimiter, ';')
    t.equal(f.revision.row_count, 937, 'the total line is not a row')
    t.ok(f.revision.report.warnings.some((w) => w.code === 'TOTAL_ROW_REMOVED'))
    t.equal(f.revision.columns.find((c) => c.name === 'montant')?.label, 'Montant')
    t.equal(f.type('montant'), 'integer')

    const coeur = await f.one('where[structure]=RESTAURANTS%20DU%20C%C5%92UR')
    t.equal(coeur.montant, 8000)
    t.equal(coeur.nature, 'F')
    const first = await f.one('where[code]=1886')
    t.equal(first.structure, "CENTRE COMMUNAL D'ACTION SOCIALE")
    t.equal(first.montant, 12350000)
  })

  t.test('budget: decimal commas with no-break-space thousands', async (t) => {
    const f = await load('montpellier_budget_primitif_2014.csv')
    t.equal(f.revision.row_count, 1448)
    t.equal(f.type('bp'), 'decimal')
    const label = f.revision.columns.find((c) => c.name === 'libelle_fonction')?.label
    t.equal(label, 'Libellé fonction')

    const rows = await f.rows('where[nature]=616&where[fonction]=20&where[d_r]=D&limit=5')
    t.ok(rows.data.some((r) => r.bp === 1063850))
    const raw = await editor.get(
      `/api/v1/resources/${f.resourceId}/records?where[bp]=1063850.00&limit=1`
    )
    t.match(raw.body, /"bp":1063850\.00/, 'the exact decimal goes out as written')
  })

  t.test('schools: CP850 accents and codes with leading zeros', async (t) => {
    const f = await load('montpellier_ecoles_2014.csv')
    t.equal(f.revision.report.encoding, 'cp850')
    const school = await f.one('where[cdetab]=501')
    t.equal(school.nom, "Ecole maternelle aliénor d'AQUITAINE")
    t.equal(school.rne, '0341639X')
    t.equal(school.email, null)
    t.equal(f.type('rne'), 'text')

    const kind = (name: string) => f.revision.columns.find((c) => c.name === name)?.kind
    t.equal(kind('cdpost'), 'postal_code')
    t.equal(f.type('cdpost'), 'text', 'postal codes are codes, not numbers')
    t.equal(school.cdpost, '34070')
    t.equal(kind('numtel'), 'phone_fr')
    t.same(f.revision.report.personal_data, { may_contain: true, columns: ['numtel'] })
    const stats = f.revision.report.columns.find((c) => c.name === 'type')
    t.equal(stats?.distinct_estimate, 2, 'maternelle or élémentaire')
  })

  t.test('fountains: Windows-1252 and UTF-8 with BOM give the same rows', async (t) => {
    const names = ['montpellier_fontaines_2014.csv', 'derived_montpellier_fontaines_utf8bom.csv']
    for (const name of names) {
      const f = await load(name)
      t.equal(f.revision.columns[0]?.name, 'dossier', `${name}: no BOM in the first name`)
      t.equal(f.revision.columns[3]?.label, 'CatÉgorie')
      t.equal(f.type('longitude'), 'decimal')
      const square = await f.one('where[dossier]=1056')
      t.equal(square.nom, 'Square Théophraste Renaudot')
      t.equal(square.longitude, 3.87576)
      t.equal(square.latitude, 43.615)
    }
  })

  t.test('defibrillators: line breaks in quoted cells, dBase headers', async (t) => {
    const f = await load('montpellier_defibrillateurs_2013.csv')
    t.equal(f.revision.row_count, 167)
    t.same(f.revision.columns.map((c) => c.name).slice(0, 2), ['id_n_9_0', 'nom_c_254'])
    const zoo = await f.one('where[id_n_9_0]=3')
    t.equal(zoo.nom_c_254, 'Zoo de Lunaret')
    t.match(String(zoo.adresse_c_254), /^50 avenue Agropolis\s*\n34090 Mtp$/)
    t.equal(zoo.coord_x_c_50, 3.87388031141133)
  })

  t.test('deliberations: dd/mm/yyyy dates and accents', async (t) => {
    const f = await load('montpellier_deliberations_2013.csv')
    t.equal(f.revision.row_count, 160)
    t.equal(f.type('date_cm'), 'date')
    const first = await f.one('where[numero_de_deliberation]=464')
    t.equal(first.date_cm, '2013-11-25')
    t.equal(first.elu_s, 'Hélène MANDROUX')
    const dated = await f.rows('where[date_cm][gte]=2013-12-01&limit=1')
    t.ok(dated.total > 0 && dated.total < 160, 'date filters compare dates')
  })

  t.test('open-data catalogue: blank first line, multi-line cells, padded ids', async (t) => {
    const f = await load('montpellier_catalogue_opendata_2014.csv')
    t.equal(f.revision.row_count, 129)
    t.equal(f.type('id'), 'integer')
    t.equal(f.type('date_publication'), 'date')
    const europeennes = await f.one('where[id]=135')
    t.equal(europeennes.titre, 'Résultats des élections européennes 2014')
    t.equal(europeennes.statut, 'pub')
    t.equal(europeennes.date_publication, '2014-05-26')
  })

  t.test('csv-detective A: repeated headers skipped, INSEE codes kept as text', async (t) => {
    const f = await load('csvdetective_a_test_file.csv')
    t.equal(f.revision.row_count, 404)
    t.equal(f.type('numcom'), 'text')
    t.equal(f.revision.columns.find((c) => c.name === 'numcom')?.kind, 'insee_commune')
    t.equal(f.type('numdep'), 'integer')
    t.equal(f.revision.report.personal_data.may_contain, false)
    const commune = await f.one('where[numcom]=01001')
    t.equal(commune.nomcom, "L'ABERGEMENT-CLEMENCIAT")
    t.equal(commune.numdep, 1)
    t.equal(commune.txcouvglo_com_2014, 41.7)
  })

  t.test('csv-detective B: department codes keep their zero, empty cells are null', async (t) => {
    const f = await load('csvdetective_b_test_file.csv')
    t.equal(f.type('code_departement'), 'text')
    const rows = await f.rows('order=code_departement')
    t.equal(rows.data[0]?.code_departement, '01')
    t.ok(rows.data.some((r) => r.partly_empty === null))
  })
})
