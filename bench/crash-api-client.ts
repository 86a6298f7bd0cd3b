import { randomUUID } from 'node:crypto'
import { apiReport } from '../test/api.js'
import type { Balancer } from './balancer.js'
import { CrashClient, MARKER, type Reply, type ReporterStats } from './crash-reporter.js'
import type { Ledger } from './ledger.js'

/**
 * A platform sending reports through `POST /api/v1/reports`, as a well-behaved integration
 * does: a fresh Idempotency-Key for each report, and on a connection error (from the other
 * instance, as its load balancer would) or a 5xx, the SAME key and the same body again until it
 * gets its answer. A 201 with the reference is its acknowledgement. One key must make one
 * report, however many times it is sent and whichever instance takes it.
 */
export class CrashApiClient extends CrashClient {
  constructor(
    balancer: Balancer,
    ledger: Ledger,
    stats: ReporterStats,
    private readonly apiKey: string,
  ) {
    super(balancer, ledger, stats)
  }

  async report(): Promise<void> {
    this.startReport()
    const submission = randomUUID()
    const idempotencyKey = randomUUID()
    const body = JSON.stringify(
      apiReport({
        additionalInfo: `An adult account asked a 13-year-old for a photo. ${MARKER}${submission}`,
      }),
    )
    await this.ledger.append({ kind: 'sent', submission, via: 'api', at: Date.now() })
    let answeredBy = this.origin
    const reply = await this.persist(() =>
      this.finalSubmission(() => {
        answeredBy = this.origin
        return this.post(body, idempotencyKey)
      }),
    )
    const reference = reply.status === 201 ? referenceIn(reply.body) : undefined
    if (reference === undefined)
      throw this.unexpected(`POST /api/v1/reports answered ${String(reply.status)}`)
    await this.ledger.append({ kind: 'acknowledged', submission, at: Date.now() })
    this.acknowledged(answeredBy)
    await this.ledger.append({ kind: 'reference', submission, reference, at: Date.now() })
  }

  private async post(body: string, idempotencyKey: string): Promise<Reply> {
    const response = await fetch(`${this.origin}/api/v1/reports`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body,
      signal: AbortSignal.timeout(20_000),
    })
    return { status: response.status, location: undefined, body: await response.text() }
  }
}

function referenceIn(body: string): string | undefined {
  try {
    const { reference } = JSON.parse(body) as { reference?: unknown }
    return typeof reference === 'string' ? reference : undefined
  } catch {
    return undefined
  }
}
