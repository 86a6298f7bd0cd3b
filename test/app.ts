import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import type { Db } from '../src/db/db.js'
import { buildDeps, type Deps } from '../src/deps.js'
import type { Triage } from '../src/reports/service.js'
import { openMigratedPglite } from './db.js'

export interface TestApp {
  app: FastifyInstance
  deps: Deps
  db: Db
  close(): Promise<void>
}

/**
 * Load shedding is off: a test on a busy machine must not be turned away for the machine's
 * sake. Its own tests (src/web/load-shedding.test.ts) and `npm run bench:spike` turn it on.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SHED_MAX_IN_PROGRESS: '0',
    SHED_EVENT_LOOP_DELAY_MS: '0',
    SHED_POOL_WAITING: '0',
  })
  return { ...config, ...overrides }
}

export function testSecrets() {
  return {
    encryptionKeys: { activeKeyId: 'test-1', keys: new Map([['test-1', randomBytes(32)]]) },
    identifierKeys: { activeKeyId: 'links-1', keys: new Map([['links-1', randomBytes(32)]]) },
    cookieSecret: randomBytes(32).toString('base64url'),
  }
}

export interface TestAppOptions {
  db?: Db
  now?: () => Date
  config?: Partial<Config>
  triage?: Triage
  /** Shared by instances of one service (say, two on one database); fresh ones by default. */
  secrets?: ReturnType<typeof testSecrets>
  /** Registers extra routes (e.g. one that throws) before the app is made ready. */
  routes?: (app: FastifyInstance) => void
  /** Receives the app's log lines (set config.logLevel too: tests log nothing by default). */
  logStream?: NodeJS.WritableStream
}

/** The real app on a fresh PGlite (or a given database), with test secrets and a fixed clock. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await openMigratedPglite())
  // An app that fails to start still closes the database it was given here: an open PGlite
  // copied from an image keeps its test process from ending.
  const closeOwnDb = () => (options.db ? Promise.resolve() : db.close())
  let app: FastifyInstance | undefined
  let deps: Deps
  try {
    deps = await buildDeps({
      config: testConfig(options.config),
      db,
      secrets: options.secrets ?? testSecrets(),
      ...(options.now ? { now: options.now } : {}),
      ...(options.triage ? { triage: options.triage } : {}),
    })
    app = await buildApp(deps, options.logStream ? { logStream: options.logStream } : {})
    options.routes?.(app)
    await app.ready()
  } catch (error) {
    await app?.close().catch(() => undefined)
    await closeOwnDb()
    throw error
  }
  const started = app
  return {
    app: started,
    deps,
    db,
    async close() {
      await started.close()
      await closeOwnDb()
    },
  }
}
