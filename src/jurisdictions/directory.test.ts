import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import { importJurisdictionFile, importUkJurisdictions } from '../../test/jurisdictions.js'
import type { Db, Queryable } from '../db/db.js'
import { jurisdictionDirectory } from './directory.js'

for (const database of testDatabases()) {
  describe(`the in-memory jurisdiction directory on ${database.name}`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    it('routes nationally until data is imported, then picks the import up at the next check', async () => {
      let clock = 0
      const directory = jurisdictionDirectory(db, { checkEveryMs: 1000, now: () => clock })
      assert.equal((await directory.resolve({ town: 'Hartlepool' })).status, 'national')
      assert.deepEqual(await directory.councilAreas(), [])

      await importUkJurisdictions(db)
      clock = 999
      assert.equal((await directory.resolve({ town: 'Hartlepool' })).status, 'national')
      clock = 1000
      const after = await directory.resolve({ town: 'Hartlepool' })
      assert.equal(after.status, 'resolved')
      assert.equal(after.candidates[0]?.policeForce.name, 'Cleveland Police')
      const areas = await directory.councilAreas()
      assert.ok(areas.some((a) => a.code === 'E06000001' && a.name === 'Hartlepool'))
      assert.deepEqual(
        areas.map((a) => a.name),
        [...areas.map((a) => a.name)].sort((a, b) => a.localeCompare(b, 'en')),
      )
    })

    it('resolves postcodes and straddling districts from memory the same way as from the tables', async () => {
      const directory = jurisdictionDirectory(db)
      assert.equal((await directory.resolve({ postcode: 'WC1E 7HU' })).status, 'resolved')
      const straddling = await directory.resolve({ postcode: 'WC1A 1AA' })
      assert.equal(straddling.status, 'to-confirm')
      assert.ok(straddling.candidates.length > 1)
      assert.equal((await directory.resolve({ postcode: 'ZZ99 9ZZ' })).status, 'national')
    })

    it('keeps its snapshot while no new import has committed', async () => {
      let clock = 0
      let queries = 0
      const counting: Queryable = {
        exec: (sql) => db.exec(sql),
        query: (sql, params) => {
          queries++
          return db.query(sql, params)
        },
      }
      const directory = jurisdictionDirectory(counting, { checkEveryMs: 1000, now: () => clock })
      await directory.resolve({ town: 'York' })
      const afterLoad = queries
      clock = 5000
      await directory.resolve({ town: 'York' })
      assert.equal(queries, afterLoad + 1, 'one version check, no reload')
      await importJurisdictionFile(db, 'police_forces.csv')
      clock = 10_000
      await directory.resolve({ town: 'York' })
      assert.ok(queries > afterLoad + 2, 'a new import reloads the tables')
    })
  })
}
