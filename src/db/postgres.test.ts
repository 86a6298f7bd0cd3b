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
  })
}
