import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { KeyRingConfig } from '../src/config.js'
import type { Envelope } from '../src/crypto/envelope.js'
import type { Db } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { paths } from '../src/web/paths.js'
import { productionTestEnv } from './production-env.js'

/**
 * Several service processes on one PostgreSQL schema, as an agency runs them behind a load
 * balancer: each is `src/server.ts` in its own Node process (the production composition, no
 * wrapper) on its own loopback port, all with the same secrets from the environment. The
 * harness keeps its own connection to the schema, to set up staff and to count what was stored.
 * Used by test/scale-out.test.ts, bench/crash.ts and bench/spike.ts; other processes on the
 * same schema (a worker, say) start with `cluster.startProcess(script)`.
 */
const REPO = fileURLToPath(new URL('..', import.meta.url))

export interface ClusterOptions {
  instances: number
  databaseUrl?: string
  /** Extra settings for every instance (REPORT_RATE_LIMIT_PER_MINUTE, SHED_*, LOG_LEVEL...). */
  env?: Record<string, string>
  /** Leaves the folder with the processes' logs (`dir`) in place after close(). */
  keep?: boolean
}

export class ServiceProcess {
  private child: ChildProcess | undefined

  constructor(
    readonly origin: string,
    readonly logPath: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly script = 'src/server.ts',
  ) {
    process.once('exit', () => this.child?.kill('SIGKILL'))
  }

  async start(): Promise<void> {
    const log = await open(this.logPath, 'a')
    this.child = spawn(process.execPath, ['--import', 'tsx', this.script], {
      cwd: REPO,
      env: this.env,
      stdio: ['ignore', log.fd, log.fd],
    })
    await log.close()
  }

  /** Polls /health until it answers 200; on a busy shared machine a start can take a minute. */
  async healthy(timeoutMs = 180_000): Promise<void> {
    const deadline = performance.now() + timeoutMs
    while (performance.now() < deadline) {
      // Ended by itself (an exit code) or stopped (a signal): either way it will not answer.
      if (!this.running())
        throw new Error(
          `${this.origin} exited (${String(this.child?.exitCode ?? this.child?.signalCode)}); see ${this.logPath}`,
        )
      try {
        const response = await fetch(`${this.origin}${paths.health}`, {
          signal: AbortSignal.timeout(1000),
        })
        await response.arrayBuffer()
        if (response.status === 200) return
      } catch {
        // not listening yet
      }
      await sleep(20)
    }
    throw new Error(`${this.origin} did not answer /health in time`)
  }

  async kill(): Promise<void> {
    const child = this.running()
    if (!child) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }

  /** A graceful stop, as an operator's SIGTERM. */
  async stop(): Promise<void> {
    const child = this.running()
    if (!child) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await Promise.race([exited, sleep(10_000).then(() => this.kill())])
  }

  /** Every line this process has logged so far. */
  async logLines(): Promise<string[]> {
    const text = await readFile(this.logPath, 'utf8').catch(() => '')
    return text.split('\n').filter((line) => line !== '')
  }

  /**
   * Lines this process logged at level error or above: the service's pino writes 50 and 60,
   * the worker's own JSON log "error".
   */
  async errorLines(): Promise<string[]> {
    return (await this.logLines()).filter((line) =>
      /"level":((50|60)\b|"(error|fatal)")/.test(line),
    )
  }

  /** Waits for a line holding `text`, for processes that do not listen (a worker, say). */
  async logged(text: string, timeoutMs = 180_000): Promise<void> {
    const deadline = performance.now() + timeoutMs
    while (performance.now() < deadline) {
      if ((await this.logLines()).some((line) => line.includes(text))) return
      if (!this.running()) throw new Error(`${this.logPath}: exited before logging "${text}"`)
      await sleep(100)
    }
    throw new Error(`${this.logPath}: did not log "${text}" in time`)
  }

  private running(): ChildProcess | undefined {
    const child = this.child
    return child?.exitCode === null && child.signalCode === null ? child : undefined
  }
}

export interface Cluster {
  instances: ServiceProcess[]
  /** The harness's own connection to the instances' schema. */
  db: Db
  /** The instances' encryption keys, to set up staff and open what was stored. */
  envelope: Envelope
  keys: KeyRingConfig
  /** The run's temporary folder: each process's log and data folder; the caller may add files. */
  dir: string
  /**
   * Starts another process (a worker, say: `src/worker.ts`) with the instances' settings on the
   * same schema, and its own port and data folder; stopped with the rest by close().
   */
  startProcess(script: string, env?: Record<string, string>): Promise<ServiceProcess>
  /** Stops every process and drops the schema. */
  close(): Promise<void>
}

/**
 * A throwaway schema, migrated by the instances themselves as they start together (the
 * migration lock is part of what is proved), and N instances sharing it.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const databaseUrl =
    options.databaseUrl ??
    process.env.TEST_DATABASE_URL ??
    process.env.BENCH_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test'
  const schema = `scale_${randomBytes(6).toString('hex')}`
  const dir = await mkdtemp(join(tmpdir(), 'safety-centre-scale-'))
  const admin = openPostgres({ connectionString: databaseUrl, maxConnections: 1 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  const url = new URL(databaseUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  // Shared configuration: every instance must hold the same keys and cookie secret.
  const production = productionTestEnv({ keyId: 'scale-1' })
  const shared: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    ...production.env,
    HOST: '127.0.0.1',
    DATABASE_URL: url.toString(),
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: 'warn',
    ...options.env,
  }
  const processes: ServiceProcess[] = []
  let made = 0
  const make = async (script: string, env: Record<string, string> = {}) => {
    // Numbered before the first await, so processes started together get a log each.
    const n = ++made
    const port = await freePort()
    const child = new ServiceProcess(
      `http://127.0.0.1:${port}`,
      join(dir, `process-${n}.log`),
      // Each process keeps its own data folder: nothing may depend on a shared disk.
      { ...shared, PORT: String(port), DATA_DIR: join(dir, `data-${n}`), ...env },
      script,
    )
    processes.push(child)
    return child
  }
  const instances: ServiceProcess[] = []
  for (let i = 0; i < options.instances; i++) instances.push(await make('src/server.ts'))
  const db = openPostgres({
    connectionString: databaseUrl,
    maxConnections: 2,
    options: `-c search_path=${schema}`,
  })
  const close = async () => {
    await Promise.all(processes.map((child) => child.stop()))
    await db.close()
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
    await admin.close()
    if (!options.keep) await rm(dir, { recursive: true, force: true })
  }
  try {
    await Promise.all(instances.map((instance) => instance.start()))
    await Promise.all(instances.map((instance) => instance.healthy()))
    // Already done by the instances; a no-op that makes sure the harness sees the same tables.
    await migrate(db)
  } catch (error) {
    await close()
    throw error
  }
  const startProcess = async (script: string, env?: Record<string, string>) => {
    const child = await make(script, env)
    await child.start()
    return child
  }
  const { envelope, keys } = production
  return { instances, db, envelope, keys, dir, startProcess, close }
}

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('No TCP port')
  return address.port
}
