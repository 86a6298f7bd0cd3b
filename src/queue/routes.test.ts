import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { importJurisdictionFile } from '../../test/jurisdictions.js'
import { insertQueuedReport } from '../../test/queue.js'
import { addPerson, allAuditEvents, signIn, testClock, type TestPerson } from '../../test/staff.js'
import { answerAll, Browser } from '../../test/http.js'
import { reportSteps, type Step } from '../../test/reports.js'
import { staffPaths } from '../web/paths.js'

const HOUR = 3_600_000
// Monday 30 November 2026, 10:00 in London: the office is open.
const MONDAY_MORNING = '2026-11-30T10:00:00Z'

describe('the triage queue and the report, over HTTP', () => {
  const clock = testClock(MONDAY_MORNING)
  let t: TestApp
  let advisor: TestPerson
  let otherAdvisor: TestPerson
  let operator: TestPerson
  let supervisor: TestPerson
  let administrator: TestPerson
  const browsers = new Map<TestPerson, Browser>()
  const as = async (person: TestPerson) => {
    const known = browsers.get(person)
    if (known) return known
    const browser = await signIn(t, person, clock)
    browsers.set(person, browser)
    return browser
  }
  const report = (seed: Parameters<typeof insertQueuedReport>[2] = {}) =>
    insertQueuedReport(t.db, t.deps.envelope, { receivedAt: clock.now(), ...seed })
  const statusOf = async (id: string) =>
    (await t.db.query<{ status: string }>('SELECT status FROM reports WHERE id = $1', [id]))[0]
      ?.status

  /** Runs `act` and says how many audit events it wrote, and of which kinds. */
  async function audited(act: () => Promise<unknown>) {
    const before = await allAuditEvents(t)
    await act()
    const rows = await t.db.query<{ event: string }>(
      'SELECT event FROM audit_events ORDER BY id DESC LIMIT $1',
      [(await allAuditEvents(t)) - before],
    )
    return rows.map((r) => r.event)
  }

  before(async () => {
    t = await buildTestApp({ now: clock.now })
    advisor = await addPerson(t, ['advisor'])
    otherAdvisor = await addPerson(t, ['advisor'])
    operator = await addPerson(t, ['operator'])
    supervisor = await addPerson(t, ['supervisor'])
    administrator = await addPerson(t, ['administrator'])
    // The police force the test reports' jurisdiction names, as a partner agency.
    await t.db.query(
      `INSERT INTO partner_agencies (id, kind, name, jurisdiction_code, urgent_phone, created_at,
         updated_at) VALUES ($1, 'police-force', 'Force F1', 'F1', '01632 960000', $2, $2)`,
      [randomUUID(), clock.now()],
    )
  })
  after(() => t.close())

  it('shows an advisor their queue by priority then deadline, with counts', async () => {
    await t.db.exec('DELETE FROM reports WHERE status = $$new$$ AND claimed_by IS NULL')
    const p3 = await report({ priority: 'P3' })
    const p1 = await report({ priority: 'P1', deadlineAt: new Date(clock.now().getTime() + HOUR) })
    const p2 = await report({ priority: 'P2', deadlineAt: new Date(clock.now().getTime() + HOUR) })
    const browser = await as(advisor)
    const events = await audited(async () => {
      const page = await browser.get(staffPaths.queue)
      assert.equal(page.statusCode, 200)
      const order = [p1, p2, p3].map((r) => page.body.indexOf(r.reference))
      assert.ok(
        order.every((at) => at > 0),
        'every report is listed',
      )
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        'P1, then P2, then P3',
      )
      assert.match(page.body, /Advisors&#39; queue|Advisors' queue/)
    })
    assert.deepEqual(events, ['queue.viewed'])
  })

  it('refuses a queue the person does not work, with an error summary', async () => {
    const browser = await as(advisor)
    const page = await browser.get(`${staffPaths.queue}?queue=control-centre`)
    assert.equal(page.statusCode, 400)
    assert.match(page.body, /govuk-error-summary/)
    assert.match(page.body, /Select a queue you work/)
    const badCursor = await browser.get(`${staffPaths.queue}?after=bm90LWEtY3Vyc29y`)
    assert.equal(badCursor.statusCode, 400)
    assert.match(badCursor.body, /no longer exists/)
  })

  it('opens a report: claims it, shows it decrypted, records exactly one view', async () => {
    const { id, reference } = await report({ priority: 'P2' })
    const browser = await as(advisor)
    const events = await audited(async () => {
      const page = await browser.get(staffPaths.report(id))
      assert.equal(page.statusCode, 200)
      assert.match(page.body, new RegExp(reference))
      assert.match(page.body, /Sam Synthetic/, 'the answers, decrypted')
      assert.match(page.body, /A test reason/, 'the triage reasons')
      assert.match(page.body, /test-rules/, 'the rules version')
      assert.match(page.body, /You have this report open/)
    })
    assert.deepEqual(events, ['report.viewed'])
    const second = await (await as(otherAdvisor)).get(staffPaths.report(id))
    assert.match(second.body, new RegExp(`Being read by ${advisor.name}`))
  })

  it('refuses, and records, a report outside the queues a person works', async () => {
    const { id } = await report({ priority: 'P3' })
    const browser = await as(operator)
    const events = await audited(async () => {
      const page = await browser.get(staffPaths.report(id))
      assert.equal(page.statusCode, 403)
      assert.doesNotMatch(page.body, /Sam Synthetic/)
    })
    assert.deepEqual(events, ['access.refused'])
    const form = await browser.get(staffPaths.reportAction(id, 'priority'))
    assert.equal(form.statusCode, 404)
  })

  it('corrects the priority with a reason: the deadline follows, one event, shown', async () => {
    const { id } = await report({ priority: 'P3' })
    const browser = await as(advisor)
    await browser.get(staffPaths.report(id))
    await browser.get(staffPaths.reportAction(id, 'priority'))
    const none = await audited(async () => {
      const invalid = await browser.post(staffPaths.reportAction(id, 'priority'), {
        priority: 'P2',
      })
      assert.equal(invalid.statusCode, 400)
      assert.match(invalid.body, /Enter why you are changing the priority/)
    })
    assert.deepEqual(none, [], 'a refused change records nothing')
    const events = await audited(async () => {
      const done = await browser.post(staffPaths.reportAction(id, 'priority'), {
        priority: 'P2',
        reason: 'The child said it is happening tonight',
      })
      assert.equal(done.statusCode, 303)
    })
    assert.deepEqual(events, ['report.priority-corrected'])
    const [row] = await t.db.query<{ priority: string; deadline_at: Date | string }>(
      'SELECT priority, deadline_at FROM reports WHERE id = $1',
      [id],
    )
    assert.ok(row)
    assert.equal(row.priority, 'P2')
    assert.equal(new Date(row.deadline_at).getTime(), clock.now().getTime() + 4 * HOUR)
    const page = await browser.get(staffPaths.report(id))
    assert.match(page.body, /Priority changed from P3 standard to P2 high/)
    assert.match(page.body, /happening tonight/)
  })

  it('corrects where the child lives by council area: the force follows, one event', async () => {
    await importJurisdictionFile(t.db, 'police_forces.csv')
    await importJurisdictionFile(t.db, 'la_police_force_childrens_services.csv')
    // The directory looks for a new import at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const { id } = await report({ priority: 'P2' })
    const browser = await as(advisor)
    await browser.get(staffPaths.report(id))
    const form = await browser.get(staffPaths.reportAction(id, 'jurisdiction'))
    assert.match(form.body, /Hartlepool/)
    const invalid = await browser.post(staffPaths.reportAction(id, 'jurisdiction'), {
      councilArea: 'NOT-A-PLACE',
      reason: 'The parent said so',
    })
    assert.equal(invalid.statusCode, 400)
    assert.match(invalid.body, /Select the council area where the child lives/)
    const events = await audited(async () => {
      const done = await browser.post(staffPaths.reportAction(id, 'jurisdiction'), {
        councilArea: 'E06000001',
        reason: 'The parent said they live in Hartlepool',
      })
      assert.equal(done.statusCode, 303)
    })
    assert.deepEqual(events, ['report.jurisdiction-corrected'])
    const [row] = await t.db.query<{ force: string; authority: string }>(
      `SELECT police_force_code AS force, local_authority_code AS authority
         FROM reports WHERE id = $1`,
      [id],
    )
    assert.equal(row?.authority, 'E06000001')
    const page = await browser.get(staffPaths.report(id))
    assert.match(page.body, /Cleveland Police/)
    assert.match(page.body, /changed from LA LA1 to Hartlepool/)
  })

  it('lets only the person who has a report open change it', async () => {
    const { id } = await report({ priority: 'P3' })
    await (await as(advisor)).get(staffPaths.report(id))
    const other = await as(otherAdvisor)
    await other.get(staffPaths.reportAction(id, 'priority'))
    const refused = await other.post(staffPaths.reportAction(id, 'priority'), {
      priority: 'P1',
      reason: 'reason',
    })
    assert.equal(refused.statusCode, 409)
    assert.match(refused.body, new RegExp(`${advisor.name} is reading it`))
    const release = await other.post(staffPaths.reportAction(id, 'release'), {})
    assert.equal(release.statusCode, 409)
  })

  it('records each of the four decisions, each with one audit event', async () => {
    const browser = await as(advisor)
    const decide = async (form: Record<string, string | string[]>) => {
      const { id } = await report({ priority: 'P2' })
      await browser.get(staffPaths.report(id))
      await browser.get(staffPaths.reportAction(id, 'assessment'))
      const events = await audited(async () => {
        const done = await browser.post(staffPaths.reportAction(id, 'assessment'), {
          riskLevel: 'medium',
          rationale: 'Asked for a photo; the parent is aware.',
          ...form,
        })
        assert.equal(
          done.statusCode,
          303,
          (/govuk-error-summary__list[\s\S]*?<\/ul>/.exec(done.body) ?? [''])[0],
        )
      })
      assert.deepEqual(events, ['report.assessed'])
      return id
    }
    const urgent = await decide({
      decision: 'urgent-referral',
      policeForceCode: 'F1',
      shared: ['the-child', 'what-happened'],
    })
    assert.equal(await statusOf(urgent), 'referred')
    const page = await browser.get(`${staffPaths.report(urgent)}?done=assessed`)
    assert.match(page.body, /Phone Force F1 now on 01632 960000/)
    assert.match(page.body, /Sending/)
    // A decided report is nobody's to work: the claim ends, and nothing offers to give it back.
    assert.deepEqual(
      await t.db.query('SELECT claimed_by, claimed_at FROM reports WHERE id = $1', [urgent]),
      [{ claimed_by: null, claimed_at: null }],
    )
    assert.doesNotMatch(page.body, /Give back to the queue|Being read by/)
    assert.match(page.body, /Decided/)
    assert.doesNotMatch(page.body, /Overdue by/)
    const meets = await decide({ decision: 'open-case' })
    assert.equal(await statusOf(meets), 'case-opened')
    const [openedCase] = await t.db.query<{ owner: string; status: string }>(
      'SELECT owner, status FROM cases WHERE report_id = $1',
      [meets],
    )
    assert.deepEqual(openedCase, { owner: advisor.id, status: 'open' })
    const advice = t.deps.assessmentContent.adviceTemplates[0]?.id ?? ''
    const below = await decide({ decision: 'close-with-advice', adviceTemplateId: advice })
    assert.equal(await statusOf(below), 'closed')
    const signpost = t.deps.assessmentContent.signpostingTemplates[0]?.id ?? ''
    const out = await decide({
      decision: 'close-with-signposting',
      signpostingTemplateId: signpost,
    })
    assert.equal(await statusOf(out), 'closed')
  })

  it('refuses a decision without its required fields, and changes nothing', async () => {
    const { id } = await report({ priority: 'P2' })
    const browser = await as(advisor)
    await browser.get(staffPaths.report(id))
    await browser.get(staffPaths.reportAction(id, 'assessment'))
    const events = await audited(async () => {
      const page = await browser.post(staffPaths.reportAction(id, 'assessment'), {
        decision: 'close-with-advice',
      })
      assert.equal(page.statusCode, 400)
      for (const message of [
        'Select the risk level',
        'Enter your rationale',
        'Select the advice to send to the reporter',
      ])
        assert.match(page.body, new RegExp(message))
    })
    assert.deepEqual(events, [])
    assert.equal(await statusOf(id), 'new')
  })

  it('lets the Control Centre refer urgent reports, and no other decision', async () => {
    const { id } = await report({ priority: 'P1' })
    const browser = await as(operator)
    await browser.get(staffPaths.report(id))
    const form = await browser.get(staffPaths.reportAction(id, 'assessment'))
    assert.match(form.body, /Urgent: refer to the police force now/)
    assert.doesNotMatch(form.body, /open a case/)
    const refused = await browser.post(staffPaths.reportAction(id, 'assessment'), {
      riskLevel: 'high',
      rationale: 'Asked to meet today.',
      decision: 'open-case',
    })
    assert.equal(refused.statusCode, 400)
    assert.equal(await statusOf(id), 'new')
  })

  it('lets a supervisor reassign a report and reopen a closed one, with a reason', async () => {
    const { id } = await report({ priority: 'P3' })
    await (await as(advisor)).get(staffPaths.report(id))
    const browser = await as(supervisor)
    const form = await browser.get(staffPaths.reportAction(id, 'reassign'))
    // Offered: the other advisor; not offered: the advisor who has it open already.
    assert.match(form.body, new RegExp(`value="${otherAdvisor.id}"`))
    assert.doesNotMatch(form.body, new RegExp(`value="${advisor.id}"`))
    const toHolder = await browser.post(staffPaths.reportAction(id, 'reassign'), {
      staffId: advisor.id,
    })
    assert.equal(toHolder.statusCode, 400)
    const events = await audited(async () => {
      const done = await browser.post(staffPaths.reportAction(id, 'reassign'), {
        staffId: otherAdvisor.id,
      })
      assert.equal(done.statusCode, 303)
    })
    assert.deepEqual(events, ['report.reassigned'])
    const [claim] = await t.db.query<{ claimed_by: string }>(
      'SELECT claimed_by FROM reports WHERE id = $1',
      [id],
    )
    assert.equal(claim?.claimed_by, otherAdvisor.id)

    const closed = await report({ priority: 'P3', status: 'closed' })
    assert.equal((await browser.get(staffPaths.reportAction(closed.id, 'reopen'))).statusCode, 200)
    const missing = await browser.post(staffPaths.reportAction(closed.id, 'reopen'), {})
    assert.equal(missing.statusCode, 400)
    const reopened = await audited(async () => {
      const done = await browser.post(staffPaths.reportAction(closed.id, 'reopen'), {
        reason: 'The reporter called back with more detail',
      })
      assert.equal(done.statusCode, 303)
    })
    assert.deepEqual(reopened, ['report.reopened'])
    assert.equal(await statusOf(closed.id), 'new')
    // Reopened: the form, opened again from an old link, shows the report instead.
    const stale = await browser.get(staffPaths.reportAction(closed.id, 'reopen'))
    assert.equal(stale.statusCode, 303)
    assert.equal(stale.headers.location, staffPaths.report(closed.id))
    const advisorTries = await (await as(advisor)).get(staffPaths.reportAction(closed.id, 'reopen'))
    assert.equal(advisorTries.statusCode, 403)
  })

  it('lets a supervisor place a legal hold on a report and lift it, each with a reason', async () => {
    const { id } = await report({ priority: 'P3', status: 'closed' })
    const browser = await as(supervisor)
    const page = async () => (await browser.get(staffPaths.report(id))).body
    const heldSince = async () =>
      (
        await t.db.query<{ legal_hold_since: Date | null }>(
          'SELECT legal_hold_since FROM reports WHERE id = $1',
          [id],
        )
      )[0]?.legal_hold_since ?? null
    assert.match(await page(), /Place a legal hold/)
    /** A form for the state the report is not in, opened from an old link: its page instead. */
    const goesToReport = async (action: 'legal-hold' | 'lift-legal-hold') => {
      const form = await browser.get(staffPaths.reportAction(id, action))
      assert.equal(form.statusCode, 303)
      assert.equal(form.headers.location, staffPaths.report(id))
    }
    await goesToReport('lift-legal-hold')
    assert.equal((await browser.get(staffPaths.reportAction(id, 'legal-hold'))).statusCode, 200)

    const missing = await browser.post(staffPaths.reportAction(id, 'legal-hold'), { reason: ' ' })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /There is a problem/)
    assert.match(missing.body, /Enter why you are placing a legal hold/)
    assert.equal(await heldSince(), null)

    /** Posts the form and gives the audit events it wrote; it must succeed. */
    const done = (action: 'legal-hold' | 'lift-legal-hold', reason: string) =>
      audited(async () => {
        const posted = await browser.post(staffPaths.reportAction(id, action), { reason })
        assert.equal(posted.statusCode, 303)
      })
    const placed = await done('legal-hold', 'The police asked us to keep it for a trial')
    assert.deepEqual(placed, ['report.legal-hold-placed'])
    assert.deepEqual(await heldSince(), clock.now())
    const held = await page()
    assert.match(held, /Legal hold since/)
    assert.match(held, /Legal hold placed/)
    assert.match(held, /The police asked us to keep it for a trial/)
    assert.match(held, /Lift the legal hold/)
    await goesToReport('legal-hold')
    // A second hold on a held report (a form opened before the first) changes nothing.
    const again = await browser.post(staffPaths.reportAction(id, 'legal-hold'), {
      reason: 'Again',
    })
    assert.equal(again.statusCode, 400)
    assert.match(again.body, /A legal hold was placed on this report since you opened this page/)

    const advisorTries = await (
      await as(advisor)
    ).post(staffPaths.reportAction(id, 'lift-legal-hold'), { reason: 'Not mine to lift' })
    assert.equal(advisorTries.statusCode, 403)
    assert.notEqual(await heldSince(), null)

    const lifted = await done('lift-legal-hold', 'The trial has ended')
    assert.deepEqual(lifted, ['report.legal-hold-lifted'])
    assert.equal(await heldSince(), null)
    const after = await page()
    assert.doesNotMatch(after, /Legal hold since/)
    assert.match(after, /Legal hold lifted/)
    assert.match(after, /Place a legal hold/)
  })

  it('alerts every page of those who can act to a P1 nobody opened in time', async () => {
    const { reference } = await report({
      priority: 'P1',
      deadlineAt: new Date(clock.now().getTime() - HOUR),
    })
    const home = await (await as(operator)).get(staffPaths.home)
    assert.match(home.body, /not been opened in time/)
    assert.match(home.body, new RegExp(reference))
    const admin = await (await as(administrator)).get(staffPaths.home)
    assert.doesNotMatch(admin.body, /not been opened in time/)
  })
  describe('linked reports', () => {
    /** Sends a report through the public form; gives its id and reference. */
    async function sendReport(steps: readonly Step[]) {
      const reporter = new Browser(t.app)
      // Where the child lives is left unknown: the jurisdiction tables imported above would ask which area.
      await answerAll(
        reporter,
        steps.map(([slug, form]): Step =>
          slug === 'where-the-child-lives'
            ? [slug, { place: '', placeUnknown: 'yes' }]
            : [slug, form],
        ),
      )
      await reporter.get('/report/check-your-answers')
      const sent = await reporter.post('/report/check-your-answers', {})
      assert.equal(sent.headers.location, '/report/confirmation')
      const confirmation = await reporter.get('/report/confirmation')
      const reference = /class="app-reference">([^<]+)</.exec(confirmation.body)?.[1]
      const [row] = await t.db.query<{ id: string; reference: string }>(
        'SELECT id, reference FROM reports WHERE reference = $1',
        [reference],
      )
      clock.advance(60_000)
      return row ?? assert.fail('no report stored')
    }
    const sameUsername = (name: string): Step[] =>
      reportSteps['parent-carer'].map(([slug, form]): Step => {
        if (slug === 'about-the-child') return [slug, { childName: name }]
        if (slug === 'their-usernames')
          return [slug, { 'accountPlatform-0': 'gamechat', 'accountUsername-0': '@Canary_User_99' }]
        if (slug === 'their-profile-links') return [slug, { profileLinks: '' }]
        if (slug === 'their-phone-numbers') return [slug, { phoneNumbers: '' }]
        if (slug === 'contact-details')
          return [slug, { email: `${name.split(' ')[0] ?? 'x'}@example.org`, phone: '' }]
        return [slug, form]
      })
    const linkedSection = (body: string) =>
      body.slice(body.indexOf('Linked reports'), body.indexOf('Where the child lives'))
    const lastViewing = async () =>
      (
        await t.db.query<{ details: Record<string, unknown> }>(
          `SELECT details FROM audit_events WHERE event = 'report.viewed' ORDER BY id DESC LIMIT 1`,
        )
      )[0]?.details

    it('shows the earlier reports that mention the same username, by kind and never by value', async () => {
      const first = await sendReport(reportSteps['parent-carer'])
      const unrelated = await sendReport(
        sameUsername('Robin Synthetic').map(([slug, form]): Step =>
          slug === 'their-usernames'
            ? [slug, { 'accountUsername-0': 'someone_else' }]
            : [slug, form],
        ),
      )
      const second = await sendReport(sameUsername('Jesse Synthetic'))
      const browser = await as(advisor)
      const page = await browser.get(staffPaths.report(second.id))
      assert.equal(page.statusCode, 200)
      const section = linkedSection(page.body)
      assert.match(section, /1 earlier report mentions this username on this platform/)
      assert.ok(section.includes(`href="${staffPaths.linkedReport(first.id, second.id)}"`))
      assert.ok(section.includes(first.reference))
      assert.ok(
        !section.includes(unrelated.reference),
        'a report naming someone else is not linked',
      )
      assert.doesNotMatch(section, /canary_user_99/i, 'the username itself is never shown')
      const alone = await browser.get(staffPaths.report(unrelated.id))
      assert.match(linkedSection(alone.body), /No other report mentions/)
    })

    it('records that a report was opened through a link, and only when it truly is linked', async () => {
      const first = await sendReport(reportSteps['parent-carer'])
      const second = await sendReport(sameUsername('Kit Synthetic'))
      const browser = await as(supervisor)
      const events = await audited(() => browser.get(staffPaths.linkedReport(first.id, second.id)))
      assert.deepEqual(events, ['report.viewed'])
      assert.deepEqual(
        { via: (await lastViewing())?.via, linkedFrom: (await lastViewing())?.linkedFrom },
        { via: 'linked-report', linkedFrom: second.id },
      )
      const page = await browser.get(staffPaths.report(first.id))
      assert.match(
        linkedSection(page.body),
        /later reports? mentions? this username on this platform/,
      )
      const other = await report({ priority: 'P3' })
      for (const forged of [other.id, 'not-a-report', first.id]) {
        await browser.get(staffPaths.linkedReport(first.id, forged))
        assert.equal((await lastViewing())?.via, undefined, forged)
      }
    })

    it('names a linked report in a queue the viewer does not work without a link to it', async () => {
      const first = await sendReport(reportSteps['parent-carer'])
      const second = await sendReport(sameUsername('Lee Synthetic'))
      // The earlier report is now only the Control Centre's: an advisor may not open it.
      await t.db.query(
        `UPDATE reports SET queues = '{control-centre}', received_at = $2 WHERE id = $1`,
        [first.id, clock.now()],
      )
      const page = await (await as(advisor)).get(staffPaths.report(second.id))
      const section = linkedSection(page.body)
      assert.ok(section.includes(first.reference))
      assert.ok(!section.includes(`href="${staffPaths.linkedReport(first.id, second.id)}"`))
      assert.match(section, /in a queue you do not work/)
    })
  })
})
