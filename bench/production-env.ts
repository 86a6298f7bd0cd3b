import { randomBytes } from 'node:crypto'
import type { KeyRingConfig } from '../src/config.js'
import { createEnvelope, type Envelope } from '../src/crypto/envelope.js'

/**
 * The settings `NODE_ENV=production` refuses to start without (src/config.ts), made up fresh
 * for one benchmark or test run. Every process of a run (instances, workers, the benchmark's
 * server) takes the same ones, so each reads what the others stored; the harness keeps the
 * encryption keys to open it too. When production comes to require another setting, it is
 * added here, once, for every benchmark and the scale-out test.
 */
export interface ProductionTestEnv {
  /** For a process's environment or `loadConfig()`; add the run's own settings after it. */
  env: Record<string, string>
  /** The encryption key ring the processes hold, to seal and open what they store. */
  keys: KeyRingConfig
  envelope: Envelope
}

export interface ProductionTestEnvOptions {
  keyId?: string
  /** A known encryption key (bench:queue derives its own so a later run can reuse a schema). */
  encryptionKey?: Buffer
}

export function productionTestEnv(options: ProductionTestEnvOptions = {}): ProductionTestEnv {
  const keyId = options.keyId ?? 'bench-1'
  const key = options.encryptionKey ?? randomBytes(32)
  const keys: KeyRingConfig = { activeKeyId: keyId, keys: new Map([[keyId, key]]) }
  return {
    env: {
      NODE_ENV: 'production',
      ENCRYPTION_KEYS: `${keyId}:${key.toString('base64')}`,
      IDENTIFIER_KEYS: `${keyId}:${randomBytes(32).toString('base64')}`,
      COOKIE_SECRET: randomBytes(32).toString('base64url'),
      SERVICE_URL: 'https://safety-centre.example.org',
    },
    keys,
    envelope: createEnvelope(keys),
  }
}
