// What the request log says of a URL: its path, and the names of its query
// parameters without their values. Values are data: a filter on a name
// (`where[nom]=Dupont`), a cursor that holds the last row's sort values, a file
// name; the log must not hold rows (a draft's included).

// Enough to tell requests apart; a query of thousands of parameters is cut.
const MAX_NAMES = 20
const MAX_NAME_LENGTH = 100

export function loggedUrl(url: string): { path: string; query?: string[] } {
  const at = url.indexOf('?')
  if (at < 0) return { path: url }

  const names: string[] = []
  for (const part of url.slice(at + 1).split('&')) {
    if (part === '') continue
    if (names.length === MAX_NAMES) {
      names.push('…')
      break
    }
    const raw = part.split('=', 1)[0] ?? ''
    names.push(decodeName(raw).slice(0, MAX_NAME_LENGTH))
  }
  return { path: url.slice(0, at), query: names }
}

// `where%5Bnom%5D` is `where[nom]`; a name that does not decode is logged as sent.
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return raw
  }
}
