import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Config, type KeyRingConfig } from './config.js'
import { generateKey } from './crypto/envelope.js'

interface StoredSecrets {
  encryptionKeyId: string
  encryptionKey: string
  cookieSecret: string
  /** Added after the first installs: a file without them gets them on its next start. */
  identifierKeyId?: string
  identifierKey?: string
}

export interface Secrets {
  encryptionKeys: KeyRingConfig
  /** The keys of the keyed hashes that link reports (src/links/hashing.ts). */
  identifierKeys: KeyRingConfig
  cookieSecret: string
}

/**
 * Development and trial installs get secrets generated on first start and kept beside the
 * embedded data (mode 0600), so nothing secret is ever committed. Production refuses to
 * start without real ones (config.ts).
 */
export async function resolveSecrets(config: Config): Promise<Secrets> {
  if (config.encryptionKeys && config.identifierKeys && config.cookieSecret) {
    return {
      encryptionKeys: config.encryptionKeys,
      identifierKeys: config.identifierKeys,
      cookieSecret: config.cookieSecret,
    }
  }
  const stored = await loadOrCreate(join(config.dataDir, 'secrets.json'))
  return {
    encryptionKeys: config.encryptionKeys ?? ring(stored.encryptionKeyId, stored.encryptionKey),
    identifierKeys: config.identifierKeys ?? ring(stored.identifierKeyId, stored.identifierKey),
    cookieSecret: config.cookieSecret ?? stored.cookieSecret,
  }
}

const ring = (id: string, key: string): KeyRingConfig => ({
  activeKeyId: id,
  keys: new Map([[id, Buffer.from(key, 'base64')]]),
})

const newKeyId = () => `dev-${randomBytes(3).toString('hex')}`

async function loadOrCreate(
  path: string,
): Promise<StoredSecrets & Required<Pick<StoredSecrets, 'identifierKeyId' | 'identifierKey'>>> {
  let stored: StoredSecrets | undefined
  try {
    stored = JSON.parse(await readFile(path, 'utf8')) as StoredSecrets
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (stored?.identifierKeyId && stored.identifierKey) {
    return {
      ...stored,
      identifierKeyId: stored.identifierKeyId,
      identifierKey: stored.identifierKey,
    }
  }
  const secrets = {
    encryptionKeyId: stored?.encryptionKeyId ?? newKeyId(),
    encryptionKey: stored?.encryptionKey ?? generateKey(),
    cookieSecret: stored?.cookieSecret ?? randomBytes(32).toString('base64url'),
    identifierKeyId: newKeyId(),
    identifierKey: generateKey(),
  }
  await mkdir(join(path, '..'), { recursive: true })
  // A new file must not replace one another process wrote meanwhile; an older one gains a key.
  await writeFile(path, JSON.stringify(secrets, null, 2), {
    mode: 0o600,
    flag: stored ? 'w' : 'wx',
  })
  return secrets
}
