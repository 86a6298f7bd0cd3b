import autocannon from 'autocannon'
import type { IncomingHttpHeaders } from 'node:http'

export interface LoadOptions {
  port: number
  connections: number
  /** A fixed number of POSTs, so a run stops by itself and its count can be checked. */
  amount: number
  path: string
  /** Headers and body of the next request: called exactly once per request sent. */
  next: () => { headers: Record<string, string>; body: string }
  /** Undefined when a response is the success expected; otherwise what was wrong with it. */
  check: (status: number, headers: IncomingHttpHeaders) => string | undefined
}

export interface LoadResult {
  succeeded: number
  seconds: number
  perSecond: number
  /** Milliseconds, as autocannon measures them (closed loop: each connection waits). */
  p50: number
  p99: number
}

/**
 * POSTs `amount` requests to 127.0.0.1 over `connections` keep-alive connections with
 * autocannon. Only the expected response counts; anything else fails the run loudly.
 */
export async function drive(options: LoadOptions): Promise<LoadResult> {
  let succeeded = 0
  // Own clock, first request built to last response: autocannon's start..finish also holds
  // its once-a-second sampling tick, which inflates short runs by up to a second.
  let firstSent: number | undefined
  let lastAnswered = 0
  const failures = new Map<string, number>()
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    amount: options.amount,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: options.path,
        setupRequest: (request) => {
          firstSent ??= performance.now()
          const { headers, body } = options.next()
          return { ...request, headers: { ...request.headers, ...headers }, body }
        },
        onResponse: (status, _body, _context, headers) => {
          lastAnswered = performance.now()
          const problem = options.check(status, headers ?? {})
          if (problem) failures.set(problem, (failures.get(problem) ?? 0) + 1)
          else succeeded++
        },
      },
    ],
  })
  const failed = [...failures.values()].reduce((a, b) => a + b, 0)
  if (failed > 0 || result.errors > 0 || succeeded + failed !== options.amount) {
    const listed = [...failures].map(([problem, count]) => `${count} x ${problem}`).join('; ')
    throw new Error(
      `POST ${options.path}: ${succeeded} of ${options.amount} succeeded, ` +
        `${result.errors} connection errors (${result.timeouts} timeouts)` +
        (listed ? `; ${listed}` : ''),
    )
  }
  const seconds = (lastAnswered - (firstSent ?? lastAnswered)) / 1000
  return {
    succeeded,
    seconds,
    perSecond: succeeded / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
}
