import {
  DIGIT, HIGH, LOWER, NEIGHBOUR_CLASSES, PUNCT, SPACE, UPPER, contextIndex
} from './byte-stats.js'
import { CP850_HIGH } from './cp850.js'
import { WINDOWS_1252_HIGH } from './windows-1252.js'

// Choosing between windows-1252 and CP850 for a file that is not UTF-8.
//
// Both code pages put French letters in the high half, at different places: é is 0xE9 in
// windows-1252 and 0x82 in CP850, and CP850's 0xE0–0xFF are mostly capitals and symbols
// that windows-1252 uses for lowercase accented letters. A frequency table alone is
// fooled (0x80 is € in one and Ç in the other), so every high byte is scored by what it
// would decode to *and* by its neighbours: a lowercase letter inside a lowercase word
// scores, a capital glued to lowercase letters, or a letter between digits, does not.

const enum Kind { Lower, Upper, Symbol, Rare, Undefined }

// Symbols that French text uses often enough to be evidence for a code page.
const COMMON_SYMBOLS = new Set('€’‘“”–—…•«»°§£²³©®±×÷·½\u00a0')

// Bytes that windows-1252 leaves undefined: seeing one is strong evidence against it.
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d])

// Penalty for a byte that has no character at all in the candidate code page.
const UNDEFINED_PENALTY = -5

function kindOf(char: string): Kind {
  if (COMMON_SYMBOLS.has(char)) return Kind.Symbol

  // Accented letters decompose to an ASCII base letter; the ligatures do not.
  const base = char.normalize('NFD').charAt(0)
  if (/[a-zæœß]/.test(base)) return Kind.Lower
  if (/[A-ZÆŒ]/.test(base)) return Kind.Upper
  return Kind.Rare
}

function kindTable(high: readonly number[], undefinedBytes: ReadonlySet<number>): Kind[] {
  return high.map((codePoint, i) =>
    undefinedBytes.has(0x80 + i) ? Kind.Undefined : kindOf(String.fromCharCode(codePoint)))
}

const KINDS_1252 = kindTable(WINDOWS_1252_HIGH, UNDEFINED_1252)
const KINDS_850 = kindTable(CP850_HIGH, new Set())

const isLetter = (cls: number): boolean => cls === LOWER || cls === UPPER
const isSeparator = (cls: number): boolean => cls === SPACE || cls === PUNCT || cls === HIGH

function lowerScore(previous: number, next: number): number {
  if (next === UPPER) return 0
  if (previous === LOWER || next === LOWER) return 2
  // "à", "où" stand alone; "Hé" ends an odd word but is not impossible.
  if (isSeparator(previous) && isSeparator(next)) return 1
  if (previous === UPPER) return 1
  return 0
}

function upperScore(previous: number, next: number): number {
  if (previous === LOWER) return 0
  if (next === LOWER) return isSeparator(previous) ? 2 : 0 // "École" yes, "MÚdecin" no
  if (previous === UPPER || next === UPPER) return 2
  if (isSeparator(previous) && isSeparator(next)) return 1
  return 0
}

function score(kind: Kind, previous: number, next: number): number {
  switch (kind) {
    case Kind.Lower: return lowerScore(previous, next)
    case Kind.Upper: return upperScore(previous, next)
    case Kind.Symbol: return 1
    case Kind.Rare: return previous === DIGIT || isLetter(previous) ? -1 : 0
    case Kind.Undefined: return UNDEFINED_PENALTY
  }
}

export interface SingleByteScores { windows1252: number; cp850: number }

export function scoreSingleByte(context: Uint32Array): SingleByteScores {
  const scores = { windows1252: 0, cp850: 0 }
  for (let b = 0x80; b <= 0xff; b++) {
    const kind1252 = KINDS_1252[b - 0x80] ?? Kind.Rare
    const kind850 = KINDS_850[b - 0x80] ?? Kind.Rare
    for (let previous = 0; previous < NEIGHBOUR_CLASSES; previous++) {
      for (let next = 0; next < NEIGHBOUR_CLASSES; next++) {
        const count = context[contextIndex(b, previous, next)] ?? 0
        if (count === 0) continue

        scores.windows1252 += count * score(kind1252, previous, next)
        scores.cp850 += count * score(kind850, previous, next)
      }
    }
  }
  return scores
}

// Ties go to windows-1252: it is what French office software has written for decades,
// CP850 only survives in exports from old DOS-era applications.
export function chooseSingleByte(context: Uint32Array): 'windows-1252' | 'cp850' {
  const { windows1252: w, cp850 } = scoreSingleByte(context)
  return cp850 > w ? 'cp850' : 'windows-1252'
}
