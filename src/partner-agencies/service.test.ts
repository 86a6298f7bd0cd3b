import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import { importJurisdictionFile } from '../../test/jurisdictions.js'
import { auditTrail } from '../audit/trail.js'
import type { Db } from '../db/db.js'
import { partnerAgencyService } from './service.js'

const NOW = new Date('2027-01-13T10:00:00Z')

for (const database of testDatabases()) {
  describe(`partner agencies on ${database.name}`, () => {
    let db: Db
    const service = () => partnerAgencyService({ db, now: () => NOW })
    /** What a staff request hands the service: its declared event and who is signed in. */
    const trail = (event: string, actor: string) =>
      auditTrail({ event, actor: () => actor, address: '192.0.2.1', now: () => NOW })
    const events = (subjectId: string) =>
      db.query<{ event: string; actor: string; details: Record<string, unknown> }>(
        `SELECT event, actor, details FROM audit_events
          WHERE subject_type = 'partner-agency' AND subject_id = $1 ORDER BY id`,
        [subjectId],
      )

    before(async () => {
      db = await database.open()
      await importJurisdictionFile(db, 'police_forces.csv')
      await importJurisdictionFile(db, 'la_police_force_childrens_services.csv')
    })
    after(async () => {
      await db.close()
    })

    it('makes every police force and children’s services authority a partner agency', async () => {
      const forces = await db.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM police_forces',
      )
      const authorities = await db.query<{ n: number | string }>(
        'SELECT count(DISTINCT children_services_code) AS n FROM local_authorities',
      )
      const counts = await service().syncWithJurisdictions('jurisdictions-import')
      assert.equal(counts.added, Number(forces[0]?.n) + Number(authorities[0]?.n))
      assert.ok(counts.added > 100)
      assert.deepEqual(await service().syncWithJurisdictions('jurisdictions-import'), {
        added: 0,
        updated: 0,
        withdrawn: 0,
      })
      const listed = await service().list({ kinds: ['police-force'] })
      assert.equal(listed.length, Number(forces[0]?.n))
      assert.ok(listed.every((a) => a.jurisdictionCode !== null && a.urgentPhone === null))
    })

    it('keeps contacts when the tables rename an agency, and withdraws one they drop', async () => {
      const [force] = await service().list({ kinds: ['police-force'] })
      assert.ok(force?.jurisdictionCode)
      const saved = await service().updateAgency(
        trail('partner-agency.updated', 'admin-1'),
        force.id,
        { urgentPhone: '01632 960 001', email: 'cpu@example.org', openingHours: 'Any time' },
      )
      assert.deepEqual(saved, { ok: true, id: force.id })
      await db.query(`UPDATE police_forces SET name = 'Renamed Constabulary' WHERE code = $1`, [
        force.jurisdictionCode,
      ])
      assert.deepEqual(await service().syncWithJurisdictions('jurisdictions-import'), {
        added: 0,
        updated: 1,
        withdrawn: 0,
      })
      const renamed = await service().findPoliceForce(force.jurisdictionCode)
      assert.equal(renamed?.name, 'Renamed Constabulary')
      assert.equal(renamed.urgentPhone, '01632 960 001')
      assert.equal(renamed.email, 'cpu@example.org')

      await db.query('DELETE FROM police_forces WHERE code = $1', [force.jurisdictionCode])
      const counts = await service().syncWithJurisdictions('jurisdictions-import')
      assert.equal(counts.withdrawn, 1)
      assert.equal((await service().find(force.id))?.withdrawnAt?.toISOString(), NOW.toISOString())
      assert.ok(!(await service().list()).some((a) => a.id === force.id))
      assert.ok((await service().list({ includeWithdrawn: true })).some((a) => a.id === force.id))
      assert.deepEqual(
        (await events(force.id)).map((e) => e.event),
        ['partner-agency.updated'],
      )
    })

    it('adds an agency an administrator names, with one audit event', async () => {
      const outcome = await service().addAgency(trail('partner-agency.added', 'admin-1'), {
        name: 'Northfield Schools Trust',
        kind: 'school-trust',
        email: 'dsl@example.org',
      })
      assert.ok(outcome.ok)
      const added = await service().find(outcome.id)
      assert.equal(added?.name, 'Northfield Schools Trust')
      assert.equal(added.kind, 'school-trust')
      assert.equal(added.jurisdictionCode, null)
      assert.deepEqual(await events(outcome.id), [
        {
          event: 'partner-agency.added',
          actor: 'admin-1',
          details: { kind: 'school-trust', address: '192.0.2.1' },
        },
      ])
      const renamed = await service().updateAgency(
        trail('partner-agency.updated', 'admin-2'),
        outcome.id,
        {
          name: 'Northfield Trust',
          kind: 'school-trust',
          notes: 'Ask for the safeguarding lead',
        },
      )
      assert.ok(renamed.ok)
      assert.equal((await service().find(outcome.id))?.notes, 'Ask for the safeguarding lead')
      assert.equal((await events(outcome.id)).length, 2)
      // an import never touches an agency an administrator added
      await service().syncWithJurisdictions('jurisdictions-import')
      assert.equal((await service().find(outcome.id))?.withdrawnAt, null)
    })

    it('changes nothing on bad input or an unknown agency', async () => {
      const [force] = await service().list({ kinds: ['police-force'] })
      assert.ok(force)
      const before = await service().find(force.id)
      const update = trail('partner-agency.updated', 'admin-1')
      const bad = await service().updateAgency(update, force.id, { email: 'not an email' })
      assert.deepEqual(bad, {
        ok: false,
        code: 'INVALID',
        errors: { email: 'Enter an email address in the correct format, like name@example.org' },
        agency: before,
      })
      assert.deepEqual(await service().find(force.id), before)
      const invalidAdd = await service().addAgency(trail('partner-agency.added', 'admin-1'), {
        kind: 'helpline',
      })
      assert.equal(invalidAdd.ok, false)
      assert.equal(update.recorded, false)
      assert.deepEqual(await service().updateAgency(update, 'nope', {}), {
        ok: false,
        code: 'PARTNER_AGENCY_NOT_FOUND',
      })
    })
  })
}
