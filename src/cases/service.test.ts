import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { dateFields, insertOpenCase } from '../../test/cases.js'
import { everyValueAsText, testDatabases } from '../../test/db.js'
import { insertQueuedReport } from '../../test/queue.js'
import { auditTrail } from '../audit/trail.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import * as repository from './repository.js'
import { caseService } from './service.js'

const DAY = 86_400_000

for (const database of testDatabases()) {
  describe(`cases on ${database.name}`, () => {
    let db: Db
    let at = new Date('2027-01-13T10:00:00Z')
    const now = () => at
    const envelope = createEnvelope({
      activeKeyId: 'k1',
      keys: new Map([['k1', randomBytes(32)]]),
    })
    const service = () =>
      caseService({
        db,
        envelope,
        now,
        failedContactsBeforeTask: 3,
        timeZone: 'Europe/London',
      })
    const trail = (event: string, actor: string) =>
      auditTrail({ event, actor: () => `staff:${actor}`, address: '192.0.2.1', now })
    const advisor = { id: randomUUID(), roles: ['advisor'] as const }
    const supervisor = { id: randomUUID(), roles: ['supervisor'] as const }
    const newCase = (owner = advisor.id) => insertOpenCase(db, envelope, { owner, openedAt: now() })
    const day = (offset: number) => new Date(at.getTime() + offset * DAY).toISOString().slice(0, 10)

    before(async () => {
      db = await database.open()
    })
    after(async () => {
      await db.close()
    })

    it('raises one supervisor task after the set number of failed attempts in a row', async () => {
      const c = await newCase()
      const contact = (outcome: string, minutesAgo: number) =>
        service().recordContact(trail('case.contact-recorded', advisor.id), c.caseId, advisor, {
          method: 'phone',
          withWhom: 'The reporter',
          ...dateFields('when', day(0)),
          time: new Date(at.getTime() - minutesAgo * 60_000).toISOString().slice(11, 16),
          outcome,
        })
      assert.deepEqual(await contact('no-answer', 50), { ok: true, escalated: false })
      assert.deepEqual(await contact('voicemail', 40), { ok: true, escalated: false })
      // A conversation breaks the run: the count starts again.
      assert.deepEqual(await contact('spoke', 30), { ok: true, escalated: false })
      assert.deepEqual(await contact('no-answer', 20), { ok: true, escalated: false })
      assert.deepEqual(await contact('wrong-number', 15), { ok: true, escalated: false })
      assert.deepEqual(await contact('no-answer', 10), { ok: true, escalated: true })
      assert.deepEqual(await contact('no-answer', 5), { ok: true, escalated: false })
      const tasks = await repository.tasksOf(db, c.caseId)
      assert.deepEqual(
        tasks.map((t) => [t.kind, t.forRole, t.owner]),
        [['failed-contacts', 'supervisor', null]],
      )
      const forSupervisor = await repository.openTasksFor(db, supervisor.id, supervisor.roles)
      assert.ok(forSupervisor.some((t) => t.caseId === c.caseId))
      const forAdvisor = await repository.openTasksFor(db, advisor.id, advisor.roles)
      assert.ok(!forAdvisor.some((t) => t.caseId === c.caseId))
    })

    it('refuses a bad contact and changes nothing', async () => {
      const c = await newCase()
      const audit = trail('case.contact-recorded', advisor.id)
      const done = await service().recordContact(audit, c.caseId, advisor, {
        method: 'pigeon',
        withWhom: 'x',
        ...dateFields('when', day(1)),
        time: '10:00',
        outcome: 'spoke',
      })
      assert.equal(done.ok, false)
      assert.equal(audit.recorded, false)
      assert.equal((await repository.contactsOf(db, c.caseId)).length, 0)
    })

    it('keeps each version of the plan sealed, numbered in turn', async () => {
      const c = await newCase()
      const save = (status: string) =>
        service().savePlan(
          trail('case.plan-saved', advisor.id),
          c.caseId,
          advisor,
          {
            'action-0-what': 'Canary-plan-action',
            'action-0-who': 'school',
            ...dateFields('action-0-due', day(2)),
            'action-0-status': status,
            ...dateFields('review', day(10)),
            agreed: 'no',
          },
          1,
        )
      assert.deepEqual(await save('to-do'), { ok: true, version: 1 })
      assert.deepEqual(await save('done'), { ok: true, version: 2 })
      const history = await service().planHistory(trail('case.plan-viewed', advisor.id), c.caseId)
      assert.ok(history)
      assert.deepEqual(
        history.versions.map((v) => [v.version, v.actions[0]?.status]),
        [
          [1, 'to-do'],
          [2, 'done'],
        ],
      )
      assert.match(history.versions[0]?.actions[0]?.id ?? '', /^[0-9a-f-]{36}$/)
      const leaked = await db.query(
        `SELECT 1 FROM case_plan_versions WHERE position('Canary-plan'::bytea IN sealed_ciphertext) > 0`,
      )
      assert.equal(leaked.length, 0)
    })

    it('closes only with another person’s approval, and records each step on the timeline', async () => {
      const c = await newCase()
      const s = service()
      const ask = () =>
        s.requestClosure(trail('case.closure-requested', advisor.id), c.caseId, advisor, {
          outcome: 'safer',
          summary: 'Canary-summary',
        })
      const other = await s.requestClosure(trail('x.y', supervisor.id), c.caseId, supervisor, {
        outcome: 'safer',
        summary: 'Not mine',
      })
      assert.equal(other.ok || other.code, 'NOT_OWNER')
      assert.deepEqual(await ask(), { ok: true })
      const decide = (body: Record<string, string>) =>
        s.decideClosure(trail('case.closure-decided', supervisor.id), c.caseId, supervisor, body)
      assert.equal(((await decide({ decision: 'returned' })) as { code: string }).code, 'INVALID')
      assert.deepEqual(await decide({ decision: 'returned', reason: 'Canary-reason' }), {
        ok: true,
        decision: 'returned',
      })
      assert.equal((await repository.findCase(db, c.caseId))?.status, 'open')
      assert.deepEqual(await ask(), { ok: true })
      assert.deepEqual(await decide({ decision: 'approved' }), { ok: true, decision: 'approved' })
      assert.equal((await repository.findCase(db, c.caseId))?.status, 'closed')
      const note = await s.addNote(trail('case.note-added', advisor.id), c.caseId, advisor, {
        note: 'Late',
      })
      assert.equal(note.ok || note.code, 'CASE_ENDED')
      const timeline = await s.timeline(
        trail('case.timeline-viewed', advisor.id),
        c.caseId,
        'status',
      )
      assert.ok(timeline)
      assert.deepEqual(
        timeline.events.map((e) => e.kind),
        [
          'closure-approved',
          'closure-requested',
          'closure-returned',
          'closure-requested',
          'opened',
        ],
      )
      assert.equal(
        timeline.events.find((e) => e.kind === 'closure-returned')?.text,
        'Canary-reason',
      )
      for (const [table, column] of [
        ['case_closures', 'summary_ciphertext'],
        ['case_events', 'text_ciphertext'],
      ] as const) {
        const leaked = await db.query(
          `SELECT 1 FROM ${table} WHERE position('Canary'::bytea IN ${column}) > 0`,
        )
        assert.equal(leaked.length, 0, `${table} holds no clear text`)
      }
    })

    it('merges a case into another: reports and open tasks move, both timelines say so', async () => {
      const a = await newCase()
      const b = await newCase()
      const s = service()
      await s.addTask(
        trail('case.task-added', advisor.id),
        a.caseId,
        advisor,
        {
          title: 'Ring back',
          ...dateFields('due', day(1)),
          owner: advisor.id,
        },
        [advisor.id],
      )
      const merged = await s.linkOrMerge(trail('case.linked', advisor.id), a.caseId, advisor, {
        caseNumber: `C-${String(b.number)}`,
        how: 'merge',
        reason: 'Same family',
      })
      assert.deepEqual(merged, { ok: true, merged: true, other: b.caseId })
      const after = await repository.findCase(db, a.caseId)
      assert.ok(after)
      assert.equal(after.status, 'merged')
      assert.equal(after.mergedInto, b.caseId)
      assert.deepEqual(
        (await repository.reportsOf(db, b.caseId)).map((r) => r.id).sort(),
        [a.reportId, b.reportId].sort(),
      )
      assert.equal((await repository.tasksOf(db, b.caseId)).length, 1)
      const again = await s.linkOrMerge(trail('case.linked', advisor.id), b.caseId, advisor, {
        caseNumber: String(a.number),
        how: 'link',
        reason: 'x',
      })
      assert.equal(again.ok, false, 'a merged case takes nothing more')
      const kinds = async (id: string) =>
        (await repository.eventsOf(db, id, ['merged-in', 'merged-into'])).map((e) => e.kind)
      assert.deepEqual(await kinds(a.caseId), ['merged-into'])
      assert.deepEqual(await kinds(b.caseId), ['merged-in'])
    })

    it('adds a report that is in no case, and finds the case a report is in', async () => {
      const c = await newCase()
      const loose = await insertQueuedReport(db, envelope, { status: 'closed' })
      const added = await service().addReport(
        trail('case.report-added', advisor.id),
        c.caseId,
        advisor,
        {
          reference: loose.reference,
          reason: 'The same child',
        },
      )
      assert.deepEqual(added, { ok: true })
      assert.equal((await repository.caseOfReport(db, loose.id))?.id, c.caseId)
    })

    it('leaves nothing typed on a case readable in any column of any table', async () => {
      const a = await newCase()
      const b = await newCase()
      const loose = await insertQueuedReport(db, envelope, { status: 'closed' })
      const s = service()
      const as = (event: string) => trail(event, advisor.id)
      const done = [
        await s.recordContact(as('case.contact-recorded'), a.caseId, advisor, {
          method: 'sms',
          withWhom: 'Canary-with-whom',
          ...dateFields('when', day(0)),
          time: '09:00',
          outcome: 'spoke',
          note: 'Canary-contact-note',
        }),
        await s.addNote(as('case.note-added'), a.caseId, advisor, { note: 'Canary-note' }),
        await s.addTask(
          as('case.task-added'),
          a.caseId,
          advisor,
          { title: 'Canary-task', ...dateFields('due', day(1)), owner: advisor.id },
          [advisor.id],
        ),
        await s.reassign(
          trail('case.reassigned', supervisor.id),
          a.caseId,
          supervisor,
          { owner: supervisor.id, reason: 'Canary-reassign' },
          [advisor.id, supervisor.id],
        ),
        await s.addReport(as('case.report-added'), a.caseId, advisor, {
          reference: loose.reference,
          reason: 'Canary-add',
        }),
        await s.moveReport(as('case.report-moved'), a.caseId, loose.id, advisor, {
          caseNumber: String(b.number),
          reason: 'Canary-move',
        }),
        await s.linkOrMerge(as('case.linked'), a.caseId, advisor, {
          caseNumber: String(b.number),
          how: 'link',
          reason: 'Canary-link',
        }),
      ]
      assert.ok(
        done.every((d) => d.ok),
        JSON.stringify(done),
      )
      const values = await everyValueAsText(db)
      const found = values.filter((v) => v.text.includes('canary-')).map((v) => v.where)
      assert.deepEqual(found, [])
      // The scan reads what is stored in clear: the loose report's reference is found.
      assert.ok(values.some((v) => v.text === loose.reference.toLowerCase()))
      const timeline = await s.timeline(as('case.timeline-viewed'), a.caseId, undefined)
      assert.ok(timeline)
      const opened = timeline.events.map((e) => e.text).filter(Boolean)
      for (const text of [
        'Canary-note',
        'Canary-reassign',
        'Canary-add',
        'Canary-move',
        'Canary-link',
      ])
        assert.ok(opened.includes(text), `${text} is on the timeline, decrypted`)
    })

    it('filters the case list by owner, overdue tasks and police force', async () => {
      const mine = await insertOpenCase(db, envelope, {
        owner: advisor.id,
        openedAt: now(),
        report: { policeForce: 'F-FILTER', localAuthority: 'LA-FILTER' },
      })
      await newCase(supervisor.id)
      await service().addTask(
        trail('case.task-added', advisor.id),
        mine.caseId,
        advisor,
        {
          title: 'Soon',
          ...dateFields('due', day(1)),
          owner: advisor.id,
        },
        [advisor.id],
      )
      at = new Date(at.getTime() + 3 * DAY)
      const list = (filters: Partial<Parameters<typeof repository.listCases>[1]>) =>
        repository.listCases(
          db,
          { whose: 'team', statuses: ['open'], overdueTasks: false, ...filters },
          advisor.id,
          day(0),
        )
      const ids = async (filters: Parameters<typeof list>[0]) =>
        (await list(filters)).map((r) => r.id)
      assert.deepEqual(await ids({ policeForceCode: 'F-FILTER' }), [mine.caseId])
      assert.deepEqual(await ids({ localAuthorityCode: 'LA-FILTER' }), [mine.caseId])
      assert.ok((await ids({ overdueTasks: true })).includes(mine.caseId))
      assert.ok((await list({ whose: 'mine' })).every((r) => r.owner === advisor.id))
      const row = (await list({ policeForceCode: 'F-FILTER' }))[0]
      assert.ok(row)
      assert.equal(row.overdueTasks, 1)
      assert.deepEqual(row.policeForces, ['Force F-FILTER'])
    })
  })
}
