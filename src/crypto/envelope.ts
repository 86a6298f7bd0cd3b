import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { drawRandomBytes } from './random.js'
import type { KeyRingConfig } from '../config.js'

/**
 * Envelope encryption: each record gets its own data key (AES-256-GCM); the data key is
 * wrapped by a key-encryption key named by `keyId`, so rotating the key-encryption key
 * means re-wrapping small data keys, not re-encrypting every record. The associated data
 * binds a ciphertext to its record, so blobs cannot be swapped between rows.
 */
export interface Sealed {
  keyId: string
  wrappedKey: Buffer
  ciphertext: Buffer
}

export interface Envelope {
  seal(plaintext: string, associatedData: string): Sealed
  open(sealed: Sealed, associatedData: string): string
  /** Re-wraps the data key under the active key; the ciphertext is unchanged. */
  rewrap(sealed: Sealed): Sealed
  readonly activeKeyId: string
}

const IV_BYTES = 12
const TAG_BYTES = 16
const DATA_KEY_BYTES = 32

function encrypt(
  key: Buffer,
  plaintext: Buffer,
  aad: string,
  iv = drawRandomBytes(IV_BYTES),
): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body])
}

function decrypt(key: Buffer, blob: Buffer, aad: string): Buffer {
  const iv = blob.subarray(0, IV_BYTES)
  const tag = blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES)
  const decipher = createDecipheriv('aes-256-gcm', key, iv)
  decipher.setAAD(Buffer.from(aad, 'utf8'))
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
}

export function createEnvelope(ring: KeyRingConfig): Envelope {
  const kek = (keyId: string): Buffer => {
    const key = ring.keys.get(keyId)
    if (!key) throw new Error(`No encryption key with id ${keyId} is configured`)
    return key
  }
  const unwrap = (sealed: Sealed): Buffer =>
    decrypt(kek(sealed.keyId), sealed.wrappedKey, `key:${sealed.keyId}`)

  return {
    activeKeyId: ring.activeKeyId,
    seal(plaintext, associatedData) {
      // One draw for the data key and both IVs: sealing happens on every page of the form.
      const random = drawRandomBytes(DATA_KEY_BYTES + 2 * IV_BYTES)
      const dataKey = random.subarray(0, DATA_KEY_BYTES)
      const keyIv = random.subarray(DATA_KEY_BYTES, DATA_KEY_BYTES + IV_BYTES)
      const dataIv = random.subarray(DATA_KEY_BYTES + IV_BYTES)
      return {
        keyId: ring.activeKeyId,
        wrappedKey: encrypt(kek(ring.activeKeyId), dataKey, `key:${ring.activeKeyId}`, keyIv),
        ciphertext: encrypt(dataKey, Buffer.from(plaintext, 'utf8'), associatedData, dataIv),
      }
    },
    open(sealed, associatedData) {
      return decrypt(unwrap(sealed), sealed.ciphertext, associatedData).toString('utf8')
    },
    rewrap(sealed) {
      const dataKey = unwrap(sealed)
      return {
        keyId: ring.activeKeyId,
        wrappedKey: encrypt(kek(ring.activeKeyId), dataKey, `key:${ring.activeKeyId}`),
        ciphertext: sealed.ciphertext,
      }
    },
  }
}

export function generateKey(): string {
  return randomBytes(32).toString('base64')
}
