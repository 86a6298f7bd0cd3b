import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { addPerson, auditEvents, signIn, testClock, type TestPerson } from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'
import { recordAuditEvent } from './repository.js'

describe('the auditors’ view of the trail', () => {
  const clock = testClock()
  let t: TestApp
  let auditor: TestPerson
  let advisor: TestPerson
  before(async () => {
    t = await buildTestApp({ now: clock.now })
    auditor = await addPerson(t, ['auditor'])
    advisor = await addPerson(t, ['advisor'])
    await signIn(t, advisor, clock)
    await recordAuditEvent(t.db, {
      occurredAt: new Date('2026-11-20T09:00:00Z'),
      actor: 'public:form',
      event: 'report.received',
      subjectType: 'report',
      subjectId: '5b0e6a4e-0000-4000-8000-000000000001',
      details: { source: 'form', priority: 'P2' },
    })
  })
  after(() => t.close())

  it('filters by person, record, event and date, and names the person', async () => {
    const browser = await signIn(t, auditor, clock)
    const byPerson = await browser.get(`${staffPaths.auditTrail}?person=${advisor.id}`)
    assert.equal(byPerson.statusCode, 200)
    assert.match(byPerson.body, /staff\.signed-in/)
    assert.match(byPerson.body, new RegExp(advisor.name))
    assert.doesNotMatch(byPerson.body, /govuk-table__cell">report\.received/)
    const byRecord = await browser.get(
      `${staffPaths.auditTrail}?record=5b0e6a4e-0000-4000-8000-000000000001&event=report.received`,
    )
    assert.match(byRecord.body, /govuk-table__cell">report\.received/)
    const byDate = await browser.get(`${staffPaths.auditTrail}?from=2026-11-21&to=2026-11-30`)
    assert.doesNotMatch(byDate.body, /govuk-table__cell">report\.received/)
    assert.match(byDate.body, /staff\.signed-in/)
  })

  it('refuses a bad filter with GOV.UK errors', async () => {
    const browser = await signIn(t, auditor, clock)
    const bad = await browser.get(`${staffPaths.auditTrail}?from=2026-02-31&person=nobody`)
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /There is a problem/)
    assert.match(bad.body, /start date as a real date/)
    assert.match(bad.body, /Select a person from the list/)
  })

  it('exports the same as CSV, safe to open in a spreadsheet, and audits the export', async () => {
    await recordAuditEvent(t.db, {
      occurredAt: clock.now(),
      actor: 'public:form',
      event: 'report.received',
      subjectType: 'report',
      subjectId: '=HYPERLINK("x")',
    })
    const browser = await signIn(t, auditor, clock)
    const csv = await browser.get(`${staffPaths.auditExport}?event=report.received`)
    assert.equal(csv.statusCode, 200)
    assert.match(String(csv.headers['content-type']), /^text\/csv/)
    assert.match(String(csv.headers['content-disposition']), /attachment/)
    const lines = csv.body.trim().split('\n')
    assert.equal(
      lines[0],
      'id,occurred_at,actor,actor_name,event,record_type,record_id,address,reason,details,sealed',
    )
    assert.equal(lines.length, 3)
    assert.ok(lines.every((l, i) => i === 0 || l.includes('report.received')))
    assert.ok(!csv.body.includes(',=HYPERLINK'), 'a formula is escaped')
    const [row] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE event = 'audit-trail.exported'`,
    )
    assert.equal(row?.n, 1)
  })

  it('refuses an export whose filter is not valid, exporting and auditing nothing', async () => {
    const browser = await signIn(t, auditor, clock)
    const before = await auditEvents(t, 'audit-trail.exported')
    const bad = await browser.get(`${staffPaths.auditExport}?from=2026-02-30`)
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Nothing was exported/)
    assert.equal(await auditEvents(t, 'audit-trail.exported'), before)
  })

  it('is closed to everyone but auditors', async () => {
    const admin = await addPerson(t, ['administrator', 'advisor', 'supervisor', 'operator'])
    const browser = await signIn(t, admin, clock)
    assert.equal((await browser.get(staffPaths.auditTrail)).statusCode, 403)
    assert.equal((await browser.get(staffPaths.auditExport)).statusCode, 403)
  })
})
