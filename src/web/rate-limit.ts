import { createHmac } from 'node:crypto'
import rateLimit, {
  normalizeIP,
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreCtor,
} from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Queryable } from '../db/db.js'

/**
 * Counts requests per client in fixed windows, shared by every instance through PostgreSQL.
 * A hit is counted in memory at once (no round trip on a reporter's request); about once a
 * second each instance adds what it counted to `rate_limit_counts` and reads back the total
 * all instances counted, so the limit holds across instances to within a second's traffic.
 */
export interface SharedCounter {
  /** Counts one hit for `key` and returns the window's count so far, as far as it is known. */
  hit(key: string, windowMs: number): { count: number; msLeft: number }
  /** Adds this instance's counts to the shared table and learns the others'. */
  sync(): Promise<void>
  /** Deletes windows that have ended. */
  purge(): Promise<number>
}

interface Entry {
  windowStart: number
  windowMs: number
  /** The shared total when last synced, this instance's flushed hits included. */
  synced: number
  /** Hits counted here and not yet added to the shared total. */
  pending: number
}

interface CountRow {
  [key: string]: unknown
  key: string
  window_start: Date
  count: number
}

export function sharedRateLimitCounter(db: Queryable, now: () => Date): SharedCounter {
  const entries = new Map<string, Entry>()
  let syncing: Promise<void> | undefined

  async function syncOnce(): Promise<void> {
    const at = now().getTime()
    const live: [string, Entry][] = []
    for (const [key, entry] of entries) {
      if (entry.windowStart + entry.windowMs <= at) entries.delete(key)
      else live.push([key, entry])
    }
    if (live.length === 0) return
    const flushed = live.map(([, entry]) => entry.pending)
    // Keys with nothing new are sent too (adding 0) to learn what other instances counted.
    const rows = await db.query<CountRow>(
      `INSERT INTO rate_limit_counts AS c (key, window_start, count)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[])
       ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + EXCLUDED.count
       RETURNING key, window_start, count`,
      [live.map(([key]) => key), live.map(([, entry]) => new Date(entry.windowStart)), flushed],
    )
    const totals = new Map(rows.map((row) => [`${row.key}@${row.window_start.getTime()}`, row]))
    live.forEach(([key, entry], i) => {
      const row = totals.get(`${key}@${entry.windowStart}`)
      entry.pending -= flushed[i] ?? 0
      if (row) entry.synced = row.count
    })
  }

  return {
    hit(key, windowMs) {
      const at = now().getTime()
      const windowStart = Math.floor(at / windowMs) * windowMs
      let entry = entries.get(key)
      if (entry?.windowStart !== windowStart) {
        entry = { windowStart, windowMs, synced: 0, pending: 0 }
        entries.set(key, entry)
      }
      entry.pending += 1
      return { count: entry.synced + entry.pending, msLeft: windowStart + windowMs - at }
    },

    async sync() {
      // One sync at a time; a caller arriving during one waits for it, then runs its own.
      while (syncing) await syncing
      syncing = syncOnce().finally(() => {
        syncing = undefined
      })
      return syncing
    },

    async purge() {
      const rows = await db.query(
        'DELETE FROM rate_limit_counts WHERE window_start < $1 RETURNING 1',
        // Windows are at most an hour here; anything older has ended.
        [new Date(now().getTime() - 60 * 60_000)],
      )
      return rows.length
    },
  }
}

/** @fastify/rate-limit's store interface over one shared counter, whatever the route. */
function storeFor(counter: SharedCounter): FastifyRateLimitStoreCtor {
  return class SharedStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const { count, msLeft } = counter.hit(key, timeWindow)
      callback(null, { current: count, ttl: msLeft })
    }

    // Every route shares one counter, so a client's posts count once across all of them.
    child(): FastifyRateLimitStore {
      return this
    }
  }
}

/**
 * The client, as a key that is not their address: a keyed hash, so the shared table holds no
 * addresses. IPv6 clients are counted per /56, as one household or phone network hands out.
 * A request whose socket is already gone (broken framing) has no address and counts as one.
 */
export function clientKey(request: FastifyRequest, secret: string): string {
  const address = request.ip as string | undefined
  const normalised = address ? normalizeIP(address, 56) : 'unknown'
  return createHmac('sha256', secret).update(normalised).digest('base64url').slice(0, 22)
}

export interface RateLimitOptions {
  counter: SharedCounter
  keySecret: string
  /** How often to sync with the other instances; 0 only in tests, which call sync(). */
  syncMs: number
}

/** Registers @fastify/rate-limit with the shared store; routes opt in with `config.rateLimit`. */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app: FastifyInstance, options) => {
    await app.register(rateLimit, {
      global: false,
      store: storeFor(options.counter),
      keyGenerator: (request) => clientKey(request, options.keySecret),
    })
    if (options.syncMs > 0) {
      const timer = setInterval(() => {
        options.counter.sync().catch((error: unknown) => {
          app.log.warn({ err: error }, 'rate-limit counts could not be shared')
        })
      }, options.syncMs)
      timer.unref()
      app.addHook('onClose', () => {
        clearInterval(timer)
      })
    }
  },
  { name: 'rate-limit' },
)
