import { hash, verify } from '@node-rs/argon2'

/**
 * argon2id with OWASP's first recommended parameters (19 MiB, 2 passes, 1 lane): see
 * docs/adr/0009-staff-sign-in.md. The PHC string records its own parameters, so
 * raising them later still verifies older hashes.
 */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    // A malformed stored hash must read as a failed sign-in, never as an error page.
    return false
  }
}

/**
 * Made once per process from a random password nobody knows: unknown emails, disabled
 * accounts and people without a password are checked against it, so that a wrong email takes
 * as long as a wrong password and the response time reveals nothing.
 */
let dummy: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomUUID())
  return dummy
}
