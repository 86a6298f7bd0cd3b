import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { migrateDatabase, openDatabase } from './db/open.js'
import { buildDeps } from './deps.js'
import { startHousekeeping, warnOfCalendarGaps } from './housekeeping.js'
import { resolveSecrets } from './secrets.js'

async function main(): Promise<void> {
  const config = loadConfig()
  const db = await openDatabase(config)
  await migrateDatabase(config, db)
  const secrets = await resolveSecrets(config)
  const deps = await buildDeps({ config, db, secrets })
  const app = await buildApp(deps)
  // Every police force and children's services authority is a partner agency, even when the
  // jurisdiction tables were imported before partner agencies existed. One idempotent statement.
  const synced = await deps.partnerAgencies.syncWithJurisdictions('start-up')
  if (synced.added + synced.updated + synced.withdrawn > 0)
    app.log.info(synced, 'partner agencies brought into step with the jurisdiction tables')

  if (db.kind === 'pglite' && config.env === 'production') {
    app.log.warn(
      'The embedded database (PGlite) is in use with NODE_ENV=production. It does not fsync and ' +
        'is NOT crash-safe: reports could be lost. Set DATABASE_URL to a PostgreSQL server.',
    )
  }

  warnOfCalendarGaps(deps, app.log)
  const stopHousekeeping = startHousekeeping(deps, app.log)
  // The outbox worker runs here by default; set WORKER_IN_PROCESS=false to run it only as
  // `npm run worker` processes.
  const worker = config.delivery.workerInProcess ? deps.buildOutboxWorker(app.log) : undefined
  worker?.start()

  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    stopHousekeeping()
    await worker?.stop()
    await app.close()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', (s) => void close(s))
  process.once('SIGTERM', (s) => void close(s))

  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  // The logger may not exist yet; configuration errors must still reach the operator.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
