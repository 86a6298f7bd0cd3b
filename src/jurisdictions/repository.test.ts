import assert from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import {
  importJurisdictionFile as importFile,
  SHARED_JURISDICTIONS as SHARED,
  UK_JURISDICTION_FILES as UK_FILES,
} from '../../test/jurisdictions.js'
import type { Db } from '../db/db.js'
import { jurisdictionDirectory } from './directory.js'
import * as repository from './repository.js'
import { readJurisdictionFile } from './import.js'
import type { Jurisdiction } from './model.js'
import { importJurisdictionTables, resolveJurisdiction } from './service.js'

function routes(jurisdiction: Jurisdiction) {
  return jurisdiction.candidates.map((c) => ({
    localAuthority: c.localAuthority?.name,
    childrenServices: c.childrenServices?.name,
    policeForce: c.policeForce.name,
    share: c.share,
  }))
}

async function count(db: Db, table: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
  return rows[0]?.n ?? -1
}

for (const database of testDatabases()) {
  describe(`jurisdictions with the UK sample data on ${database.name}`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
      for (const name of UK_FILES) await importFile(db, name)
    })
    after(() => db.close())

    it('says data is loaded and lists every council area by name', async () => {
      assert.equal(await repository.hasJurisdictionData(db), true)
      const areas = await jurisdictionDirectory(db).councilAreas()
      assert.equal(areas.length, 361)
      assert.deepEqual(areas.slice(0, 2), [
        { code: 'S12000033', name: 'Aberdeen City' },
        { code: 'S12000034', name: 'Aberdeenshire' },
      ])
      const names = areas.map((a) => a.name)
      assert.ok(names.indexOf('Hartlepool') < names.indexOf('Hastings'))
    })

    it('resolves the town "Hartlepool" to Hartlepool and Cleveland Police', async () => {
      const result = await resolveJurisdiction(db, { town: 'Hartlepool' })
      assert.equal(result.status, 'resolved')
      assert.equal(result.basis, 'town')
      assert.deepEqual(result.candidates, [
        {
          localAuthority: { code: 'E06000001', name: 'Hartlepool' },
          childrenServices: { code: 'E06000001', name: 'Hartlepool' },
          policeForce: { code: 'E23000013', name: 'Cleveland Police' },
          share: 1,
        },
      ])
    })

    it('resolves "city of york" to York and North Yorkshire Police', async () => {
      const result = await resolveJurisdiction(db, { town: 'city of york' })
      assert.deepEqual(routes(result), [
        {
          localAuthority: 'York',
          childrenServices: 'York',
          policeForce: 'North Yorkshire Police',
          share: 1,
        },
      ])
    })

    it('resolves a district council to its county’s children’s services', async () => {
      const result = await resolveJurisdiction(db, { councilAreaCode: 'E07000040' })
      assert.equal(result.status, 'resolved')
      assert.deepEqual(routes(result), [
        {
          localAuthority: 'East Devon',
          childrenServices: 'Devon',
          policeForce: 'Devon and Cornwall Police',
          share: 1,
        },
      ])
    })

    it('resolves a full postcode in a single-authority district exactly', async () => {
      const result = await resolveJurisdiction(db, { postcode: 'wc1e 7hu' })
      assert.equal(result.status, 'resolved')
      assert.equal(result.basis, 'postcode-district')
      assert.deepEqual(routes(result), [
        {
          localAuthority: 'Camden',
          childrenServices: 'Camden',
          policeForce: 'Metropolitan Police Service',
          share: 1,
        },
      ])
    })

    it('offers both forces of a district straddling a force boundary, to confirm', async () => {
      // DT7 (Lyme Regis) has forces_in_district = 2 in the sample.
      const result = await resolveJurisdiction(db, { postcode: 'DT7 3AA' })
      assert.equal(result.status, 'to-confirm')
      assert.deepEqual(routes(result), [
        {
          localAuthority: 'Dorset Council',
          childrenServices: 'Dorset Council',
          policeForce: 'Dorset Police',
          share: 0.6749,
        },
        {
          localAuthority: 'East Devon',
          childrenServices: 'Devon',
          policeForce: 'Devon and Cornwall Police',
          share: 0.3251,
        },
      ])
    })

    it('offers every authority of a district that spans boroughs in one force', async () => {
      const result = await resolveJurisdiction(db, { postcode: 'WC1A 1AA' })
      assert.equal(result.status, 'to-confirm')
      assert.deepEqual(
        result.candidates.map((c) => c.localAuthority?.name),
        ['Camden', 'Islington'],
      )
    })

    it('folds former authorities into the one that replaced them', async () => {
      const result = await resolveJurisdiction(db, { postcode: 'HG4 1AA' })
      assert.equal(result.status, 'resolved')
      assert.equal(result.candidates[0]?.localAuthority?.name, 'North Yorkshire')
    })

    it('gives a district known only by police force to a person to confirm', async () => {
      const result = await resolveJurisdiction(db, { postcode: 'GY1 1AA' })
      assert.equal(result.status, 'to-confirm')
      assert.equal(result.candidates[0]?.localAuthority, null)
      assert.equal(result.candidates[0].policeForce.code, 'L99999999')
    })

    it('sends a postcode outside the data to national, to be confirmed', async () => {
      const result = await resolveJurisdiction(db, { postcode: 'ZZ99 9ZZ' })
      assert.equal(result.status, 'national')
      assert.deepEqual(result.candidates, [])
    })

    it('stores nothing twice when the same files are imported again', async () => {
      const tables = [
        'police_forces',
        'local_authorities',
        'postcode_district_authorities',
        'postcode_district_police_forces',
      ]
      const before = await Promise.all(tables.map((t) => count(db, t)))
      for (const name of UK_FILES) await importFile(db, name)
      assert.deepEqual(await Promise.all(tables.map((t) => count(db, t))), before)
      assert.deepEqual(before, [47, 361, 299, 266])
    })
  })

  describe(`jurisdictions with no data loaded on ${database.name}`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    it('says no data is loaded and offers no council areas', async () => {
      assert.equal(await repository.hasJurisdictionData(db), false)
      assert.deepEqual(await jurisdictionDirectory(db).councilAreas(), [])
    })

    it('resolves every location to national, to be confirmed', async () => {
      const result = await resolveJurisdiction(db, {
        councilAreaCode: 'E06000001',
        postcode: 'TS24 7AB',
        town: 'Hartlepool',
      })
      assert.equal(result.status, 'national')
      assert.equal(result.basis, 'none')
      assert.deepEqual(result.candidates, [])
    })

    it('keeps no partial file when one fails part-way', async () => {
      const tables = await readJurisdictionFile(
        createReadStream(`${SHARED}la_police_force_childrens_services.csv`),
      )
      const first = tables.localAuthorities[0] ?? assert.fail('no authorities read')
      // a blank name breaks local_authorities_name_check after the forces were written
      const unnamed = { ...first, code: 'X00000001', name: '' }
      const broken = { ...tables, localAuthorities: [...tables.localAuthorities, unnamed] }
      await assert.rejects(importJurisdictionTables(db, 'broken.csv', broken), {
        message: /local_authorities_name_check/,
      })
      assert.equal(await count(db, 'local_authorities'), 0)
      assert.equal(await count(db, 'police_forces'), 0)
      assert.equal(await repository.hasJurisdictionData(db), false)
    })
  })
}
