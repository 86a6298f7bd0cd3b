import { createHash, randomBytes } from 'node:crypto'

/**
 * API keys: 256 random bits, prefixed so a leaked key is recognisable in a scan. Only the
 * SHA-256 is stored; a key this random needs no slow hash, and a fast one keeps every call
 * cheap. A key is shown once, when it is made.
 */
const PREFIX = 'sc_api_'

export const newApiKey = (): string => `${PREFIX}${randomBytes(32).toString('base64url')}`

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex')

/** The key from `Authorization: Bearer <key>`, if it has the shape of one. */
export function keyFromAuthorization(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{1,100})$/i.exec(header ?? '')
  return match?.[1]?.startsWith(PREFIX) ? match[1] : undefined
}

/** A stable hash of a JSON body: the same data in any key order or spacing hashes alike. */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
