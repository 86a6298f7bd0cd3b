import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The acknowledgement link in a referral email: the referral's id and an HMAC of it, so the
 * link is the same on every attempt (a repeat email carries the same link) and nothing needs
 * storing. It works once: the first use records the acknowledgement; later ones only say so.
 */
export function acknowledgementKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('referral-acknowledgement').digest()
}

export function acknowledgementToken(key: Buffer, referralId: string): string {
  const mac = createHmac('sha256', key).update(referralId).digest('base64url')
  return `${referralId}.${mac}`
}

/** The referral id the token names, if the token is genuine. */
export function readAcknowledgementToken(key: Buffer, token: string): string | undefined {
  const [id, mac] = token.split('.')
  if (!id || !mac || !/^[0-9a-f-]{36}$/i.test(id)) return undefined
  const expected = acknowledgementToken(key, id).split('.')[1] ?? ''
  return mac.length === expected.length && timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
    ? id
    : undefined
}
