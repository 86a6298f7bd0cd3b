import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { insertOpenCase } from '../../test/cases.js'
import { testDatabases } from '../../test/db.js'
import { insertAgency } from '../../test/delivery.js'
import { insertQueuedReport } from '../../test/queue.js'
import { auditTrail } from '../audit/trail.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import { insertReferral } from '../referrals/repository.js'
import { caseAreaCodes, lockCaseForReferral, markCaseReferred } from './referrals.js'
import * as repository from './repository.js'
import { caseService } from './service.js'

for (const database of testDatabases()) {
  describe(`referrals meeting cases on ${database.name}`, () => {
    let db: Db
    const at = new Date('2027-01-13T10:00:00Z')
    const now = () => at
    const envelope = createEnvelope({ activeKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) })
    const owner = randomUUID()
    const trail = () =>
      auditTrail({ event: 'case.timeline-viewed', actor: () => owner, address: '192.0.2.1', now })
    const timeline = (caseId: string, kind?: 'referrals' | 'messages' | 'status') =>
      caseService({ db, envelope, now, failedContactsBeforeTask: 3, timeZone: 'Europe/London' })
        .timeline(trail(), caseId, kind)
        .then((t) => t?.events.map((e) => e.kind))

    before(async () => {
      db = await database.open()
    })
    after(async () => {
      await db.close()
    })

    it('marks a case referred once, and leaves an ended case as it is', async () => {
      const c = await insertOpenCase(db, envelope, { owner, openedAt: at })
      await db.transaction((tx) => markCaseReferred(tx, c.caseId, owner, at))
      await db.transaction((tx) => markCaseReferred(tx, c.caseId, owner, at))
      assert.equal((await repository.findCase(db, c.caseId))?.status, 'referred')
      assert.deepEqual(await timeline(c.caseId, 'status'), ['status-changed', 'opened'])

      const closed = await insertOpenCase(db, envelope, { owner, openedAt: at })
      await repository.setStatus(db, closed.caseId, 'closed')
      await db.transaction((tx) => markCaseReferred(tx, closed.caseId, owner, at))
      assert.equal((await repository.findCase(db, closed.caseId))?.status, 'closed')
      assert.deepEqual(await db.transaction((tx) => lockCaseForReferral(tx, closed.caseId)), {
        ok: false,
        code: 'CASE_ENDED',
        status: 'closed',
      })
      assert.equal(await db.transaction((tx) => lockCaseForReferral(tx, c.caseId)), undefined)
    })

    it('reads the child’s areas from every report in the case', async () => {
      const c = await insertOpenCase(db, envelope, {
        owner,
        openedAt: at,
        report: { policeForce: 'F7', localAuthority: 'LA7' },
      })
      const second = await insertQueuedReport(db, envelope, { policeForce: 'F8' })
      await repository.addReport(db, c.caseId, second.id, at, owner)
      const areas = await caseAreaCodes(db, c.caseId)
      assert.deepEqual(areas.policeForces.sort(), ['F7', 'F8'])
      assert.deepEqual(areas.childrenServices.sort(), ['CS-LA1', 'CS-LA7'])
      assert.deepEqual(await caseAreaCodes(db, 'not-a-case'), {
        policeForces: [],
        childrenServices: [],
      })
    })

    it('shows on the timeline the referrals of the case and of every report it holds', async () => {
      const c = await insertOpenCase(db, envelope, { owner, openedAt: at })
      const other = await insertOpenCase(db, envelope, { owner, openedAt: at })
      const agency = await insertAgency(db)
      const refer = (reportId: string, caseId: string | null) =>
        insertReferral(db, {
          id: randomUUID(),
          reportId,
          partnerAgencyId: agency.id,
          assessmentId: null,
          kind: 'referral',
          urgency: 'standard',
          shared: [],
          lawfulBasis: 'public-task',
          reason: null,
          createdAt: at,
          createdBy: owner,
          approvedBy: null,
          caseId,
        })
      await refer(c.reportId, null) // from the report, before or outside the case
      // Made from the case, about a report since moved to the other case: both show it.
      await refer(other.reportId, c.caseId)
      await refer(other.reportId, null) // the other case's own: not this one's
      assert.deepEqual(await timeline(c.caseId, 'referrals'), [
        'referral-recorded',
        'referral-recorded',
      ])
      assert.deepEqual(await timeline(c.caseId, 'messages'), [])
      assert.deepEqual(await timeline(other.caseId, 'referrals'), [
        'referral-recorded',
        'referral-recorded',
      ])
    })
  })
}
