import { loadConfig } from './config.js'
import { migrateDatabase, openDatabase } from './db/open.js'
import { buildDeps } from './deps.js'
import type { WorkerLog } from './outbox/worker.js'
import { resolveSecrets } from './secrets.js'

/**
 * `npm run worker`: delivers the outbox in a process of its own, beside any number of service
 * instances and other workers on the same PostgreSQL server (ADR 11). The embedded database
 * belongs to one process, so with it the service's own worker does this instead.
 */
function jsonLog(level: string): WorkerLog {
  const quiet = level === 'silent'
  const write = (lvl: string) => (details: object, msg: string) => {
    if (quiet) return
    process.stdout.write(`${JSON.stringify({ level: lvl, time: Date.now(), msg, ...details })}\n`)
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}

async function main(): Promise<void> {
  const config = loadConfig()
  if (!config.databaseUrl) {
    throw new Error(
      'npm run worker needs DATABASE_URL: the embedded database belongs to the service, whose own worker delivers messages',
    )
  }
  const db = await openDatabase(config)
  await migrateDatabase(config, db)
  const secrets = await resolveSecrets(config)
  const deps = await buildDeps({ config, db, secrets })
  const log = jsonLog(config.logLevel)
  const worker = deps.buildOutboxWorker(log)
  worker.start()
  log.info({ worker: worker.id }, 'outbox worker started')
  const stop = async (signal: string) => {
    log.info({ signal }, 'outbox worker stopping')
    await worker.stop()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', (s) => void stop(s))
  process.once('SIGTERM', (s) => void stop(s))
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
