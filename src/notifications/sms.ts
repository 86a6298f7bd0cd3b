import { DeliveryError } from '../outbox/worker.js'

export interface OutgoingSms {
  /** The outbox message's id: the provider's reference, to drop a repeat. */
  messageId: string
  to: string
  text: string
}

/** Where texts go. Providers differ; each is a small adapter behind this. */
export interface SmsProvider {
  readonly name: string
  send(sms: OutgoingSms): Promise<void>
}

/** The default: sends nothing and logs only the message id, never the number or the words. */
export function loggingSmsProvider(log: { info(details: object, message: string): void }) {
  return {
    name: 'log',
    send(sms: OutgoingSms) {
      log.info(
        { message: sms.messageId, length: sms.text.length },
        'text message not sent (SMS_PROVIDER=log)',
      )
      return Promise.resolve()
    },
  } satisfies SmsProvider
}

/**
 * A provider reached over HTTPS with a bearer token: POST {to, text, reference} as JSON. The
 * reference is the message id, which the provider uses as its idempotency key.
 */
export function httpSmsProvider(settings: { url: string; token: string }): SmsProvider {
  return {
    name: 'http',
    async send(sms) {
      let status: number
      try {
        const response = await fetch(settings.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${settings.token}`,
            'idempotency-key': sms.messageId,
          },
          body: JSON.stringify({ to: sms.to, text: sms.text, reference: sms.messageId }),
          redirect: 'error',
          signal: AbortSignal.timeout(20_000),
        })
        status = response.status
        await response.body?.cancel()
      } catch {
        throw new DeliveryError('SMS_PROVIDER_UNREACHABLE')
      }
      if (status < 200 || status > 299)
        throw new DeliveryError(`SMS_PROVIDER_REFUSED (answered ${String(status)})`)
    },
  }
}
