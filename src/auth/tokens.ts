import { randomBytes, randomUUID } from 'node:crypto'

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'

import type { Db } from '../db/database.js'
import { ROLES, type Role } from '../db/schema.js'
import { AppError } from '../http/errors.js'
import type { Actor } from './roles.js'
import {
  createSigningKey,
  findActiveToken,
  findSigningKey,
  insertToken,
  touchToken
} from './token.queries.js'

const ISSUER = 'ouverture'
const ALGORITHM = 'HS256'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// The key comes from JWT_SECRET when set (several replicas must share it), else
// from the database, where the first start stores a random one.
export async function loadSigningKey(db: Db, configured: string): Promise<Uint8Array> {
  if (configured !== '') {
    if (Buffer.byteLength(configured) < 32) {
      throw new Error('JWT_SECRET must be at least 32 bytes long')
    }
    return new TextEncoder().encode(configured)
  }
  const existing = await findSigningKey(db)
  return new Uint8Array(existing ?? (await createSigningKey(db, randomBytes(32))))
}

export interface IssueOptions {
  organizationId: string
  role: Role
  name: string
  createdBy: string | null
  ttlDays: number
}

export interface IssuedToken {
  id: string
  token: string
  role: Role
  expires_at: string | null
}

export async function issueToken(db: Db, key: Uint8Array, opts: IssueOptions) {
  const id = randomUUID()
  const expiresAt =
    opts.ttlDays > 0 ? new Date(Date.now() + opts.ttlDays * 86_400_000) : null

  // The row is written first: a token whose row is missing could never be used.
  await insertToken(db, { id, ...opts, expiresAt })

  let jwt = new SignJWT({ org: opts.organizationId, role: opts.role })
    .setProtectedHeader({ alg: ALGORITHM })
    .setJti(id)
    .setIssuer(ISSUER)
    .setIssuedAt()
  if (expiresAt !== null) jwt = jwt.setExpirationTime(expiresAt)

  const issued: IssuedToken = {
    id,
    token: await jwt.sign(key),
    role: opts.role,
    expires_at: expiresAt?.toISOString() ?? null
  }
  return issued
}

export async function verifyToken(db: Db, key: Uint8Array, token: string): Promise<Actor> {
  let jti: string | undefined
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: [ALGORITHM] })
    jti = payload.jti
  } catch (error) {
    const expired = error instanceof joseErrors.JWTExpired
    const detail = expired ? 'The token has expired.' : 'The token is not valid.'
    throw new AppError('TOKEN_INVALID', detail, {}, error)
  }

  // The signature proves who issued it; the row says whether it still holds.
  const row = jti === undefined || !UUID.test(jti) ? undefined : await findActiveToken(db, jti)
  if (row === undefined || !isRole(row.role)) {
    throw new AppError('TOKEN_INVALID', 'The token has been revoked or has expired.')
  }

  await touchToken(db, row.id)
  return { tokenId: row.id, organizationId: row.organization_id, role: row.role }
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}
