import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { dateFields, insertOpenCase } from '../../test/cases.js'
import { errorSummaryLinks } from '../../test/html.js'
import type { Browser } from '../../test/http.js'
import { insertQueuedReport } from '../../test/queue.js'
import { addPerson, auditEvents, signIn, testClock, type TestPerson } from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'
import { formatCaseNumber } from './validation.js'

const DAY = 86_400_000

describe('cases over HTTP', () => {
  const clock = testClock('2026-11-30T10:00:00Z')
  const today = () => clock.now().toISOString().slice(0, 10)
  const inDays = (n: number) => new Date(clock.now().getTime() + n * DAY).toISOString().slice(0, 10)
  let t: TestApp
  let advisor: TestPerson
  let supervisor: TestPerson
  let otherSupervisor: TestPerson
  let operator: TestPerson
  const browsers = new Map<TestPerson, Browser>()
  const as = async (person: TestPerson) => {
    const known = browsers.get(person)
    if (known) return known
    const browser = await signIn(t, person, clock)
    browsers.set(person, browser)
    return browser
  }
  const newCase = (owner: TestPerson, report: Parameters<typeof insertQueuedReport>[2] = {}) =>
    insertOpenCase(t.db, t.deps.envelope, { owner: owner.id, openedAt: clock.now(), report })
  const count = async (table: string) =>
    (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? 0

  before(async () => {
    t = await buildTestApp({ now: clock.now, config: { caseFailedContactsBeforeTask: 2 } })
    advisor = await addPerson(t, ['advisor'])
    supervisor = await addPerson(t, ['supervisor'])
    otherSupervisor = await addPerson(t, ['supervisor'])
    operator = await addPerson(t, ['operator'])
  })
  after(() => t.close())

  it('lists my cases and the team’s, and opens a case with an audit event', async () => {
    const mine = await newCase(advisor, { policeForce: 'F7', localAuthority: 'LA7' })
    const theirs = await newCase(supervisor)
    const browser = await as(advisor)
    const list = await browser.get(staffPaths.cases)
    assert.equal(list.statusCode, 200)
    assert.match(list.body, new RegExp(formatCaseNumber(mine.number)))
    assert.doesNotMatch(list.body, new RegExp(`>${formatCaseNumber(theirs.number)}<`))
    const team = await browser.get(`${staffPaths.cases}?whose=team`)
    assert.match(team.body, new RegExp(formatCaseNumber(theirs.number)))
    const byForce = await browser.get(`${staffPaths.cases}?whose=team&policeForce=nonsense`)
    assert.equal(byForce.statusCode, 400, 'a police force not in the list is an error')
    const before = await auditEvents(t, 'case.viewed')
    const page = await browser.get(staffPaths.case(mine.caseId))
    assert.equal(page.statusCode, 200)
    assert.match(page.body, new RegExp(mine.reference))
    assert.equal(await auditEvents(t, 'case.viewed'), before + 1)
    const missing = await browser.get(staffPaths.case('00000000-0000-4000-8000-000000000000'))
    assert.equal(missing.statusCode, 404)
  })

  it('says when a legal hold on one of its reports keeps the case, and shows it on the timeline', async () => {
    const held = await newCase(advisor)
    const browser = await as(advisor)
    assert.doesNotMatch((await browser.get(staffPaths.case(held.caseId))).body, /Legal hold/)
    const supervisorBrowser = await as(supervisor)
    const change = async (action: 'legal-hold' | 'lift-legal-hold', reason: string) => {
      const posted = await supervisorBrowser.post(staffPaths.reportAction(held.reportId, action), {
        reason,
      })
      assert.equal(posted.statusCode, 303)
    }
    await change('legal-hold', 'The police asked us to keep it for a trial')
    const page = await browser.get(staffPaths.case(held.caseId))
    assert.match(page.body, new RegExp(`Legal hold on report ${held.reference}\\.`))
    assert.match(page.body, /govuk-tag--grey">\s*Legal hold/)
    clock.advance(60_000)
    await change('lift-legal-hold', 'The trial has ended')
    assert.doesNotMatch((await browser.get(staffPaths.case(held.caseId))).body, /Legal hold on/)

    const timeline = (
      await browser.get(`${staffPaths.caseAction(held.caseId, 'timeline')}?kind=reports`)
    ).body
    const placed = timeline.indexOf(`Legal hold placed on report ${held.reference}`)
    const lifted = timeline.indexOf(`Legal hold lifted from report ${held.reference}`)
    assert.ok(lifted !== -1 && placed > lifted, 'both, newest first')
    assert.match(timeline, /The police asked us to keep it for a trial/)
    assert.match(timeline, /The trial has ended/)
    const notes = await browser.get(`${staffPaths.caseAction(held.caseId, 'timeline')}?kind=notes`)
    assert.doesNotMatch(notes.body, /Legal hold/)
  })

  it('shows reports in other cases that name the same person, and offers to link the cases', async () => {
    const earlier = await newCase(supervisor)
    clock.advance(60_000)
    const later = await newCase(advisor)
    // What intake records when the later report names the earlier report's username.
    await t.db.query(
      `INSERT INTO report_links (report_id, earlier_report_id, kind) VALUES ($1, $2, 'username')`,
      [later.reportId, earlier.reportId],
    )
    const browser = await as(advisor)
    const page = await browser.get(staffPaths.case(later.caseId))
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /1 earlier report mentions this username on this platform/)
    assert.ok(page.body.includes(earlier.reference))
    const otherCase = formatCaseNumber(earlier.number)
    assert.match(page.body, new RegExp(`in Case ${otherCase}`))
    const link = /href="([^"]*\/link\?caseNumber=[^"]*)"/
      .exec(page.body)?.[1]
      ?.replaceAll('&amp;', '&')
    assert.ok(link, 'a way to link or merge the two cases')
    const form = await browser.get(link)
    assert.equal(form.statusCode, 200)
    assert.match(form.body, new RegExp(`name="caseNumber"[^>]*value="${otherCase}"`))
    // The earlier case sees the later report the same way, as a later one.
    const other = await (await as(supervisor)).get(staffPaths.case(earlier.caseId))
    assert.match(other.body, /1 later report mentions this username on this platform/)
  })

  it('refuses cases to Control Centre operators', async () => {
    const c = await newCase(advisor)
    const browser = await as(operator)
    assert.equal((await browser.get(staffPaths.case(c.caseId))).statusCode, 403)
    assert.equal((await browser.get(staffPaths.cases)).statusCode, 403)
  })

  it('records contacts, refuses a bad one, and raises a supervisor task after failed attempts', async () => {
    const c = await newCase(advisor)
    const browser = await as(advisor)
    const url = staffPaths.caseAction(c.caseId, 'contacts/new')
    await browser.get(url)
    const bad = await browser.post(url, { withWhom: '', time: '25:00' })
    assert.equal(bad.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(bad.body), [
      '#method',
      '#withWhom',
      '#when-day',
      '#time',
      '#outcome',
    ])
    assert.equal(await count('case_contacts WHERE case_id = ' + `'${c.caseId}'`), 0)
    const attempt = (outcome: string, note = '') =>
      browser.post(url, {
        method: 'phone',
        withWhom: 'The reporter (parent)',
        ...dateFields('when', today()),
        time: '09:30',
        outcome,
        note,
      })
    assert.equal((await attempt('no-answer')).statusCode, 303)
    const tasks = `SELECT count(*)::int AS n FROM case_tasks WHERE case_id = $1 AND for_role = 'supervisor'`
    assert.equal((await t.db.query<{ n: number }>(tasks, [c.caseId]))[0]?.n, 0)
    assert.equal((await attempt('voicemail')).statusCode, 303)
    assert.equal((await t.db.query<{ n: number }>(tasks, [c.caseId]))[0]?.n, 1, 'two in a row')
    assert.equal((await attempt('no-answer')).statusCode, 303)
    assert.equal((await t.db.query<{ n: number }>(tasks, [c.caseId]))[0]?.n, 1, 'raised once')
    await attempt('spoke', 'Talked through what happened; asked for a photo only.')
    const page = await browser.get(staffPaths.case(c.caseId))
    assert.match(page.body, /Talked through what happened/)
    const supervisorTasks = await (await as(supervisor)).get(staffPaths.myTasks)
    assert.match(supervisorTasks.body, /2 attempts in a row to reach the reporter have failed/)
    const sealed = await t.db.query(
      `SELECT 1 FROM case_contacts WHERE position('Talked'::bytea IN sealed_ciphertext) > 0`,
    )
    assert.equal(sealed.length, 0, 'the note is sealed')
  })

  it('keeps every version of the plan and says what changed', async () => {
    const c = await newCase(advisor)
    const browser = await as(advisor)
    const edit = staffPaths.caseAction(c.caseId, 'plan/edit')
    await browser.get(edit)
    const empty = await browser.post(edit, { rows: '3' })
    assert.equal(empty.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(empty.body), ['#action-0-what', '#review-day', '#agreed'])
    const first = await browser.post(edit, {
      rows: '3',
      'action-0-what': 'Block and report the account',
      'action-0-who': 'reporter',
      ...dateFields('action-0-due', inDays(1)),
      'action-0-status': 'to-do',
      'action-1-what': 'Tell the school',
      'action-1-who': 'parent',
      ...dateFields('action-1-due', inDays(3)),
      'action-1-status': 'to-do',
      ...dateFields('review', inDays(14)),
      agreed: 'yes',
    })
    assert.equal(first.statusCode, 303)
    const form = await browser.get(edit)
    const ids = [...form.body.matchAll(/name="action-(\d)-id" value="([0-9a-f-]{36})"/g)]
    assert.equal(ids.length, 2, 'saved actions carry their ids')
    const second = await browser.post(edit, {
      rows: '5',
      'action-0-id': ids[0]?.[2] ?? '',
      'action-0-what': 'Block and report the account',
      'action-0-who': 'reporter',
      ...dateFields('action-0-due', inDays(1)),
      'action-0-status': 'done',
      'action-2-what': 'Check in with the reporter',
      'action-2-who': 'agency',
      ...dateFields('action-2-due', inDays(7)),
      'action-2-status': 'to-do',
      ...dateFields('review', inDays(14)),
      agreed: 'yes',
    })
    assert.equal(second.statusCode, 303)
    const plan = await browser.get(staffPaths.caseAction(c.caseId, 'plan'))
    assert.match(plan.body, /Version 2/)
    assert.match(plan.body, /“Block and report the account”: done, was to do/)
    assert.match(plan.body, /Added “Check in with the reporter”/)
    assert.match(plan.body, /Removed “Tell the school”/)
    assert.match(plan.body, /First version: 2 actions/)
  })

  it('adds tasks, highlights overdue ones and marks them done', async () => {
    const c = await newCase(advisor)
    const browser = await as(advisor)
    const url = staffPaths.caseAction(c.caseId, 'tasks/new')
    await browser.get(url)
    const past = await browser.post(url, {
      title: 'Ring the school',
      ...dateFields('due', inDays(-1)),
      owner: advisor.id,
    })
    assert.equal(past.statusCode, 400, 'a due date in the past')
    await browser.post(url, {
      title: 'Ring the school',
      ...dateFields('due', inDays(1)),
      owner: advisor.id,
    })
    clock.advance(3 * DAY)
    // Sessions end after a quiet quarter of an hour: everyone signs in again.
    browsers.clear()
    const later = await as(advisor)
    const tasks = await later.get(staffPaths.myTasks)
    assert.match(tasks.body, /Ring the school/)
    assert.match(tasks.body, /app-overdue/)
    const overdue = await later.get(`${staffPaths.cases}?overdueTasks=yes`)
    assert.match(overdue.body, new RegExp(formatCaseNumber(c.number)))
    const page = await later.get(staffPaths.case(c.caseId))
    const done = /action="(\/staff\/cases\/[^"]+\/tasks\/[^"]+\/done)"/.exec(page.body)?.[1] ?? ''
    assert.equal((await later.post(done, {})).statusCode, 303)
    assert.doesNotMatch((await later.get(staffPaths.myTasks)).body, /Ring the school/)
  })

  it('needs a supervisor to close a case, who may send it back with a reason', async () => {
    const c = await newCase(advisor)
    const owner = await as(advisor)
    const close = staffPaths.caseAction(c.caseId, 'close')
    await owner.get(close)
    assert.equal((await owner.post(close, {})).statusCode, 400)
    const ask = () =>
      owner.post(close, { outcome: 'safer', summary: 'Plan agreed; account blocked.' })
    assert.equal((await ask()).statusCode, 303)
    assert.equal((await ask()).statusCode, 409, 'one request at a time')
    assert.equal((await owner.get(staffPaths.caseAction(c.caseId, 'closure'))).statusCode, 403)
    const boss = await as(supervisor)
    const decide = staffPaths.caseAction(c.caseId, 'closure')
    const form = await boss.get(decide)
    assert.match(form.body, /Plan agreed; account blocked/)
    const noReason = await boss.post(decide, { decision: 'returned' })
    assert.equal(noReason.statusCode, 400)
    assert.equal(
      (await boss.post(decide, { decision: 'returned', reason: 'Check the school was told.' }))
        .statusCode,
      303,
    )
    const sentBack = await owner.get(staffPaths.case(c.caseId))
    assert.match(sentBack.body, /Check the school was told/)
    assert.equal((await ask()).statusCode, 303)
    assert.equal((await boss.post(decide, { decision: 'approved' })).statusCode, 303)
    const status = await t.db.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [
      c.caseId,
    ])
    assert.equal(status[0]?.status, 'closed')
    const note = staffPaths.caseAction(c.caseId, 'notes/new')
    assert.equal((await owner.post(note, { note: 'Too late' })).statusCode, 409)
    const reopen = staffPaths.caseAction(c.caseId, 'reopen')
    await (await as(otherSupervisor)).get(reopen)
    assert.equal(
      (await (await as(otherSupervisor)).post(reopen, { reason: 'The parent rang back.' }))
        .statusCode,
      303,
    )
  })

  it('does not let a supervisor approve their own closure request', async () => {
    const c = await newCase(supervisor)
    const boss = await as(supervisor)
    await boss.get(staffPaths.caseAction(c.caseId, 'close'))
    await boss.post(staffPaths.caseAction(c.caseId, 'close'), {
      outcome: 'no-further-action',
      summary: 'Nothing more to do.',
    })
    const form = await boss.get(staffPaths.caseAction(c.caseId, 'closure'))
    assert.match(form.body, /another supervisor must decide/)
    assert.doesNotMatch(form.body, /Record decision/)
    const own = await boss.post(staffPaths.caseAction(c.caseId, 'closure'), {
      decision: 'approved',
    })
    assert.equal(own.statusCode, 409)
  })

  it('adds, moves, links and merges, shown on both timelines', async () => {
    const a = await newCase(advisor)
    const b = await newCase(advisor)
    const loose = await insertQueuedReport(t.db, t.deps.envelope, { status: 'referred' })
    const browser = await as(advisor)
    const add = staffPaths.caseAction(a.caseId, 'reports/add')
    await browser.get(add)
    assert.equal(
      (await browser.post(add, { reference: b.reference, reason: 'Same child' })).statusCode,
      400,
      'a report in another case is moved, not added',
    )
    assert.equal(
      (await browser.post(add, { reference: loose.reference, reason: 'Same child' })).statusCode,
      303,
    )
    const move = staffPaths.caseReportMove(a.caseId, loose.id)
    await browser.get(move)
    assert.equal(
      (await browser.post(move, { caseNumber: formatCaseNumber(a.number), reason: 'x' }))
        .statusCode,
      400,
      'not to the same case',
    )
    assert.equal(
      (await browser.post(move, { caseNumber: String(b.number), reason: 'Belongs with B' }))
        .statusCode,
      303,
    )
    const link = staffPaths.caseAction(a.caseId, 'link')
    await browser.get(link)
    assert.equal(
      (
        await browser.post(link, {
          caseNumber: String(b.number),
          how: 'link',
          reason: 'Same person',
        })
      ).statusCode,
      303,
    )
    const merged = await browser.post(link, {
      caseNumber: String(b.number),
      how: 'merge',
      reason: 'One family',
    })
    assert.equal(merged.statusCode, 303)
    assert.equal(merged.headers.location, `${staffPaths.case(b.caseId)}?done=merged`)
    const timelineB = await browser.get(staffPaths.caseAction(b.caseId, 'timeline'))
    assert.match(timelineB.body, new RegExp(`merged into this one`))
    assert.match(timelineB.body, /One family/)
    assert.match(timelineB.body, /moved here from/)
    const timelineA = await browser.get(
      `${staffPaths.caseAction(a.caseId, 'timeline')}?kind=reports`,
    )
    assert.match(timelineA.body, /Merged into case/)
    assert.match(timelineA.body, /moj-timeline/)
    const notes = await browser.get(`${staffPaths.caseAction(a.caseId, 'timeline')}?kind=notes`)
    assert.doesNotMatch(notes.body, /Merged into case/)
    const reports = await t.db.query('SELECT 1 FROM case_reports WHERE case_id = $1', [b.caseId])
    assert.equal(reports.length, 3)
  })
})
