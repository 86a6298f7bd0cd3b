/**
 * What bench/intake.ts and bench/queue.ts say to their server process (bench/server.ts) over
 * IPC.
 */
export interface ServerStart {
  databaseUrl: string
  /** The benchmark's throwaway schema; every server connection uses it as its search_path. */
  schema: string
  poolSize: number
  logLevel: string
  rateLimitPerMinute: number
  /** The settings production requires, from `productionTestEnv()` (bench/production-env.ts). */
  productionEnv: Record<string, string>
  /**
   * Where the server's clock starts (ISO 8601); it then runs on in real time. Without it the
   * server has the real clock. bench/queue.ts sets it to the instant its reports were made for.
   */
  clock?: string
  /** Keeps the SQL of the last request, for the harness to `EXPLAIN` (the 'queries' command). */
  captureQueries?: boolean
}

export interface ServerReady {
  port: number
}

/**
 * After it is ready the server takes commands: 'cpu' is answered with a ServerCpu, 'queries'
 * with ServerQueries, and `{ clock }` moves the server's clock there (answered with ServerClock).
 */
export type ServerCommand = 'cpu' | 'stop' | 'queries' | { clock: string }

/** The statements the last request ran, in order, with their parameters. */
export interface ServerQueries {
  queries: { sql: string; params: unknown[] }[]
}

/** The server's clock as it was set: its time at `realMs` (the harness's `Date.now()`). */
export interface ServerClock {
  clockMs: number
  realMs: number
}

/** The server process's CPU time so far (user + system, all its threads), in microseconds. */
export interface ServerCpu {
  cpuMicros: number
}

/** The yardstick route: the app's plumbing and one INSERT, nothing else. */
export const BARE_INSERT_PATH = '/bench/bare-insert'
export const BARE_TABLE = 'bench_bare_inserts'
