import t from 'tap'

import { columnNames } from '../../src/ingest/headers.js'

const names = (headers: string[]) => columnNames(headers).map((column) => column.name)

t.test('turns real headers into snake_case API names', async (t) => {
  t.same(names([' BP ', 'Libellé fonction', 'CatÉgorie', 'Id,N,9,0', 'Montant ',
    'Numéro de projet de délibération']), [
    'bp', 'libelle_fonction', 'categorie', 'id_n_9_0', 'montant',
    'numero_de_projet_de_deliberation'
  ])
})

t.test('labels keep the header, cleaned of padding, BOM and line breaks', async (t) => {
  t.same(columnNames(['\uFEFFDossier', ' \u00a0BP\u00a0 ', 'Date\r\nde   mise\tà jour']), [
    { label: 'Dossier', name: 'dossier' },
    { label: 'BP', name: 'bp' },
    { label: 'Date de mise à jour', name: 'date_de_mise_a_jour' }
  ])
})

t.test('NUL characters never reach labels or names', async (t) => {
  t.same(columnNames(['a\0b', '\0', 'Mon\0tant\0 ']), [
    { label: 'ab', name: 'ab' },
    { label: '', name: 'column_2' },
    { label: 'Montant', name: 'montant' }
  ])
})

t.test('folds ligatures that have no accent to strip', async (t) => {
  t.same(names(['Œuvre', 'Cæcum', 'Straße', 'Nœud coulant']),
    ['oeuvre', 'caecum', 'strasse', 'noeud_coulant'])
})

t.test('replaces every run of other characters by one underscore', async (t) => {
  t.same(names(['Elu(s)', 'Taux (%) 2014 !', '__id__', 'a - b / c']),
    ['elu_s', 'taux_2014', 'id', 'a_b_c'])
})

t.test('a name never starts with a digit', async (t) => {
  t.same(names(['2014', '1er tour']), ['c_2014', 'c_1er_tour'])
})

t.test('an empty header gets its 1-based position', async (t) => {
  t.same(names(['ID', '', '  ', '€']), ['id', 'column_2', 'column_3', 'column_4'])
})

t.test('duplicates get _2, _3… in order', async (t) => {
  t.same(names(['Nom', 'nom', 'NOM ', 'Nom']), ['nom', 'nom_2', 'nom_3', 'nom_4'])
})

t.test('a suffix never takes a name another column has', async (t) => {
  t.same(names(['a', 'a', 'a_2']), ['a', 'a_3', 'a_2'])
  t.same(names(['', 'column_1']), ['column_1', 'column_1_2'])
})

t.test('names are at most 63 bytes, suffix included', async (t) => {
  const long = 'Libellé '.repeat(20)
  const [first, second] = names([long, long])
  t.ok(first !== undefined && Buffer.byteLength(first) <= 63, `${first} fits`)
  t.ok(second !== undefined && Buffer.byteLength(second) <= 63, `${second} fits`)
  t.ok(second?.endsWith('_2'))
  t.notOk(first?.endsWith('_'), 'no trailing underscore after truncation')
})

t.test('avoids names PostgreSQL or the API reserve', async (t) => {
  t.same(names(['xmin', 'ctid', '_row', 'oid']), ['xmin_2', 'ctid_2', 'row', 'oid_2'])
})

t.test('is deterministic', async (t) => {
  const headers = ['A', 'a', '', 'Å', 'a_2']
  t.same(names(headers), names(headers))
})
