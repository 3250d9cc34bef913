// Check keys computed here the plain way (BigInt, digit strings), not by the code tested.
export function isLuhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

export function withLuhnKey(digits: string): string {
  for (let key = 0; key < 10; key++) {
    if (isLuhnValid(`${digits}${key}`)) return `${digits}${key}`
  }
  throw new Error('unreachable')
}

export function withNirKey(first13: string): string {
  const digits = first13.replace('2A', '19').replace('2B', '18')
  const key = 97n - (BigInt(digits) % 97n)
  return `${first13}${String(key).padStart(2, '0')}`
}

export function withIbanCheck(country: string, bban: string): string {
  const letters = (s: string) => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  const check = 98n - (BigInt(letters(`${bban}${country}00`)) % 97n)
  return `${country}${String(check).padStart(2, '0')}${bban}`
}
