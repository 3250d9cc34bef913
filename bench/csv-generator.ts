import { once } from 'node:events'
import { createWriteStream, promises as fs } from 'node:fs'
import { finished } from 'node:stream/promises'

// What a town's spending export looks like: `;` separator, UTF-8 with accents,
// codes whose leading zeros matter, French numbers and dates. Each column is
// there to exercise one branch of the type inference.
export const HEADER = [
  'code_insee', 'commune', 'libelle', 'montant', 'effectif', 'date_maj', 'actif', 'code_postal'
]

// The column the bench checks was typed, as a sign the inference saw every row.
export const AMOUNT_COLUMN = 'montant'

// Fixed, so every run (and every machine) loads byte-identical files.
const SEED = 0x0f12a7e5

const COMMUNES = [
  'Ambérieu-en-Bugey', 'Bourg-en-Bresse', 'Châtillon-sur-Seine', 'Saint-Étienne', 'Pézenas',
  'Mâcon', 'Évreux', 'Besançon', 'Nîmes', 'Orléans', 'Valençay', 'Fontenay-lès-Briis',
  'Île-Tudy', 'Bagnères-de-Bigorre', 'Sète', 'Lons-le-Saunier'
]
const OBJECTS = [
  'Subvention', 'Travaux', 'Entretien', 'Acquisition', 'Fournitures', 'Prestation', 'Rénovation'
]
const PLACES = [
  'école élémentaire', 'salle des fêtes', 'médiathèque', 'gymnase', 'église', 'crèche',
  'voirie communale', 'cimetière'
]

// Rows are appended to one string and written in pieces of about this size:
// one write per row would make the generator, not the disk, the slow part.
const CHUNK_CHARS = 1 << 16

// mulberry32: a seedable 32-bit generator, tiny and fast. Math.random cannot be
// seeded, so it could not give the same file twice.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1))

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

// Departments 01 to 95 (no 20), and Corsica's 2A and 2B now and then.
function department(random: Random): string {
  if (random() < 0.02) return random() < 0.5 ? '2A' : '2B'
  const n = int(random, 1, 94)
  return pad(n >= 20 ? n + 1 : n, 2)
}

// `1 234,56`: space between thousands, decimal comma, sometimes negative.
function amount(random: Random): string {
  const cents = int(random, 0, 99_999_999)
  const euros = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ' ')
  const sign = random() < 0.05 ? '-' : ''
  return `${sign}${euros},${pad(cents % 100, 2)}`
}

// One in 25 labels is quoted because it holds the separator and doubled quotes.
function label(random: Random): string {
  const object = pick(random, OBJECTS)
  const place = pick(random, PLACES)
  const year = `exercice ${int(random, 2015, 2024)}`
  if (random() < 0.04) return `"${object} ""${place}""; tranche ${int(random, 1, 9)}, ${year}"`
  return `${object} ${place} n°${int(random, 1, 9999)}, ${year}`
}

function row(random: Random): string {
  const dept = department(random)
  const postalDept = dept === '2A' || dept === '2B' ? '20' : dept
  return [
    dept + pad(int(random, 1, 999), 3),
    pick(random, COMMUNES),
    label(random),
    amount(random),
    String(int(random, 0, 5000)),
    `${pad(int(random, 1, 28), 2)}/${pad(int(random, 1, 12), 2)}/${int(random, 2015, 2024)}`,
    random() < 0.7 ? 'oui' : 'non',
    postalDept + pad(int(random, 0, 999), 3)
  ].join(';')
}

// Streams `rows` data rows (plus the header) to `file` and returns its size in
// bytes. Memory stays at one chunk whatever the row count.
export async function writeCsv(file: string, rows: number): Promise<number> {
  const random = seededRandom(SEED)
  const out = createWriteStream(file)
  let chunk = HEADER.join(';') + '\n'
  for (let i = 0; i < rows; i++) {
    chunk += row(random) + '\n'
    if (chunk.length >= CHUNK_CHARS) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await finished(out)
  return (await fs.stat(file)).size
}
