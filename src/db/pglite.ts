import { PGlite } from '@electric-sql/pglite'
import type { Db, Queryable, Row } from './db.js'

/**
 * The embedded database: PostgreSQL in WebAssembly, in-process. It does not fsync,
 * so it is for trying the service and for tests. `dataDir` undefined keeps it in memory;
 * `image` (from `pgliteImage`) starts it as a copy of another database's files.
 */
export async function openPglite(dataDir?: string, image?: Blob): Promise<Db> {
  const pg = new PGlite({ ...(dataDir === undefined ? {} : { dataDir }), loadDataDir: image })
  await pg.waitReady
  return asDb(pg)
}

/**
 * A new in-memory database made ready by `prepare` (migrated, say), as the tarball of its
 * files. Opening a copy from it skips creating the cluster, most of the time PGlite takes to open.
 */
export async function pgliteImage(prepare: (db: Db) => Promise<unknown>): Promise<Blob> {
  const pg = new PGlite()
  await pg.waitReady
  try {
    await prepare(asDb(pg))
    return await pg.dumpDataDir('none')
  } finally {
    await pg.close()
  }
}

function asDb(pg: PGlite): Db {
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
