import type { Role } from '../db/schema.js'

// Each role can do what the roles below it can.
const RANK: Record<Role, number> = { reader: 0, editor: 1, publisher: 2, admin: 3 }

export function allows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed]
}

export interface Actor {
  tokenId: string
  organizationId: string
  role: Role
}

// For handlers of routes that declare a role: the auth hook has already
// refused anonymous callers, so a missing actor here is a programming error.
export function requireActor(actor: Actor | null): Actor {
  if (actor === null) throw new Error('route without a role reached an authenticated handler')
  return actor
}
