import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { Db, Queryable } from '../src/db/db.js'
import { openPostgres } from '../src/db/postgres.js'
import { buildDeps } from '../src/deps.js'
import { startHousekeeping } from '../src/housekeeping.js'
import { resolveSecrets } from '../src/secrets.js'
import {
  BARE_INSERT_PATH,
  BARE_TABLE,
  type ServerClock,
  type ServerCommand,
  type ServerCpu,
  type ServerQueries,
  type ServerReady,
  type ServerStart,
} from './protocol.js'

type Captured = ServerQueries['queries']

/**
 * The database as the app sees it, keeping each statement in the list of the request that ran
 * it (found through AsyncLocalStorage, so the housekeeping timers' statements are left out).
 */
function capturing(db: Db, current: AsyncLocalStorage<Captured>): Db {
  const keep = (sql: string, params: readonly unknown[] | undefined) => {
    current.getStore()?.push({ sql, params: [...(params ?? [])] })
  }
  const scoped = (q: Queryable): Queryable => ({
    query: (sql, params, options) => {
      keep(sql, params)
      return q.query(sql, params, options)
    },
    exec: (sql) => {
      keep(sql, [])
      return q.exec(sql)
    },
  })
  return {
    ...scoped(db),
    kind: db.kind,
    transaction: (work) => db.transaction((tx) => work(scoped(tx))),
    close: () => db.close(),
  }
}

/**
 * The server half of `npm run bench:intake` and `npm run bench:queue`, run in a child process
 * so the load generator does not share its event loop. It is the production composition: `loadConfig` with
 * NODE_ENV=production, `buildDeps` (which builds the configured triage) and `buildApp`, on
 * the PostgreSQL server inside the benchmark's throwaway schema. The one addition is the bare
 * route, the yardstick: the same plumbing, one INSERT and nothing else.
 */
async function start(message: ServerStart): Promise<void> {
  const config = loadConfig({
    ...message.productionEnv,
    DATABASE_URL: message.databaseUrl,
    DATABASE_POOL_SIZE: String(message.poolSize),
    REPORT_RATE_LIMIT_PER_MINUTE: String(message.rateLimitPerMinute),
    API_RATE_LIMIT_PER_MINUTE: String(message.rateLimitPerMinute),
    LOG_LEVEL: message.logLevel,
    // These benchmarks measure capacity, so nothing is shed; bench/spike.ts measures shedding.
    SHED_MAX_IN_PROGRESS: '0',
    SHED_EVENT_LOOP_DELAY_MS: '0',
    SHED_POOL_WAITING: '0',
  })
  const pool = openPostgres({
    connectionString: message.databaseUrl,
    maxConnections: config.databasePoolSize,
    options: `-c search_path=${message.schema}`,
  })
  const current = new AsyncLocalStorage<Captured>()
  let lastRequest: Captured = []
  const db = message.captureQueries ? capturing(pool, current) : pool
  // The clock runs in real time from where it was set, so sessions and codes age as they would.
  let offsetMs = message.clock ? Date.parse(message.clock) - Date.now() : 0
  const now = () => new Date(Date.now() + offsetMs)
  const secrets = await resolveSecrets(config)
  const deps = await buildDeps({ config, db, secrets, now })
  const app = await buildApp(deps)
  if (message.captureQueries) {
    // Everything the request does runs inside this call, so its statements land in its list.
    app.addHook('onRequest', (_request, _reply, done) => {
      const queries: Captured = []
      lastRequest = queries
      current.run(queries, done)
    })
  }
  // As in production: the audit sealer and draft clean-up run in the same process.
  const stopHousekeeping = startHousekeeping(deps, app.log)

  app.post(BARE_INSERT_PATH, async (_request, reply) => {
    await db.query(`INSERT INTO ${BARE_TABLE} (id, inserted_at) VALUES ($1, $2)`, [
      randomUUID(),
      new Date(),
    ])
    return reply.code(204).send()
  })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('Not listening on TCP')

  process.on('message', (command: ServerCommand) => {
    if (typeof command === 'object') {
      const realMs = Date.now()
      offsetMs = Date.parse(command.clock) - realMs
      const clock: ServerClock = { clockMs: realMs + offsetMs, realMs }
      process.send?.(clock)
      return
    }
    if (command === 'queries') {
      const queries: ServerQueries = { queries: lastRequest }
      process.send?.(queries)
      return
    }
    if (command === 'cpu') {
      const { user, system } = process.cpuUsage()
      const cpu: ServerCpu = { cpuMicros: user + system }
      process.send?.(cpu)
      return
    }
    stopHousekeeping()
    void app
      .close()
      .then(() => pool.close())
      .then(() => process.exit(0))
  })
  const ready: ServerReady = { port: address.port }
  process.send?.(ready)
}

if (!process.send)
  throw new Error('bench/server.ts is started by bench/intake.ts or bench/queue.ts')
process.once('message', (message: ServerStart) => {
  start(message).catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  })
})
