import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config.js'
import type { Db } from './db/db.js'
import { migrate } from './db/migrate.js'
import { openPglite } from './db/pglite.js'
import { openPostgres } from './db/postgres.js'
import { buildDeps } from './deps.js'
import { resolveSecrets } from './secrets.js'

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000

export async function openDatabase(config: Config): Promise<Db> {
  if (config.databaseUrl) {
    return openPostgres({
      connectionString: config.databaseUrl,
      maxConnections: config.databasePoolSize,
    })
  }
  const dir = join(config.dataDir, 'pglite')
  await mkdir(dir, { recursive: true })
  return openPglite(dir)
}

async function main(): Promise<void> {
  const config = loadConfig()
  const db = await openDatabase(config)
  await migrate(db)
  const secrets = await resolveSecrets(config)
  const deps = await buildDeps({ config, db, secrets })
  const app = await buildApp(deps)

  if (db.kind === 'pglite' && config.env === 'production') {
    app.log.warn(
      'The embedded database (PGlite) is in use with NODE_ENV=production. It does not fsync and ' +
        'is NOT crash-safe: reports could be lost. Set DATABASE_URL to a PostgreSQL server.',
    )
  }

  // Several instances may run this at once; the DELETE is idempotent.
  const housekeeping = setInterval(() => {
    deps.reports
      .purgeExpiredDrafts()
      .then((count) => {
        app.log.info({ count }, 'expired drafts deleted')
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'could not delete expired drafts')
      })
  }, HOUSEKEEPING_INTERVAL_MS)
  housekeeping.unref()

  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    clearInterval(housekeeping)
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
