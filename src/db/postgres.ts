import pg from 'pg'
import type { Db, Queryable, QueryOptions, Row } from './db.js'

// Return timestamps as Date and bigint/numeric as strings (pg defaults), but int8 counts
// are small enough here to parse; keep numeric as string to avoid silent rounding.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10))

export interface PostgresOptions {
  connectionString: string
  maxConnections: number
  /** Server options for every connection, e.g. `-c search_path=...` for isolated test schemas. */
  options?: string
}

/**
 * The service's statements are short, and JIT compiling one takes longer than running it: intake's
 * statement, whose row estimates put it over the default JIT thresholds, spent 0.8 s of
 * compilation to store 46 API reports that take 15 ms to store (docs/benchmarks.md, bench:api).
 */
const SERVICE_SETTINGS = '-c jit=off'

export function openPostgres({ connectionString, maxConnections, options }: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    options: options ? `${SERVICE_SETTINGS} ${options}` : SERVICE_SETTINGS,
  })
  const run = async <T extends Row>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<T[]> => {
    const values = params as unknown[] | undefined
    const result = options?.prepareAs
      ? await client.query<T>({ name: options.prepareAs, text: sql, values })
      : await client.query<T>(sql, values)
    return result.rows
  }

  return {
    kind: 'postgres',
    query: (sql, params, options) => run(pool, sql, params, options),
    exec: async (sql) => {
      await pool.query(sql)
    },
    async transaction(work) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const scoped: Queryable = {
          query: (sql, params, options) => run(client, sql, params, options),
          exec: async (sql) => {
            await client.query(sql)
          },
        }
        const result = await work(scoped)
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
    waiting: () => pool.waitingCount,
  }
}
