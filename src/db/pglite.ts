import { PGlite } from '@electric-sql/pglite'
import type { Db, Queryable, Row } from './db.js'

/**
 * The embedded database: PostgreSQL in WebAssembly, in-process. It does not fsync,
 * so it is for trying the service and for tests. `dataDir` undefined keeps it in memory.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = dataDir === undefined ? new PGlite() : new PGlite(dataDir)
  await pg.waitReady
  const run = async <T extends Row>(
    q: Pick<PGlite, 'query'>,
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]> => (await q.query<T>(sql, params as unknown[] | undefined)).rows

  return {
    kind: 'pglite',
    query: (sql, params) => run(pg, sql, params),
    exec: async (sql) => {
      await pg.exec(sql)
    },
    transaction: (work) =>
      pg.transaction(async (tx) => {
        const scoped: Queryable = {
          query: (sql, params) => run(tx, sql, params),
          exec: async (sql) => {
            await tx.exec(sql)
          },
        }
        return work(scoped)
      }),
    close: () => pg.close(),
  }
}
