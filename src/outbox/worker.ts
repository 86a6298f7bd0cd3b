import { randomUUID } from 'node:crypto'
import type { Db, Queryable } from '../db/db.js'
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.js'
import * as repository from './repository.js'
import type { Channel, ClaimedMessage, Purpose } from './repository.js'

/** A failed attempt, in words safe to keep and show (a status code, never an address). */
export class DeliveryError extends Error {
  constructor(readonly code: string) {
    super(code)
    this.name = 'DeliveryError'
  }
}

/** A delivery that can never succeed as things stand (no address): no retries are spent. */
export class PermanentDeliveryError extends DeliveryError {
  constructor(code: string) {
    super(code)
    this.name = 'PermanentDeliveryError'
  }
}

export interface Delivered {
  channel: Channel
  /** Whether the receiver's answer is also its acknowledgement (a webhook's 2xx). */
  acknowledged: boolean
}

/**
 * What each purpose does: send a claimed message, and record its outcome in the transaction
 * that settles the message (a referral becomes "sent", say).
 */
export interface PurposeHandler {
  send(message: ClaimedMessage): Promise<Delivered>
  delivered?(tx: Queryable, message: ClaimedMessage, result: Delivered, at: Date): Promise<void>
  failed?(tx: Queryable, message: ClaimedMessage, at: Date): Promise<void>
}

export interface WorkerLog {
  info(details: object, message: string): void
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

export interface OutboxWorkerOptions {
  db: Db
  handlers: Record<Purpose, PurposeHandler>
  now: () => Date
  log: WorkerLog
  /** Names the worker in its claims; a fresh id per process. */
  id?: string
  /** How long a claim lasts: longer than any one send may take (sends time out well before). */
  leaseMs?: number
  batchSize?: number
  pollMs?: number
  backoff?: BackoffPolicy
  random?: () => number
}

/**
 * Delivers the outbox. Each message is claimed under a lease (SKIP LOCKED), sent, then settled
 * only if this worker still holds it. A worker that dies mid-send leaves its claim to run out,
 * and another sends the message again: at least once on the wire, with the message id as the
 * receiver's key to drop the repeat. Settling the message and its referral's state is one
 * transaction.
 */
export function outboxWorker(options: OutboxWorkerOptions) {
  const { db, handlers, now, log } = options
  const id = options.id ?? `worker:${randomUUID()}`
  const leaseMs = options.leaseMs ?? 120_000
  const batchSize = options.batchSize ?? 10
  const pollMs = options.pollMs ?? 1_000
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const random = options.random ?? Math.random
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined
  let stopped = true

  async function deliverOne(message: ClaimedMessage): Promise<void> {
    const handler = handlers[message.purpose]
    try {
      const result = await handler.send(message)
      await db.transaction(async (tx) => {
        const held = await repository.markDelivered(tx, message.id, id, now(), result.channel)
        if (held) await handler.delivered?.(tx, message, result, now())
      })
      log.info({ message: message.id, purpose: message.purpose }, 'message delivered')
    } catch (error) {
      const permanent = error instanceof PermanentDeliveryError
      const last = permanent || message.attempt >= message.maxAttempts
      const code = describe(error)
      const at = now()
      const retryAt = last
        ? null
        : new Date(at.getTime() + retryDelayMs(message.attempt, backoff, random()))
      await db.transaction(async (tx) => {
        const held = await repository.markAttemptFailed(tx, message.id, id, at, code, retryAt)
        if (held && last) await handler.failed?.(tx, message, at)
      })
      const details = { message: message.id, attempt: message.attempt, error: code }
      if (last) log.error(details, 'message failed after its last attempt')
      else log.warn(details, 'message not delivered; will try again')
    }
  }

  /** Claims and delivers what is due now, once; returns how many it claimed. */
  async function runOnce(): Promise<number> {
    const at = now()
    const claimed = await repository.claimDue(
      db,
      id,
      at,
      new Date(at.getTime() + leaseMs),
      batchSize,
    )
    await Promise.all(claimed.map(deliverOne))
    return claimed.length
  }

  function schedule(delay: number): void {
    if (stopped) return
    timer = setTimeout(() => {
      running = runOnce().catch((error: unknown) => {
        log.error({ error: describe(error) }, 'outbox worker could not claim messages')
        return 0
      })
      void running.then((count) => {
        // A full batch means more may be waiting: go again at once.
        schedule(count >= batchSize ? 0 : pollMs)
      })
    }, delay)
  }

  return {
    id,
    runOnce,
    start(): void {
      if (!stopped) return
      stopped = false
      schedule(0)
    },
    /** Stops claiming and waits for the sends in hand to settle. */
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}

export type OutboxWorker = ReturnType<typeof outboxWorker>

/**
 * An error's code for the record: a transport's own text can quote an address (an SMTP server
 * refusing a recipient), so only our own errors keep their words.
 */
function describe(error: unknown): string {
  if (error instanceof DeliveryError) return error.code
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return error instanceof Error ? error.name : 'UNKNOWN'
}
