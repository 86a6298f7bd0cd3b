import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Config, type KeyRingConfig } from './config.js'
import { generateKey } from './crypto/envelope.js'

interface StoredSecrets {
  encryptionKeyId: string
  encryptionKey: string
  cookieSecret: string
}

export interface Secrets {
  encryptionKeys: KeyRingConfig
  cookieSecret: string
}

/**
 * Development and trial installs get secrets generated on first start and kept beside the
 * embedded data (mode 0600), so nothing secret is ever committed. Production refuses to
 * start without real ones (config.ts).
 */
export async function resolveSecrets(config: Config): Promise<Secrets> {
  if (config.encryptionKeys && config.cookieSecret) {
    return { encryptionKeys: config.encryptionKeys, cookieSecret: config.cookieSecret }
  }
  const stored = await loadOrCreate(join(config.dataDir, 'secrets.json'))
  return {
    encryptionKeys: config.encryptionKeys ?? {
      activeKeyId: stored.encryptionKeyId,
      keys: new Map([[stored.encryptionKeyId, Buffer.from(stored.encryptionKey, 'base64')]]),
    },
    cookieSecret: config.cookieSecret ?? stored.cookieSecret,
  }
}

async function loadOrCreate(path: string): Promise<StoredSecrets> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoredSecrets
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const secrets: StoredSecrets = {
    encryptionKeyId: `dev-${randomBytes(3).toString('hex')}`,
    encryptionKey: generateKey(),
    cookieSecret: randomBytes(32).toString('base64url'),
  }
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' })
  return secrets
}
