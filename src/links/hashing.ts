import { createHmac } from 'node:crypto'
import type { KeyRingConfig } from '../config.js'
import type { Identifier, IdentifierKind } from './identifiers.js'

/**
 * Identifiers are stored only as keyed hashes (HMAC-SHA-256): equal identifiers give equal
 * digests, so an index finds matches, but without the key a digest cannot be turned back
 * into a username or a phone number by trying every likely one.
 *
 * Rotation: a new identifier is hashed under the active key only; a look-up hashes under every
 * configured key, so identifiers stored before a rotation keep matching. A retired key's
 * digests match nothing, so a key stays configured while any row names it (README).
 */
export interface HashedIdentifier {
  kind: IdentifierKind
  /** The key the stored digest was made with. */
  keyId: string
  /** The digest to store: under the active key. */
  digest: Buffer
  /** The digests to look for: one under every configured key, the active one first. */
  lookups: Buffer[]
}

export interface IdentifierHasher {
  readonly activeKeyId: string
  hash(identifier: Identifier): HashedIdentifier
}

/** The kind goes into the hash, so a child's name never matches a username spelt the same. */
const message = (identifier: Identifier) => `${identifier.kind}\u0000${identifier.value}`

export function identifierHasher(ring: KeyRingConfig): IdentifierHasher {
  const active = ring.keys.get(ring.activeKeyId)
  if (!active) throw new Error('The active identifier key is not among the configured keys')
  const others = [...ring.keys].filter(([id]) => id !== ring.activeKeyId).map(([, key]) => key)
  const digestUnder = (key: Buffer, identifier: Identifier) =>
    createHmac('sha256', key).update(message(identifier), 'utf8').digest()
  return {
    activeKeyId: ring.activeKeyId,
    hash(identifier) {
      const digest = digestUnder(active, identifier)
      return {
        kind: identifier.kind,
        keyId: ring.activeKeyId,
        digest,
        lookups: [digest, ...others.map((key) => digestUnder(key, identifier))],
      }
    },
  }
}
