import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { errorSummaryLinks, fieldNames, inputValue, pageTitle } from '../../test/html.js'
import type { Browser } from '../../test/http.js'
import { importJurisdictionFile } from '../../test/jurisdictions.js'
import {
  addPerson,
  auditEvents,
  MINUTE,
  signIn,
  testClock,
  type TestPerson,
} from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'

describe('partner agencies in the back office', () => {
  const clock = testClock()
  let t: TestApp
  let admin: TestPerson
  let browser: Browser
  let cumbria: string

  const agencyCount = async () =>
    (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM partner_agencies'))[0]?.n

  before(async () => {
    t = await buildTestApp({ now: clock.now })
    await importJurisdictionFile(t.db, 'police_forces.csv')
    await importJurisdictionFile(t.db, 'la_police_force_childrens_services.csv')
    await t.deps.partnerAgencies.syncWithJurisdictions('test')
    const force = await t.deps.partnerAgencies.findPoliceForce('E23000002')
    assert.ok(force)
    cumbria = force.id
    admin = await addPerson(t, ['administrator'])
    browser = await signIn(t, admin, clock)
  })
  after(() => t.close())

  it('lists every police force and children’s services authority, audited', async () => {
    const before = await auditEvents(t, 'partner-agencies.listed')
    const page = await browser.get(staffPaths.partnerAgencies)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Cumbria Constabulary/)
    assert.match(page.body, /Children’s services/)
    assert.match(
      page.body,
      /aria-current="page" href="\/staff\/admin\/partner-agencies">Partner agencies/,
    )
    assert.equal(await auditEvents(t, 'partner-agencies.listed'), before + 1)

    const forces = await browser.get(`${staffPaths.partnerAgencies}?kind=police-force`)
    assert.match(forces.body, /Cumbria Constabulary/)
    assert.doesNotMatch(forces.body, /Children’s services<\/td>/)
    const searched = await browser.get(`${staffPaths.partnerAgencies}?name=cUMBRIA`)
    assert.match(searched.body, /Cumbria Constabulary/)
    assert.doesNotMatch(searched.body, /Lancashire Constabulary/)
    const percent = await browser.get(`${staffPaths.partnerAgencies}?name=%25`)
    assert.match(percent.body, /No agencies match/, 'a % is a character, not a wildcard')
  })

  it('shows an agency the tables no longer list as withdrawn', async () => {
    await t.db.query(`DELETE FROM police_forces WHERE code = 'E23000003'`)
    await t.deps.partnerAgencies.syncWithJurisdictions('test')
    const page = await browser.get(`${staffPaths.partnerAgencies}?name=Lancashire+Constabulary`)
    assert.match(page.body, /Lancashire Constabulary/)
    assert.match(page.body, /Withdrawn/)
  })

  it('refuses a kind it does not know, with an error summary', async () => {
    const page = await browser.get(`${staffPaths.partnerAgencies}?kind=secret-service`)
    assert.equal(page.statusCode, 400)
    assert.match(pageTitle(page.body), /^Error: Partner agencies/)
    assert.deepEqual(errorSummaryLinks(page.body), ['#kind'])
  })

  it('adds a school trust; bad input is shown again and adds nothing', async () => {
    const form = await browser.get(staffPaths.newPartnerAgency)
    assert.equal(form.statusCode, 200)
    assert.ok(fieldNames(form.body).has('name'))
    const count = await agencyCount()
    const bad = await browser.post(staffPaths.newPartnerAgency, {
      name: '',
      email: 'not an email',
      urgentPhone: '01632 960 002',
    })
    assert.equal(bad.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(bad.body), ['#name', '#kind', '#email'])
    assert.equal(inputValue(bad.body, 'urgentPhone'), '01632 960 002', 'what was typed is kept')
    assert.equal(await agencyCount(), count)

    const before = await auditEvents(t, 'partner-agency.added')
    const added = await browser.post(staffPaths.newPartnerAgency, {
      name: 'Northfield Schools Trust',
      kind: 'school-trust',
      email: 'dsl@example.org',
    })
    assert.equal(added.statusCode, 303)
    const location = String(added.headers.location)
    assert.match(location, /^\/staff\/admin\/partner-agencies\/[0-9a-f-]{36}\?saved=1$/)
    assert.equal(await agencyCount(), (count ?? 0) + 1)
    assert.equal(await auditEvents(t, 'partner-agency.added'), before + 1)
    const page = await browser.get(location)
    assert.match(page.body, /Saved/)
    assert.equal(inputValue(page.body, 'name'), 'Northfield Schools Trust')
    const list = await browser.get(`${staffPaths.partnerAgencies}?kind=school-trust`)
    assert.match(list.body, /Northfield Schools Trust/)
  })

  it('edits a police force’s contacts, not its name', async () => {
    const before = await auditEvents(t, 'partner-agency.viewed')
    const page = await browser.get(staffPaths.partnerAgency(cumbria))
    assert.equal(page.statusCode, 200)
    assert.equal(await auditEvents(t, 'partner-agency.viewed'), before + 1)
    assert.ok(!fieldNames(page.body).has('name'), 'the tables name a force')
    assert.ok(fieldNames(page.body).has('urgentPhone'))

    const bad = await browser.post(staffPaths.partnerAgency(cumbria), {
      urgentPhone: 'call the desk',
      email: 'cpu@example.org',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(pageTitle(bad.body), /^Error: Cumbria Constabulary/)
    assert.deepEqual(errorSummaryLinks(bad.body), ['#urgentPhone'])
    assert.equal((await t.deps.partnerAgencies.find(cumbria))?.email, null, 'nothing saved')

    const updates = await auditEvents(t, 'partner-agency.updated')
    const saved = await browser.post(staffPaths.partnerAgency(cumbria), {
      name: 'Renamed by hand',
      urgentPhone: '01632 960 001',
      email: 'cpu@example.org',
      openingHours: 'Any time, day or night',
      notes: 'Ask for the duty sergeant',
    })
    assert.equal(saved.statusCode, 303)
    const agency = await t.deps.partnerAgencies.find(cumbria)
    assert.equal(agency?.name, 'Cumbria Constabulary')
    assert.equal(agency.urgentPhone, '01632 960 001')
    assert.equal(agency.openingHours, 'Any time, day or night')
    assert.equal(await auditEvents(t, 'partner-agency.updated'), updates + 1)
    const [event] = await t.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE event = 'partner-agency.updated'
        ORDER BY id DESC LIMIT 1`,
    )
    assert.doesNotMatch(JSON.stringify(event?.details), /01632|cpu@|sergeant/, 'no contacts')
  })

  it('needs a second factor proven in the last 5 minutes to change anything', async () => {
    clock.advance(6 * MINUTE)
    await browser.get(staffPaths.partnerAgency(cumbria))
    const stale = await browser.post(staffPaths.partnerAgency(cumbria), {
      urgentPhone: '999',
    })
    assert.equal(stale.statusCode, 303)
    assert.ok(String(stale.headers.location).startsWith(`${staffPaths.confirm}?next=`))
    assert.equal((await t.deps.partnerAgencies.find(cumbria))?.urgentPhone, '01632 960 001')
    const count = await agencyCount()
    const add = await browser.post(staffPaths.newPartnerAgency, {
      name: 'A helpline',
      kind: 'helpline',
    })
    assert.equal(add.statusCode, 303)
    assert.equal(await agencyCount(), count)
  })

  it('answers 404 for an agency that does not exist', async () => {
    const fresh = await signIn(t, admin, clock)
    const missing = await fresh.get(
      staffPaths.partnerAgency('00000000-0000-4000-8000-000000000000'),
    )
    assert.equal(missing.statusCode, 404)
    const notAnId = await fresh.post(staffPaths.partnerAgency('not-an-id'), { email: '' })
    assert.equal(notAnId.statusCode, 404)
  })

  it('is for administrators only', async () => {
    const advisor = await signIn(t, await addPerson(t, ['advisor', 'supervisor']), clock)
    for (const url of [
      staffPaths.partnerAgencies,
      staffPaths.newPartnerAgency,
      staffPaths.partnerAgency(cumbria),
    ]) {
      const refused = await advisor.get(url)
      assert.equal(refused.statusCode, 403, url)
    }
    const post = await advisor.post(staffPaths.partnerAgency(cumbria), { urgentPhone: '999' })
    assert.equal(post.statusCode, 403)
    assert.equal((await t.deps.partnerAgencies.find(cumbria))?.urgentPhone, '01632 960 001')
  })
})
