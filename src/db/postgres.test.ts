import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'

for (const database of testDatabases().filter((d) => d.name === 'PostgreSQL')) {
  describe(`the service's connections to ${database.name}`, () => {
    it('never JIT-compile a statement, and keep the options they were given', async () => {
      const db = await database.open()
      try {
        const [jit] = await db.query<{ jit: string }>('SHOW jit')
        assert.equal(jit?.jit, 'off')
        const [path] = await db.query<{ search_path: string }>('SHOW search_path')
        assert.match(path?.search_path ?? '', /^test_/, 'the test schema option still applies')
      } finally {
        await db.close()
      }
    })

    it('prepare a statement named with prepareAs once per connection, and run it again from there', async () => {
      const db = await database.open()
      try {
        const prepared = () =>
          db.transaction(async (tx) => {
            const [row] = await tx.query<{ n: number }>('SELECT $1::int + 1 AS n', [41], {
              prepareAs: 'add-one',
            })
            const statements = await tx.query<{ name: string; calls: number }>(
              `SELECT name, generic_plans + custom_plans AS calls
                 FROM pg_prepared_statements WHERE name = 'add-one'`,
            )
            return { n: row?.n, statements }
          })
        const first = await prepared()
        assert.equal(first.n, 42)
        assert.deepEqual(first.statements, [{ name: 'add-one', calls: 1 }])
        const second = await prepared()
        assert.equal(second.n, 42)
        assert.deepEqual(second.statements, [{ name: 'add-one', calls: 2 }], 'the same statement')
      } finally {
        await db.close()
      }
    })
  })
}
