import { oneOf, text } from '../web/form-fields.js'
import type { FieldErrors, FormBody } from '../web/journey.js'

/**
 * How a partner agency receives referrals, as an administrator sets it: a secure email address
 * (sent only over TLS), and/or a signed webhook (an https URL, a shared secret, a format).
 * Pure parsing of the posted form; the secret is write-only, so leaving it blank keeps the one
 * already set.
 */
export const WEBHOOK_FORMATS = ['safety-centre-referral-v1'] as const
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number]

export interface DeliveryChannelsInput {
  deliveryEmail: string | null
  webhook: { url: string; format: WebhookFormat; secret: string | null } | null
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** https only; plain http only to this machine, for trying the service out. */
function webhookUrlProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'Enter the webhook address as a full URL, like https://referrals.example.org/hook'
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))
    return url.username || url.password
      ? 'The webhook address must not contain a user name or password'
      : undefined
  return 'The webhook address must start with https://'
}

export function parseDeliveryChannels(
  body: FormBody,
  hasSecret: boolean,
): { ok: true; value: DeliveryChannelsInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const deliveryEmail = text(body, 'deliveryEmail')
  const webhookUrl = text(body, 'webhookUrl')
  const secret = text(body, 'webhookSecret')
  const format = oneOf(body, 'webhookFormat', WEBHOOK_FORMATS)
  if (deliveryEmail.length > 254)
    errors.deliveryEmail = 'Email address must be 254 characters or less'
  else if (deliveryEmail !== '' && !EMAIL.test(deliveryEmail))
    errors.deliveryEmail =
      'Enter an email address in the correct format, like referrals@example.org'
  if (webhookUrl !== '') {
    const problem =
      webhookUrl.length > 2000
        ? 'The webhook address must be 2,000 characters or less'
        : webhookUrlProblem(webhookUrl)
    if (problem) errors.webhookUrl = problem
    if (!format) errors.webhookFormat = 'Select the format the webhook expects'
    if (secret === '' && !hasSecret)
      errors.webhookSecret = 'Enter the secret the agency uses to check our signature'
  }
  if (secret !== '' && (secret.length < 32 || secret.length > 200))
    errors.webhookSecret = 'The secret must be between 32 and 200 characters'
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      deliveryEmail: deliveryEmail === '' ? null : deliveryEmail,
      webhook:
        webhookUrl === '' || !format
          ? null
          : { url: webhookUrl, format, secret: secret === '' ? null : secret },
    },
  }
}
