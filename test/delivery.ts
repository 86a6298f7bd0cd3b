import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { auditTrail } from '../src/audit/trail.js'
import type { Queryable } from '../src/db/db.js'
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  verifyWebhook,
} from '../src/notifications/webhook.js'

/** A real SMTP server on this machine, STARTTLS on (its own test certificate), keeping mail. */
export interface ReceivedEmail {
  raw: string
  to: string[]
  secure: boolean
  messageId: string | undefined
}

export async function startSmtpServer(options: { refuse?: () => boolean } = {}) {
  const received: ReceivedEmail[] = []
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (options.refuse?.()) {
          callback(Object.assign(new Error('mailbox busy'), { responseCode: 451 }))
          return
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        received.push({
          raw,
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          messageId: /^X-Safety-Centre-Message-Id: (\S+)/im.exec(raw)?.[1],
        })
        callback()
      })
    },
  })
  // A sender killed mid-message resets its connection; that is the sender's problem, not ours.
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${String(port)}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** A partner's webhook receiver: checks each signature, and drops repeats by idempotency key. */
export interface ReceivedWebhook {
  body: Record<string, unknown>
  idempotencyKey: string
  signatureValid: boolean
}

export async function startWebhookReceiver(
  secret: string,
  options: { status?: () => number } = {},
) {
  const received: ReceivedWebhook[] = []
  const accepted = new Set<string>()
  let transportDuplicates = 0
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const header = request.headers[SIGNATURE_HEADER]
      const key = String(request.headers[IDEMPOTENCY_HEADER] ?? '')
      const signatureValid = verifyWebhook(
        secret,
        raw,
        typeof header === 'string' ? header : undefined,
        Math.floor(Date.now() / 1000),
        10 * 365 * 86_400,
      )
      const status = options.status?.() ?? (signatureValid ? 200 : 401)
      if (status === 200 && signatureValid) {
        if (accepted.has(key)) transportDuplicates += 1
        else
          received.push({
            body: JSON.parse(raw) as Record<string, unknown>,
            idempotencyKey: key,
            signatureValid,
          })
        accepted.add(key)
      }
      response.writeHead(status).end()
    })
  })
  const { port, close } = await listenOnLoopback(server)
  return {
    url: `http://127.0.0.1:${String(port)}/referrals`,
    received,
    transportDuplicates: () => transportDuplicates,
    close,
  }
}

/**
 * A text-message provider as `SMS_PROVIDER=http` reaches one (src/notifications/sms.ts): it
 * checks the bearer token and counts every text it is given by its reference (the outbox
 * message id), repeats included, answering after `delayMs` as a real provider takes a while.
 */
export async function startSmsProvider(token: string, options: { delayMs?: number } = {}) {
  const received = new Map<string, number>()
  let refused = 0
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        refused += 1
        response.writeHead(401).end()
        return
      }
      const { reference } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        reference: string
      }
      received.set(reference, (received.get(reference) ?? 0) + 1)
      setTimeout(() => response.writeHead(202).end(), options.delayMs ?? 0)
    })
  })
  const { port, close } = await listenOnLoopback(server)
  return {
    url: `http://127.0.0.1:${String(port)}/texts`,
    /** Texts received by message id, each with how many times it came. */
    received,
    refused: () => refused,
    close,
  }
}

/** Listens on a free loopback port; gives the port and a close that waits for it. */
async function listenOnLoopback(
  server: Server,
): Promise<{ port: number; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve()
        }),
      ),
  }
}

/** An audit trail for service calls made outside a request. */
export const testAudit = (now: () => Date, event = 'test.done') =>
  auditTrail({ event, actor: () => 'test', address: '', now })

let agencies = 0

/** A partner agency written straight to the table. */
export async function insertAgency(
  db: Queryable,
  kind: 'police-force' | 'children-services' | 'other' = 'police-force',
): Promise<{ id: string; code: string | null }> {
  agencies += 1
  const id = crypto.randomUUID()
  const code = kind === 'other' ? null : `T${String(agencies)}${id.slice(0, 4)}`
  await db.query(
    `INSERT INTO partner_agencies (id, kind, name, jurisdiction_code, urgent_phone, created_at, updated_at)
     VALUES ($1, $2, $3, $4, '01632 960000', now(), now())`,
    [id, kind, `Test agency ${String(agencies)}`, code],
  )
  return { id, code }
}
