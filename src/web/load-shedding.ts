import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { paths } from './paths.js'

/**
 * Turns requests away with 503 and Retry-After while this instance is overloaded, before any
 * work is done for them, so that the requests it does take are answered in good time and a
 * spike cannot leave a report half-handled. Three signs of overload, each off at 0: too many
 * requests already in progress here (the queue a spike builds), the event loop running late
 * (CPU), and requests queueing for a database connection (PostgreSQL).
 * A report's final submission is turned away only at twice the thresholds: the person has
 * written everything, and sending it costs one transaction.
 */
export interface SheddingOptions {
  /** Requests in progress on this instance beyond which new ones are shed; 0: off. */
  maxInProgress: number
  /** Mean event-loop delay over the last sample above which requests are shed; 0: off. */
  maxEventLoopDelayMs: number
  /** Requests waiting for a database connection above which requests are shed; 0: off. */
  maxPoolWaiting: number
  retryAfterSeconds: number
  /** Requests now waiting for a connection (undefined: the database has no pool, PGlite). */
  poolWaiting: (() => number) | undefined
  /** How often the event-loop delay is read, in ms. */
  sampleMs?: number
}

export interface Pressure {
  inProgress: number
  eventLoopDelayMs: number
  poolWaiting: number
}

/** Whether a request may go ahead under `pressure`. Pure, for the tests. */
export function admits(
  pressure: Pressure,
  options: Pick<SheddingOptions, 'maxInProgress' | 'maxEventLoopDelayMs' | 'maxPoolWaiting'>,
  priority: 1 | 2,
): boolean {
  const over = (value: number, limit: number) => limit > 0 && value > limit * priority
  return !(
    over(pressure.inProgress, options.maxInProgress) ||
    over(pressure.eventLoopDelayMs, options.maxEventLoopDelayMs) ||
    over(pressure.poolWaiting, options.maxPoolWaiting)
  )
}

/** Never shed: the load balancer's check, and the fingerprinted files a page needs. */
function exempt(url: string): boolean {
  return url === paths.health || url.startsWith('/assets/')
}

function priorityOf(request: FastifyRequest): 1 | 2 {
  return request.method === 'POST' && request.url === paths.report.checkAnswers ? 2 : 1
}

export const loadSheddingPlugin = fp<SheddingOptions>(
  (app: FastifyInstance, options, done) => {
    if (options.maxInProgress + options.maxEventLoopDelayMs + options.maxPoolWaiting === 0) {
      done()
      return
    }
    const resolutionMs = 10
    const histogram = monitorEventLoopDelay({ resolution: resolutionMs })
    histogram.enable()
    let eventLoopDelayMs = 0
    let shedSinceLog = 0
    let inProgress = 0
    const counted = new WeakSet<FastifyRequest>()
    const timer = setInterval(() => {
      // The histogram counts the timer's own period; an idle loop reads about 0 without it.
      const mean = Number.isNaN(histogram.mean) ? 0 : histogram.mean / 1e6
      eventLoopDelayMs = Math.max(0, mean - resolutionMs)
      histogram.reset()
      if (shedSinceLog > 0) {
        // One line a sample, not one a request: a spike must not flood the log too.
        app.log.warn({ shed: shedSinceLog, eventLoopDelayMs }, 'overloaded: requests shed')
        shedSinceLog = 0
      }
    }, options.sampleMs ?? 500)
    timer.unref()
    app.addHook('onClose', () => {
      clearInterval(timer)
      histogram.disable()
    })

    app.addHook('onRequest', async (request, reply) => {
      if (exempt(request.url)) return
      const pressure = {
        // This request included: the limit is how many may be in progress at once.
        inProgress: inProgress + 1,
        eventLoopDelayMs,
        poolWaiting: options.poolWaiting?.() ?? 0,
      }
      if (admits(pressure, options, priorityOf(request))) {
        inProgress++
        counted.add(request)
        return
      }
      shedSinceLog++
      return busy(request, reply, options.retryAfterSeconds)
    })
    // Fastify runs this when the answer is sent or the client has gone, once either way.
    app.addHook('onResponse', (request, _reply, next) => {
      if (counted.delete(request)) inProgress--
      next()
    })
    done()
  },
  { name: 'load-shedding' },
)

function busy(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number) {
  reply.code(503).header('retry-after', String(retryAfterSeconds))
  // A shed request's connection is closed, so a client that keeps one open goes elsewhere.
  reply.header('connection', 'close')
  if (request.url.startsWith('/api/')) {
    return reply.type('application/problem+json').send({
      type: 'about:blank',
      title: 'Service busy',
      status: 503,
      detail: `Too many requests at once. Try again after ${retryAfterSeconds} seconds.`,
    })
  }
  const page = request.url.startsWith('/staff') ? 'staff-errors/busy.njk' : 'errors/busy.njk'
  return reply.view(page, { retryAfterSeconds }, 503)
}
