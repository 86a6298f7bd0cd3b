/** What bench/intake.ts and its server process (bench/server.ts) say to each other over IPC. */
export interface ServerStart {
  databaseUrl: string
  /** The benchmark's throwaway schema; every server connection uses it as its search_path. */
  schema: string
  poolSize: number
  logLevel: string
  rateLimitPerMinute: number
  /** `ENCRYPTION_KEYS` as production takes it: `id:base64`. */
  encryptionKeys: string
  cookieSecret: string
}

export interface ServerReady {
  port: number
}

/** After it is ready the server takes commands: 'cpu' is answered with a ServerCpu. */
export type ServerCommand = 'cpu' | 'stop'

/** The server process's CPU time so far (user + system, all its threads), in microseconds. */
export interface ServerCpu {
  cpuMicros: number
}

/** The yardstick route: the app's plumbing and one INSERT, nothing else. */
export const BARE_INSERT_PATH = '/bench/bare-insert'
export const BARE_TABLE = 'bench_bare_inserts'
