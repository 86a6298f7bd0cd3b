import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import { sharedRateLimitCounter } from './rate-limit.js'

const MINUTE = 60_000

for (const database of testDatabases()) {
  describe(`rate-limit counts shared on ${database.name}`, () => {
    it('adds what each instance counted and tells each the total', async () => {
      const db = await database.open()
      try {
        let clock = new Date('2026-03-10T10:00:10Z')
        const now = () => clock
        const one = sharedRateLimitCounter(db, now)
        const two = sharedRateLimitCounter(db, now)
        for (let i = 1; i <= 3; i++) assert.equal(one.hit('k', MINUTE).count, i)
        assert.equal(two.hit('k', MINUTE).count, 1, 'not yet shared')
        await one.sync()
        await two.sync()
        assert.equal(two.hit('k', MINUTE).count, 5)
        await one.sync()
        assert.equal(one.hit('k', MINUTE).count, 5, "two's latest hit is not shared yet")
        assert.equal(one.hit('other', MINUTE).count, 1, 'keys are counted apart')

        clock = new Date('2026-03-10T10:01:00Z')
        const next = one.hit('k', MINUTE)
        assert.equal(next.count, 1, 'a new window starts from nothing')
        assert.equal(next.msLeft, MINUTE)
      } finally {
        await db.close()
      }
    })

    it('counts hits made while a sync is under way', async () => {
      const db = await database.open()
      try {
        const now = () => new Date('2026-03-10T10:00:10Z')
        const counter = sharedRateLimitCounter(db, now)
        counter.hit('k', MINUTE)
        const syncing = counter.sync()
        counter.hit('k', MINUTE)
        await syncing
        await counter.sync()
        const rows = await db.query<{ count: number }>('SELECT count FROM rate_limit_counts')
        assert.deepEqual(
          rows.map((r) => r.count),
          [2],
        )
        assert.equal(counter.hit('k', MINUTE).count, 3)
      } finally {
        await db.close()
      }
    })

    it('deletes windows that ended long ago', async () => {
      const db = await database.open()
      try {
        let clock = new Date('2026-03-10T10:00:10Z')
        const counter = sharedRateLimitCounter(db, () => clock)
        counter.hit('k', MINUTE)
        await counter.sync()
        clock = new Date('2026-03-10T12:00:00Z')
        assert.equal(await counter.purge(), 1)
      } finally {
        await db.close()
      }
    })
  })
}
