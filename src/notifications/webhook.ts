import { createHmac, timingSafeEqual } from 'node:crypto'
import { DeliveryError } from '../outbox/worker.js'

export const SIGNATURE_HEADER = 'safety-centre-signature'
export const IDEMPOTENCY_HEADER = 'idempotency-key'

/**
 * A webhook body is signed as `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "t.body">`, as Stripe
 * and others do: the receiver checks the signature with the shared secret and refuses old
 * timestamps, so a captured request cannot be replayed later.
 */
export function signWebhook(secret: string, body: string, timestampS: number): string {
  const mac = createHmac('sha256', secret)
    .update(`${String(timestampS)}.${body}`)
    .digest('hex')
  return `t=${String(timestampS)},v1=${mac}`
}

/** What a receiver does: true only for a good signature made within `toleranceS` of `nowS`. */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  nowS: number,
  toleranceS = 300,
): boolean {
  const parts = new Map(
    (header ?? '').split(',').map((p) => p.split('=', 2) as [string, string | undefined]),
  )
  const t = Number(parts.get('t'))
  const given = parts.get('v1') ?? ''
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS) return false
  const expected = signWebhook(secret, body, t).split('v1=')[1] ?? ''
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  )
}

export interface WebhookRequest {
  url: string
  secret: string
  body: string
  idempotencyKey: string
  now: Date
}

/** Posts a signed JSON body; any 2xx is success (and the partner's acknowledgement). */
export async function postWebhook(request: WebhookRequest): Promise<void> {
  const timestampS = Math.floor(request.now.getTime() / 1000)
  let status: number
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(request.secret, request.body, timestampS),
        [IDEMPOTENCY_HEADER]: request.idempotencyKey,
      },
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(20_000),
    })
    status = response.status
    await response.body?.cancel()
  } catch {
    throw new DeliveryError('WEBHOOK_UNREACHABLE')
  }
  if (status < 200 || status > 299)
    throw new DeliveryError(`WEBHOOK_REFUSED (answered ${String(status)})`)
}
