/**
 * The one data-access seam. Repositories take a `Queryable` so the same SQL runs
 * inside or outside a transaction, on PGlite or on a PostgreSQL server.
 */
export type Row = Record<string, unknown>

/**
 * `prepareAs` names a statement that is parsed and planned once per connection, its plan kept
 * for every later run: for hot statements whose planning costs more than running them (intake's,
 * about 1 ms of PostgreSQL's CPU to plan, docs/benchmarks.md). Only for fixed SQL text whose plan
 * does not depend on its parameters' values; PGlite has one connection and ignores it.
 */
export interface QueryOptions {
  prepareAs?: string
}

export interface Queryable {
  query<T extends Row = Row>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<T[]>
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
