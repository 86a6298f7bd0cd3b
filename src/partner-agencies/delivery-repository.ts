import type { Sealed } from '../crypto/envelope.js'
import type { Queryable } from '../db/db.js'
import type { WebhookFormat } from './delivery-validation.js'

/** SQL for a partner agency's delivery channels. The webhook secret stays sealed here. */
export interface StoredDeliveryChannels {
  agencyId: string
  deliveryEmail: string | null
  webhook: { url: string; format: WebhookFormat; secret: Sealed } | null
}

interface ChannelRecord {
  id: string
  delivery_email: string | null
  webhook_url: string | null
  webhook_format: WebhookFormat | null
  webhook_key_id: string | null
  webhook_wrapped_key: Uint8Array | null
  webhook_secret_ciphertext: Uint8Array | null
}

export async function findDeliveryChannels(
  db: Queryable,
  agencyId: string,
): Promise<StoredDeliveryChannels | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(agencyId)) return undefined
  const rows = await db.query<ChannelRecord & Record<string, unknown>>(
    `SELECT id, delivery_email, webhook_url, webhook_format, webhook_key_id,
            webhook_wrapped_key, webhook_secret_ciphertext
       FROM partner_agencies WHERE id = $1`,
    [agencyId],
  )
  const r = rows[0]
  if (!r) return undefined
  return {
    agencyId: r.id,
    deliveryEmail: r.delivery_email,
    webhook:
      r.webhook_url &&
      r.webhook_format &&
      r.webhook_key_id &&
      r.webhook_wrapped_key &&
      r.webhook_secret_ciphertext
        ? {
            url: r.webhook_url,
            format: r.webhook_format,
            secret: {
              keyId: r.webhook_key_id,
              wrappedKey: Buffer.from(r.webhook_wrapped_key),
              ciphertext: Buffer.from(r.webhook_secret_ciphertext),
            },
          }
        : null,
  }
}

/** Sets the channels; a null `secret` with a webhook keeps the secret already sealed. */
export async function saveDeliveryChannels(
  db: Queryable,
  agencyId: string,
  channels: {
    deliveryEmail: string | null
    webhook: { url: string; format: WebhookFormat; secret: Sealed | null } | null
  },
  at: Date,
): Promise<boolean> {
  const w = channels.webhook
  const rows = await db.query(
    `UPDATE partner_agencies
        SET delivery_email = $2, webhook_url = $3, webhook_format = $4,
            webhook_key_id = CASE WHEN $3::text IS NULL THEN NULL ELSE COALESCE($5, webhook_key_id) END,
            webhook_wrapped_key = CASE WHEN $3::text IS NULL THEN NULL ELSE COALESCE($6, webhook_wrapped_key) END,
            webhook_secret_ciphertext = CASE WHEN $3::text IS NULL THEN NULL ELSE COALESCE($7, webhook_secret_ciphertext) END,
            updated_at = $8
      WHERE id = $1 RETURNING id`,
    [
      agencyId,
      channels.deliveryEmail,
      w?.url ?? null,
      w?.format ?? null,
      w?.secret?.keyId ?? null,
      w?.secret?.wrappedKey ?? null,
      w?.secret?.ciphertext ?? null,
      at,
    ],
  )
  return rows.length > 0
}
