import t from 'tap'

import { isBlankRecord, sameAsHeader, sniffDialect } from '../../src/ingest/dialect.js'

const lines = (...rows: string[]): string => rows.join('\n') + '\n'

t.test('finds each of the four delimiters', async (t) => {
  t.equal(sniffDialect(lines('a,b,c', '1,2,3', '4,5,6')).delimiter, ',')
  t.equal(sniffDialect(lines('a;b;c', '1;2;3', '4;5;6')).delimiter, ';')
  t.equal(sniffDialect(lines('a\tb\tc', '1\t2\t3', '4\t5\t6')).delimiter, '\t')
  t.equal(sniffDialect(lines('a|b|c', '1|2|3', '4|5|6')).delimiter, '|')
})

t.test('prefers the delimiter with the most consistent count over decimal commas', async (t) => {
  const sample = lines('nom;montant;taux', 'A;1,5;2,25', 'B;3;4', 'C;12,75;1')
  t.equal(sniffDialect(sample).delimiter, ';')
})

t.test('ignores delimiters inside quoted fields, even across lines', async (t) => {
  const sample = lines(
    '"Id,N,9,0","Nom,C,254","Adresse,C,254"',
    '1,"Zoo de Lunaret","50 avenue Agropolis;',
    '34090 Mtp"',
    '2,"Hôtel ""de"" Ville","1 place; Georges Frêche"',
    '3,Mairie,"Place; Loge"'
  )
  t.same(sniffDialect(sample), { delimiter: ',', quote: '"', header: true, preamble: 0 })
})

t.test('ignores blank lines and lines of spaces', async (t) => {
  const sample = '\n   \n"ID","Statut",\n \n"135","pub"\n"134","prop"\n\n"133","pub"\n'
  t.equal(sniffDialect(sample).delimiter, ',')
})

t.test('ignores the last record when the sample stops in its middle', async (t) => {
  // Cut inside a quoted field: read to the end, that last record would hold the
  // semicolons of the whole rest of the sample.
  const sample = 'a;b;c\n1;2;3\n4;5;6\n7;"x,y,z\n8,9'
  t.equal(sniffDialect(sample).delimiter, ';')
})

t.test('keeps the last record when the sample is the whole file', async (t) => {
  t.same(sniffDialect('1;2;3', { complete: true }),
    { delimiter: ';', quote: '"', header: true, preamble: 0 })
})

t.test('a single column gets a delimiter that does not occur', async (t) => {
  t.equal(sniffDialect(lines('nom', 'Montpellier', 'Sète')).delimiter, ',')
  t.equal(sniffDialect(lines('taux', '1,5', '2,5')).delimiter, ';', 'not the decimal comma')
})

t.test('single quotes count as quotes only when they explain the file better', async (t) => {
  t.equal(sniffDialect(lines("nom;commune", "L'ABERGEMENT;Ain", "d'action;Ain")).quote, '"')
  const quoted = lines("'nom','note'", "'a','1,5'", "'b','2,5'", "'c','3'")
  t.same(sniffDialect(quoted), { delimiter: ',', quote: "'", header: true, preamble: 0 })
})

t.test('a file with stray quotes is read with quoting off', async (t) => {
  // A field that starts with a quote it never closes would swallow the rest.
  const sample = lines('titre;pouces', '"Le Monde" du soir;12', '"Écran 27;27', 'Autre;3')
  t.equal(sniffDialect(sample).quote, null)
})

t.test('the first record is a header when it does not look like data', async (t) => {
  t.equal(sniffDialect(lines('id;nom;date', '1;Alice;2024-01-02', '2;Bob;2024-01-03')).header,
    true)
  t.equal(sniffDialect(lines('nom;ville', 'Alice;Sète', 'Bob;Agde')).header, true,
    'all text: nothing says it is data')
})

t.test('no header when the first record fits its columns and has a number', async (t) => {
  t.equal(sniffDialect(lines('1;Alice;2024-01-02', '2;Bob;2024-01-03', '3;Eve;')).header, false)
  t.equal(sniffDialect(lines('Alice;12,5', 'Bob;3', 'Eve;4,25')).header, false)
})

t.test('a header repeated on the next lines is still a header', async (t) => {
  const sample = lines('NUMCOM;NUMDEP;TX', 'NUMCOM;NUMDEP;TX', 'NUMCOM;NUMDEP;TX',
    '01001;1;41.7', '01002;1;34.1')
  t.same(sniffDialect(sample), { delimiter: ';', quote: '"', header: true, preamble: 0 })
})

t.test('title lines before the header are a preamble, blank lines aside', async (t) => {
  t.same(sniffDialect('Export du 03/04/2024\n\nnom;valeur\nx;1\n'),
    { delimiter: ';', quote: '"', header: true, preamble: 1 })
  const titles = lines('Ville de Montpellier', 'Direction des finances', 'Budget 2014', '',
    'code,libellé,montant', '1,Voirie,12.5', '2,Écoles,3')
  t.same(sniffDialect(titles), { delimiter: ',', quote: '"', header: true, preamble: 3 })
})

t.test('a title written in the first cell of a spreadsheet is a preamble', async (t) => {
  const sample = lines('Budget primitif 2014;;;', ';;;', 'nom;a;b;c', 'x;1;2;3', 'y;4;5;6')
  t.same(sniffDialect(sample), { delimiter: ';', quote: '"', header: true, preamble: 1 })
  t.equal(sniffDialect(lines('sep=;', 'nom;valeur', 'x;1')).preamble, 1, "Excel's sep= line")
})

t.test('a title of two values above a wider table is a preamble', async (t) => {
  const sample = lines('Commune;Montpellier', 'nom;a;b;c;d', 'x;1;2;3;4', 'y;5;6;7;8')
  t.same(sniffDialect(sample), { delimiter: ';', quote: '"', header: true, preamble: 1 })
})

t.test('a header narrower than rows with trailing separators is no preamble', async (t) => {
  t.equal(sniffDialect(lines('a;b;c', 'x;y;z;;', 'u;v;w;;')).preamble, 0)
  t.equal(sniffDialect(lines('a;b;', 'x;y;z', 'u;v;w')).preamble, 0, 'an unnamed last column')
})

t.test('a one-column header over values holding a delimiter is no preamble', async (t) => {
  t.same(sniffDialect(lines('taux', '1,5', '2,5')),
    { delimiter: ';', quote: '"', header: true, preamble: 0 })
})

t.test('a preamble is looked for in the first ten records only', async (t) => {
  const titles = Array.from({ length: 10 }, (_, i) => `Titre ${i + 1}`)
  t.equal(sniffDialect(lines(...titles, 'a;b', '1;2')).preamble, 10)
  t.equal(sniffDialect(lines(...titles, 'Titre 11', 'a;b', '1;2')).preamble, 0)
})

t.test('isBlankRecord: every cell empty after trimming', async (t) => {
  t.equal(isBlankRecord(['']), true)
  t.equal(isBlankRecord([' ', '\u00a0', '\t', '\r\n']), true)
  t.equal(isBlankRecord([]), true)
  t.equal(isBlankRecord(['', ' x ']), false)
})

t.test('sameAsHeader compares trimmed cells', async (t) => {
  const header = ['\uFEFFCODE', 'Montant ', '']
  t.equal(sameAsHeader([' CODE', 'Montant'], header), true, 'missing trailing cell is empty')
  t.equal(sameAsHeader(['CODE', 'Montant', '', ''], header), true)
  t.equal(sameAsHeader(['CODE', 'montant'], header), false, 'case matters')
  t.equal(sameAsHeader(['', ''], ['', '']), false, 'a blank line is not a header')
})

// Found by attacking uploads: read as one column, with no warning at all.
t.test('rows that drop their empty trailing fields keep the header\'s delimiter', async (t) => {
  const sample = 'nom;telephone;commentaire\nDupont\nMartin;0102030405\nDurand\nBernard\n' +
    'Petit;;à rappeler\nRobert\n'
  t.match(sniffDialect(sample, { complete: true }), { delimiter: ';', header: true })
  t.match(sniffDialect('description\nune ligne\nune autre\n', { complete: true }),
    { delimiter: ',' }, 'a file of one column stays one column')
})

// Found by attacking uploads: the quote was chosen, and the loader then refused the
// whole file at the first quote inside a field.
t.test('quotes inside fields are read as characters, not as quoting', async (t) => {
  t.match(sniffDialect(lines('id;nom', '1;Le "Grand" Café', '2;x'), { complete: true }),
    { delimiter: ';', quote: null })
  t.match(sniffDialect(lines('id;nom', '1;"Le Grand" Café', '2;x'), { complete: true }),
    { delimiter: ';', quote: null, strayQuote: 2 })
  const apostrophes = sniffDialect(lines('id,nom', "1,l'été", "2,aujourd'hui", '3,x'),
    { complete: true })
  t.equal(apostrophes.delimiter, ',')
  t.not(apostrophes.quote, "'", 'an apostrophe is not a quote')
  t.match(sniffDialect(lines('id;nom', '1; "a;b" ', '2;"c"'), { complete: true }),
    { delimiter: ';', quote: '"' }, 'spaces around a quoted field are allowed')
})

// Found by attacking uploads: these lost their header and had their values split.
t.test('one column of values holding separators stays one column', async (t) => {
  const addresses = ['adresse', ...['"98, rue de la Paix"', '"64, rue Foch"', '49 avenue Foch']
    .flatMap((line) => Array.from({ length: 20 }, () => line))]
  t.match(sniffDialect(lines(...addresses), { complete: true }), { quote: '"', header: true })
  const comments = sniffDialect(lines('commentaire', '"bien; merci"', 'ok', '"a, b"'),
    { complete: true })
  t.match(comments, { quote: '"', preamble: 0 })
  t.notOk([',', ';'].includes(comments.delimiter), 'no separator splits them')
  // And a real title line is still one, even holding a comma above decimal commas.
  t.match(sniffDialect(lines('Export du 03/04/2024', '', 'nom;valeur', 'x;1', 'y;2'),
    { complete: true }), { delimiter: ';', preamble: 1 })
  t.match(sniffDialect(lines('Budget primitif 2014, Ville de Montpellier', 'libelle;montant',
    'Voirie;1234,50', 'Ecoles;987,25', 'Culture;45,10', 'Sport;12,00'), { complete: true }),
  { delimiter: ';', preamble: 1 })
  t.match(sniffDialect(lines('Source : INSEE, 2020;;', 'commune;pop;taux', 'A;100;1,5',
    'B;200;2,5', 'C;300;3,5'), { complete: true }), { delimiter: ';', preamble: 1 })
})

// Found by attacking uploads: the header was taken for a title line and the rows split
// wherever a comma stood, silently.
t.test('a reading that splits every line alike beats one that needs a title', async (t) => {
  const fountains = lines('nom,latitude,longitude', 'Fontaine A,"43,615","3,87576"',
    'Fontaine B,"43,590","3,84642"', 'Fontaine C,"43,642","3,93586"')
  t.match(sniffDialect(fountains, { complete: true }),
    { delimiter: ',', quote: '"', header: true, preamble: 0 }, 'quoted commas stay in')
  for (const delimiter of [';', '\t', '|']) {
    const people = lines(`nom${delimiter}montant`, `Dupont, Jean${delimiter}12,50`,
      `Martin, Paul${delimiter}3,05`)
    t.match(sniffDialect(people, { complete: true }), { delimiter, preamble: 0 },
      `rows holding more commas than ${JSON.stringify(delimiter)}`)
  }
  t.match(sniffDialect(lines('prix_ht;prix_ttc', '10,00;12,00', '15,50;18,60', '7,25;8,70'),
    { complete: true }), { delimiter: ';', preamble: 0 }, 'decimal commas only')
  t.match(sniffDialect(lines('Liste des fontaines', 'nom,latitude', 'A,"43,615"', 'B,"43,590"'),
    { complete: true }), { delimiter: ',', quote: '"', preamble: 1 },
  'a real title above quoted commas is still a title')
})

t.test('a row of empty quoted fields is a blank row, not a reason to keep quotes',
  async (t) => {
    const sample = ['"id";"montant";"code"', '"1";"12,50";"01004"', '"";"";""',
      '"2";"3,00";"01005"'].join('\r\n') + '\r\n'
    t.match(sniffDialect(sample, { complete: true }), { delimiter: ';', quote: '"', header: true })
  })

// Found by attacking the rule above: title lines that must stay titles, and apostrophes
// that must not become quotes. Each was read right before the rule, and wrong by its
// first version.
t.test('titles stay titles when the other reading gains no numbers', async (t) => {
  const cases: Array<[string, string[], object]> = [
    ['a title over rows that fill one column', ['Export du 03/04/2024', 'école;email',
      'École Jules Ferry;', 'École Victor Hugo;', 'École Condorcet;contact@condorcet.fr'],
    { delimiter: ';', preamble: 1 }],
    ['a title of three values over five columns', ['Ville de Montpellier;Budget primitif;2014',
      'Nature;Libellé;Fonction;Libellé fonction;BP',
      '6061;Fournitures non stockées;020;Administration générale;1 063 850,00',
      '6062;Énergie;020;Administration générale;2 000,00'],
    { delimiter: ';', preamble: 1 }],
    ['a key and value title over six columns', ['Commune;Montpellier;Code INSEE;34172',
      'RNE;Nom;Adresse;CP;Ville;Capacité', '0341303G;Jules Ferry;12 rue Foch;34000;Montpellier;120',
      '0341304H;Victor Hugo;3 rue de la Loge;34070;Montpellier;200'],
    { delimiter: ';', preamble: 1 }],
    ['a title with a comma over names with one', ['Liste des bénéficiaires, exercice 2023',
      'Nom, prénom;Adresse;Montant', 'Dupont, Jean;12 rue de la Paix;120',
      'Martin, Paul;3 place de la Comédie;80'], { delimiter: ';', preamble: 1 }],
    ['the same with tabs', ['Budget primitif 2014, Ville de Montpellier',
      'Nom, prénom\tFonction\tMontant', 'Dupont, Jean\tMaire\t1200', 'Martin, Paul\tAdjoint\t800'],
    { delimiter: '\t', preamble: 1 }],
    ['a quoted table under a title with a comma', ['Budget primitif 2014, Ville de Montpellier',
      '"Service";"Nom, prénom";"Effectif"', '"Voirie";"Dupont, Jean";"12"',
      '"Écoles";"Martin, Paul";"40"'], { delimiter: ';', quote: '"', preamble: 1 }],
    ['apostrophes in ragged rows', ['nom;adresse;commentaire', "l'école Jules Ferry;12 rue Foch",
      "Maison d'arrêt;3 rue de la Loge;fermée", "Crèche l'Île aux enfants;5 avenue de Toulouse"],
    { delimiter: ';', quote: '"', preamble: 0 }],
    ['apostrophes under two titles', ['Ville de Montpellier', "Direction de l'éducation",
      "RNE,Nom de l'école,commentaire", "0341303G,l'école Jules Ferry",
      "0341304H,l'école Victor Hugo", "0341305J,Crèche l'Île aux enfants"],
    { delimiter: ',', quote: '"', preamble: 2 }]
  ]
  for (const [what, rows, expected] of cases) {
    t.match(sniffDialect(lines(...rows), { complete: true }), expected, what)
  }
})

// Found by fuzzing the rules above with generated town files.
t.test('between readings that split alike, the one that leaves numbers wins', async (t) => {
  t.match(sniffDialect(lines('N°;Taux, en %', '1;81,1', '2;58,765', '3;72,904'),
    { complete: true }), { delimiter: ';', preamble: 0 }, 'as many commas as semicolons')
  t.match(sniffDialect(lines('remarque;Réalisé, 2023', ';1239,05', 'à vérifier;561,84'),
    { complete: true }), { delimiter: ';', preamble: 0 }, 'a ragged one')
  t.match(sniffDialect(lines('Source : INSEE, 2020', 'Commune;Équipement;Taux, 2020',
    'Lyon;Piscine;8,5', 'Sète;Stade;12,1'), { complete: true }),
  { delimiter: ';', header: true, preamble: 1 }, 'a title is kept when the other reading ' +
    'has no header')
})

t.test('quotes that read every line alike are real quotes', async (t) => {
  t.match(sniffDialect(lines('"Réalisé, 2023",CP', '"13 118,88",92000', '"15 109,10",74000'),
    { complete: true }), { delimiter: ',', quote: '"', preamble: 0 }, 'a quoted comma a line')
  t.match(sniffDialect(lines('"Titre";"";""', '"Nom";"Commune";"Effectif"',
    '"Dupont";"Lyon";"120"', '"Martin";"Sète";"80"'), { complete: true }),
  { delimiter: ';', quote: '"', preamble: 1 }, 'a padded quoted title')
  t.match(sniffDialect(lines('nom,obs,effectif,tel', 'Martin,,120', 'Petit,,80', 'Roux,,45',
    '"Dupont, Jean",,60,04 67 34 70 00'), { complete: true }),
  { delimiter: ',', quote: '"' }, 'ragged rows, one quoted name')
})

// Found by fuzzing that rule: quotes that are no quoting must not join lines.
t.test('ditto marks, lone quotes and unclosed quotes stay characters', async (t) => {
  const cases: Array<[string, string[], string]> = [
    ['ditto marks', ['nom;commune;effectif', 'Dupont;Sète;12', 'Martin;";8', 'Petit;";5'], ';'],
    ['an unclosed quote', ['nom;obs', 'Dupont;RAS', 'Martin;"A revoir', 'Petit;RAS'], ';'],
    ['a quote closed by an inch mark', ['nom;article;prix', 'Dupont;"Titre provisoire;12',
      'Martin;Écran 24";8'], ';'],
    ['a quote swallowing blank lines', ['code\tinfo', '35855\t', '83335\t', '"\t'], '\t'],
    // Found by fuzzing again: these read as quoted, and lost or refused a row.
    ['ditto marks side by side', ['nom\ttel\tobs', 'Dupont\t04\tRAS', '"\t"\t', 'Roux\t05\t'],
      '\t'],
    ['a last line of `;"`', ['commune;population', 'Sète;43620', 'Lunel;26420', ';"'], ';']
  ]
  for (const [what, rows, delimiter] of cases) {
    t.match(sniffDialect(lines(...rows), { complete: true }), { delimiter, quote: null }, what)
  }
})

// Found by attacking uploads: one broken field made a quoted file read without quotes, and
// every value kept its quotes. Read with quotes, it is refused, naming the field.
t.test('quotes on most lines are real, even when one field breaks them', async (t) => {
  // Found by fuzzing loads: preferring the reading that breaks fewer records read these
  // without quotes, and split the quoted values (under three columns, a last line of
  // `;"` is read with quotes; the loader keeps that one as a character).
  t.match(sniffDialect(lines('nom,commentaire', '"Dupont, Jean",', 'Martin,Écran 24"'),
    { complete: true }), { delimiter: ',', quote: '"' }, 'a quoted comma, an inch mark')
  t.match(sniffDialect(lines('nom|commentaire', 'Dupont|"Ligne 1', 'Ligne 2"', 'Martin|"A revoir'),
    { complete: true }), { delimiter: '|', quote: '"' }, 'a line break, an unclosed quote')
  t.match(sniffDialect(lines('"code";"nom";"montant"', '"01004";"Dupont";"12,50"',
    '"34172";"Le "Grand" Café";"7,00"'), { complete: true }), { delimiter: ';', quote: '"' })
  t.match(sniffDialect(lines('"nom";"montant"', '"Alpha";12', '"Gamma;14', '"Delta";15',
    '"Epsilon";16'), { complete: true }), { delimiter: ';', quote: '"' }, 'an unclosed one')
})

// Found by fuzzing: an INSEE code with its leading zero in the first row made it a header.
t.test('a first row that starts with a code is data', async (t) => {
  t.match(sniffDialect(lines('09122;Nîmes;64619;27,1', '13055;Bastia;70055;57,0',
    '67482;Marseille;199751;99,5'), { complete: true }), { delimiter: ';', header: false })
  t.match(sniffDialect(lines('Commune;01;02', 'Sète;12;14', 'Agde;8;9'), { complete: true }),
    { header: true }, 'months named 01, 02 over numbers still name them')
})
