import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { errorSummaryLinks, fieldNames, inputValue, pageTitle } from '../../test/html.js'
import type { Browser } from '../../test/http.js'
import { addPerson, auditEvents, signIn, testClock } from '../../test/staff.js'
import { ROLES } from '../staff/permissions.js'
import { staffPaths } from '../web/paths.js'

describe('report button sources in the back office', () => {
  const clock = testClock()
  let t: TestApp
  let admin: Browser

  const sources = () =>
    t.db.query<{ id: string; name: string; website: string; withdrawn: boolean }>(
      `SELECT id, name, website, withdrawn_at IS NOT NULL AS withdrawn
         FROM report_sources ORDER BY id`,
    )

  before(async () => {
    t = await buildTestApp({ now: clock.now })
    admin = await signIn(t, await addPerson(t, ['administrator']), clock)
  })
  after(() => t.close())

  it('adds a source; bad input gets an error summary and adds nothing', async () => {
    const form = await admin.get(staffPaths.newReportSource)
    assert.equal(form.statusCode, 200)
    assert.deepEqual([...fieldNames(form.body)].sort(), ['_csrf', 'id', 'name', 'website'])

    const bad = await admin.post(staffPaths.newReportSource, {
      id: 'Game Chat!',
      name: '',
      website: 'javascript:alert(1)',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(pageTitle(bad.body), /^Error: Add a report button source/)
    assert.match(bad.body, /govuk-error-summary/)
    assert.deepEqual(errorSummaryLinks(bad.body), ['#id', '#name', '#website'])
    assert.equal(inputValue(bad.body, 'id'), 'Game Chat!', 'what was typed is kept')
    assert.deepEqual(await sources(), [])

    const before = await auditEvents(t, 'report-source.added')
    const added = await admin.post(staffPaths.newReportSource, {
      id: 'game-chat',
      name: 'GameChat',
      website: 'https://gamechat.example',
    })
    assert.equal(added.statusCode, 303)
    assert.equal(added.headers.location, `${staffPaths.reportSource('game-chat')}?saved=1`)
    assert.equal(await auditEvents(t, 'report-source.added'), before + 1)
    assert.deepEqual(await sources(), [
      { id: 'game-chat', name: 'GameChat', website: 'https://gamechat.example', withdrawn: false },
    ])

    const again = await admin.post(staffPaths.newReportSource, {
      id: 'game-chat',
      name: 'Another',
      website: 'https://another.example',
    })
    assert.equal(again.statusCode, 400)
    assert.deepEqual(errorSummaryLinks(again.body), ['#id'])
    assert.match(again.body, /A source with this ID already exists/)
    assert.equal((await sources()).length, 1)
  })

  it('lists sources and shows each with its own snippet, audited', async () => {
    const listed = await auditEvents(t, 'report-sources.listed')
    const list = await admin.get(staffPaths.reportSources)
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /href="\/staff\/admin\/report-sources\/game-chat">GameChat<\/a>/)
    assert.match(list.body, /aria-current="page" href="\/staff\/admin\/report-sources"/)
    assert.equal(await auditEvents(t, 'report-sources.listed'), listed + 1)

    const viewed = await auditEvents(t, 'report-source.viewed')
    const page = await admin.get(staffPaths.reportSource('game-chat'))
    assert.equal(page.statusCode, 200)
    assert.equal(await auditEvents(t, 'report-source.viewed'), viewed + 1)
    assert.match(page.body, /&lt;a href=&quot;http:\/\/[^&]+\/\?source=game-chat&quot;&gt;&lt;img /)
    assert.ok(!fieldNames(page.body).has('id'), 'the id cannot change')

    const missing = await admin.get(staffPaths.reportSource('no-such-source'))
    assert.equal(missing.statusCode, 404)
  })

  it('edits a source’s name and website, with errors shown again', async () => {
    const bad = await admin.post(staffPaths.reportSource('game-chat'), {
      name: 'x'.repeat(101),
      website: 'gamechat',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(pageTitle(bad.body), /^Error: GameChat/)
    assert.deepEqual(errorSummaryLinks(bad.body), ['#name', '#website'])
    assert.equal((await sources())[0]?.name, 'GameChat', 'nothing saved')

    const before = await auditEvents(t, 'report-source.updated')
    const saved = await admin.post(staffPaths.reportSource('game-chat'), {
      id: 'changed',
      name: 'GameChat Kids',
      website: 'https://kids.gamechat.example',
    })
    assert.equal(saved.statusCode, 303)
    assert.equal(await auditEvents(t, 'report-source.updated'), before + 1)
    const [source] = await sources()
    assert.equal(source?.id, 'game-chat', 'the id stays')
    assert.equal(source.name, 'GameChat Kids')
  })

  it('withdraws a source and restores it', async () => {
    const withdrawn = await admin.post(staffPaths.reportSourceAction('game-chat', 'withdraw'), {})
    assert.equal(withdrawn.statusCode, 303)
    assert.equal((await sources())[0]?.withdrawn, true)
    assert.equal(await auditEvents(t, 'report-source.withdrawn'), 1)
    const page = await admin.get(staffPaths.reportSource('game-chat'))
    assert.match(page.body, /Withdrawn/)
    assert.match(page.body, /Restore source/)
    const home = await t.app.inject({ method: 'GET', url: '/?source=game-chat' })
    assert.doesNotMatch(home.body, /You came here from/)

    const restored = await admin.post(staffPaths.reportSourceAction('game-chat', 'restore'), {})
    assert.equal(restored.statusCode, 303)
    assert.equal((await sources())[0]?.withdrawn, false)
    assert.equal(await auditEvents(t, 'report-source.restored'), 1)
  })

  it('refuses everyone but administrators with a 403', async () => {
    for (const role of ROLES.filter((r) => r !== 'administrator')) {
      const browser = await signIn(t, await addPerson(t, [role]), clock)
      for (const url of [staffPaths.reportSources, staffPaths.reportSource('game-chat')]) {
        const page = await browser.get(url)
        assert.equal(page.statusCode, 403, `${role} ${url}`)
      }
      const post = await browser.post(staffPaths.newReportSource, {
        id: 'by-someone-else',
        name: 'Nope',
        website: 'https://nope.example',
      })
      assert.equal(post.statusCode, 403, `${role} adds`)
    }
    assert.equal((await sources()).length, 1)
  })
})
