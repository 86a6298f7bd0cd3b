import { randomUUID } from 'node:crypto'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openPostgres } from '../src/db/postgres.js'
import { buildDeps } from '../src/deps.js'
import { startHousekeeping } from '../src/housekeeping.js'
import { resolveSecrets } from '../src/secrets.js'
import {
  BARE_INSERT_PATH,
  BARE_TABLE,
  type ServerCommand,
  type ServerCpu,
  type ServerReady,
  type ServerStart,
} from './protocol.js'

/**
 * The server half of `npm run bench:intake`, run in a child process so the load generator
 * does not share its event loop. It is the production composition: `loadConfig` with
 * NODE_ENV=production, `buildDeps` (which builds the configured triage) and `buildApp`, on
 * the PostgreSQL server inside the benchmark's throwaway schema. The one addition is the bare
 * route, the yardstick: the same plumbing, one INSERT and nothing else.
 */
async function start(message: ServerStart): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: message.databaseUrl,
    DATABASE_POOL_SIZE: String(message.poolSize),
    REPORT_RATE_LIMIT_PER_MINUTE: String(message.rateLimitPerMinute),
    LOG_LEVEL: message.logLevel,
    ENCRYPTION_KEYS: message.encryptionKeys,
    COOKIE_SECRET: message.cookieSecret,
    SERVICE_URL: 'https://safety-centre.example.org',
  })
  const db = openPostgres({
    connectionString: message.databaseUrl,
    maxConnections: config.databasePoolSize,
    options: `-c search_path=${message.schema}`,
  })
  const secrets = await resolveSecrets(config)
  const deps = await buildDeps({ config, db, secrets })
  const app = await buildApp(deps)
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
    if (command === 'cpu') {
      const { user, system } = process.cpuUsage()
      const cpu: ServerCpu = { cpuMicros: user + system }
      process.send?.(cpu)
      return
    }
    stopHousekeeping()
    void app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
  })
  const ready: ServerReady = { port: address.port }
  process.send?.(ready)
}

if (!process.send) throw new Error('bench/server.ts is started by bench/intake.ts, not by hand')
process.once('message', (message: ServerStart) => {
  start(message).catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  })
})
