import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { testSecrets } from '../../test/app.js'
import { londonOffice } from '../../test/calendar.js'
import { testDatabases } from '../../test/db.js'
import { insertQueuedReport } from '../../test/queue.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import { queueClock } from './membership.js'
import { countByPriority, InvalidCursorError, listQueue, type QueueFilters } from './repository.js'

const envelope = createEnvelope(testSecrets().encryptionKeys)
const hours = (n: number) => n * 3_600_000
// Wednesday 13 January 2027
const WEDNESDAY_MORNING = new Date('2027-01-13T10:00:00Z')
const WEDNESDAY_NIGHT = new Date('2027-01-13T22:00:00Z')
const THURSDAY_OPENING = new Date('2027-01-14T09:00:00Z')

for (const database of testDatabases()) {
  describe(`triage queue on ${database.name}`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
    })
    after(async () => {
      await db.close()
    })
    beforeEach(async () => {
      // audit_events is append-only, so each test reads only its own reports' events
      await db.exec('DELETE FROM reports')
    })

    const references = async (filters: QueueFilters, now: Date) =>
      (await listQueue(db, filters, queueClock(now, londonOffice), { size: 100 })).rows.map(
        (r) => r.reference,
      )

    it('orders a queue by priority, then by the soonest deadline', async () => {
      const p3soon = await insertQueuedReport(db, envelope, {
        priority: 'P3',
        deadlineAt: new Date(WEDNESDAY_MORNING.getTime() + hours(1)),
      })
      const p2late = await insertQueuedReport(db, envelope, {
        priority: 'P2',
        deadlineAt: new Date(WEDNESDAY_MORNING.getTime() + hours(4)),
      })
      const p1 = await insertQueuedReport(db, envelope, { priority: 'P1' })
      const p2soon = await insertQueuedReport(db, envelope, {
        priority: 'P2',
        deadlineAt: new Date(WEDNESDAY_MORNING.getTime() + hours(2)),
      })
      const oos = await insertQueuedReport(db, envelope, { priority: 'out-of-scope' })
      assert.deepEqual(await references({ queue: 'advisors' }, WEDNESDAY_MORNING), [
        p1.reference,
        p2soon.reference,
        p2late.reference,
        p3soon.reference,
        oos.reference,
      ])
    })

    it('gives the night’s non-urgent reports to the Control Centre until the office opens', async () => {
      const day = await insertQueuedReport(db, envelope, { receivedAt: WEDNESDAY_MORNING })
      const night = await insertQueuedReport(db, envelope, { receivedAt: WEDNESDAY_NIGHT })
      const urgent = await insertQueuedReport(db, envelope, {
        priority: 'P1',
        receivedAt: WEDNESDAY_MORNING,
      })
      const at2am = new Date('2027-01-14T02:00:00Z')
      assert.deepEqual(await references({ queue: 'control-centre' }, at2am), [
        urgent.reference,
        night.reference,
      ])
      assert.deepEqual(await references({ queue: 'advisors' }, at2am), [
        urgent.reference,
        day.reference,
      ])
      assert.deepEqual(await references({ queue: 'control-centre' }, THURSDAY_OPENING), [
        urgent.reference,
      ])
      assert.deepEqual(await references({ queue: 'advisors' }, THURSDAY_OPENING), [
        urgent.reference,
        day.reference,
        night.reference,
      ])
      assert.equal((await references({ queue: 'all' }, at2am)).length, 3)
    })

    it('filters by priority, status, police force, local authority, overdue and unclaimed', async () => {
      const now = WEDNESDAY_MORNING
      const p1 = await insertQueuedReport(db, envelope, { priority: 'P1', policeForce: 'F2' })
      const closed = await insertQueuedReport(db, envelope, { status: 'closed' })
      const la2 = await insertQueuedReport(db, envelope, { localAuthority: 'LA2' })
      const late = await insertQueuedReport(db, envelope, {
        receivedAt: new Date(now.getTime() - hours(30)),
        deadlineAt: new Date(now.getTime() - hours(1)),
      })
      const claimed = await insertQueuedReport(db, envelope, { claimedBy: 'staff-1' })
      const all = { queue: 'all' } as const
      assert.deepEqual(await references({ ...all, priorities: ['P1'] }, now), [p1.reference])
      assert.deepEqual(await references({ ...all, statuses: ['closed'] }, now), [closed.reference])
      assert.equal((await references({ ...all, statuses: ['new', 'closed'] }, now)).length, 5)
      assert.deepEqual(await references({ ...all, policeForceCode: 'F2' }, now), [p1.reference])
      assert.deepEqual(await references({ ...all, localAuthorityCode: 'LA2' }, now), [
        la2.reference,
      ])
      assert.deepEqual(await references({ ...all, overdue: true }, now), [late.reference])
      const unclaimed = await references({ ...all, unclaimed: true }, now)
      assert.equal(unclaimed.length, 3)
      assert.ok(!unclaimed.includes(claimed.reference))
    })

    it('counts each priority under the other filters, whatever priority is chosen', async () => {
      await insertQueuedReport(db, envelope, { priority: 'P1' })
      await insertQueuedReport(db, envelope, { priority: 'P2' })
      await insertQueuedReport(db, envelope, { priority: 'P2' })
      await insertQueuedReport(db, envelope, { priority: 'P2', status: 'referred' })
      await insertQueuedReport(db, envelope, { priority: 'P3', policeForce: 'F9' })
      const clock = queueClock(WEDNESDAY_MORNING, londonOffice)
      assert.deepEqual(await countByPriority(db, { queue: 'all', priorities: ['P1'] }, clock), {
        P1: 1,
        P2: 2,
        P3: 1,
        'out-of-scope': 0,
      })
      assert.deepEqual(await countByPriority(db, { queue: 'all', policeForceCode: 'F9' }, clock), {
        P1: 0,
        P2: 0,
        P3: 1,
        'out-of-scope': 0,
      })
    })

    it('stops counting one past the cap, so large counts read as "more than"', async () => {
      for (let i = 0; i < 4; i++) await insertQueuedReport(db, envelope, { priority: 'P3' })
      await insertQueuedReport(db, envelope, { priority: 'P1' })
      const clock = queueClock(WEDNESDAY_MORNING, londonOffice)
      assert.deepEqual(await countByPriority(db, { queue: 'all' }, clock, 2), {
        P1: 1,
        P2: 0,
        P3: 3,
        'out-of-scope': 0,
      })
    })

    it('pages by cursor without skipping or repeating a report while new ones arrive', async () => {
      const priorities = ['P1', 'P2', 'P3', 'out-of-scope'] as const
      const start = WEDNESDAY_MORNING.getTime()
      const existing = new Set<string>()
      for (let i = 0; i < 37; i++) {
        const report = await insertQueuedReport(db, envelope, {
          priority: priorities[i % 4] ?? 'P3',
          // several share a deadline, so the id breaks ties
          deadlineAt: new Date(start + hours(i % 5)),
        })
        existing.add(report.reference)
      }
      const clock = queueClock(WEDNESDAY_MORNING, londonOffice)
      const seen: string[] = []
      let after: string | undefined
      let pages = 0
      do {
        const page = await listQueue(db, { queue: 'all' }, clock, { after, size: 5 })
        seen.push(...page.rows.map((r) => r.reference))
        after = page.next ?? undefined
        pages += 1
        // a new report of each priority arrives between pages, before and after the cursor
        await insertQueuedReport(db, envelope, {
          priority: priorities[pages % 4] ?? 'P3',
          deadlineAt: new Date(start + hours(pages % 5)),
        })
      } while (after !== undefined)
      assert.equal(new Set(seen).size, seen.length, 'no report is shown twice')
      for (const reference of existing) assert.ok(seen.includes(reference), reference)
      assert.ok(pages >= 8)
    })

    it('refuses a cursor it did not make', async () => {
      const clock = queueClock(WEDNESDAY_MORNING, londonOffice)
      await assert.rejects(
        listQueue(db, { queue: 'all' }, clock, { after: 'bm90LWEtY3Vyc29y', size: 5 }),
        InvalidCursorError,
      )
    })
  })
}
