/**
 * The one data-access seam. Repositories take a `Queryable` so the same SQL runs
 * inside or outside a transaction, on PGlite or on a PostgreSQL server.
 */
export type Row = Record<string, unknown>

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs a script of several statements without parameters (migrations, imports). */
  exec(sql: string): Promise<void>
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Runs `work` in one transaction: commit on return, roll back on throw. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
  /** Requests now waiting for a free connection; absent where there is no pool (PGlite). */
  waiting?(): number
}
