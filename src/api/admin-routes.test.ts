import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, testConfig, type TestApp } from '../../test/app.js'
import { apiReport, callApi } from '../../test/api.js'
import type { Browser } from '../../test/http.js'
import { addPerson, auditEvents, signIn, testClock, type TestPerson } from '../../test/staff.js'
import { staffPaths } from '../web/paths.js'

const HOUR = 3_600_000

function shownKey(response: LightMyRequestResponse): string {
  const match = /<textarea[^>]*id="api-key"[^>]*>(sc_api_[A-Za-z0-9_-]+)<\/textarea>/.exec(
    response.body,
  )
  assert.ok(match?.[1], `a key is shown: ${response.body.slice(0, 300)}`)
  return match[1]
}

const clientIdIn = (response: LightMyRequestResponse): string => {
  const match = /\/staff\/admin\/api-clients\/([0-9a-f-]{36})/.exec(response.body)
  assert.ok(match?.[1])
  return match[1]
}

describe('API clients in the back office', () => {
  const clock = testClock()
  let t: TestApp
  let admin: TestPerson
  let browser: Browser

  const works = async (key: string) =>
    (await callApi(t, { url: '/api/v1/reports/SC-000-000-0000', key })).statusCode === 404

  before(async () => {
    t = await buildTestApp({
      now: clock.now,
      config: { api: { ...testConfig().api, keyGraceHours: 24 } },
    })
    admin = await addPerson(t, ['administrator'])
    browser = await signIn(t, admin, clock)
  })
  after(() => t.close())

  it('refuses a client without a name, with the error on the form', async () => {
    await browser.get(staffPaths.newApiClient)
    const response = await browser.post(staffPaths.newApiClient, { name: '  ' })
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /There is a problem/)
    assert.match(response.body, /Enter the organisation’s name/)
    assert.equal((await t.db.query('SELECT 1 FROM api_clients')).length, 0)
  })

  it('registers a client and shows its key once; only its hash is stored', async () => {
    await browser.get(staffPaths.newApiClient)
    const response = await browser.post(staffPaths.newApiClient, { name: 'Synthetic Chat Ltd' })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['cache-control'], 'no-store')
    const key = shownKey(response)
    assert.ok(await works(key))
    const id = clientIdIn(response)
    const page = await browser.get(staffPaths.apiClient(id))
    assert.equal(page.statusCode, 200)
    assert.ok(!page.body.includes(key), 'the key is not shown again')
    const stored = JSON.stringify(await t.db.query('SELECT * FROM api_client_keys'))
    assert.ok(!stored.includes(key))
    assert.equal(await auditEvents(t, 'api-client.registered'), 1)
    const list = await browser.get(staffPaths.apiClients)
    assert.match(list.body, /Synthetic Chat Ltd/)
  })

  it('rotates a key: both work for the grace period, then only the new one', async () => {
    await browser.get(staffPaths.newApiClient)
    const made = await browser.post(staffPaths.newApiClient, { name: 'Rotating Synthetic' })
    const oldKey = shownKey(made)
    const id = clientIdIn(made)
    await browser.get(staffPaths.apiClient(id))
    const rotated = await browser.post(staffPaths.apiClientAction(id, 'rotate'), {})
    assert.equal(rotated.statusCode, 200)
    assert.match(rotated.body, /keep working for 24 hours/)
    const newKey = shownKey(rotated)
    assert.notEqual(newKey, oldKey)
    assert.ok(await works(oldKey), 'the old key works during the grace period')
    assert.ok(await works(newKey))
    const sent = await callApi(t, { url: '/api/v1/reports', key: oldKey, body: apiReport() })
    const { statusUrl } = JSON.parse(sent.body) as { statusUrl: string }
    assert.equal(
      (await callApi(t, { url: statusUrl, key: newKey })).statusCode,
      200,
      'a new key reads the reports an old key of the same client sent',
    )
    clock.advance(24 * HOUR + 1_000)
    assert.ok(!(await works(oldKey)), 'the old key stops when the grace period ends')
    assert.ok(await works(newKey))
    assert.equal(await auditEvents(t, 'api-client.key-rotated'), 1)
  })

  it('revokes a client: every key stops at once', async () => {
    browser = await signIn(t, admin, clock)
    await browser.get(staffPaths.newApiClient)
    const made = await browser.post(staffPaths.newApiClient, { name: 'Revoked Synthetic' })
    const first = shownKey(made)
    const id = clientIdIn(made)
    await browser.get(staffPaths.apiClient(id))
    const second = shownKey(await browser.post(staffPaths.apiClientAction(id, 'rotate'), {}))
    await browser.get(staffPaths.apiClient(id))
    const revoked = await browser.post(staffPaths.apiClientAction(id, 'revoke'), {})
    assert.equal(revoked.statusCode, 303)
    assert.equal(revoked.headers.location, staffPaths.apiClient(id))
    await browser.get(staffPaths.apiClient(id))
    const again = await browser.post(staffPaths.apiClientAction(id, 'revoke'), {})
    assert.equal(again.statusCode, 303, 'revoking twice is no error')
    assert.ok(!(await works(first)))
    assert.ok(!(await works(second)))
    const page = await browser.get(staffPaths.apiClient(id))
    assert.match(page.body, /Revoked/)
    assert.ok(!page.body.includes('Make a new key'), 'a revoked client cannot be given a key')
    assert.equal((await browser.post(staffPaths.apiClientAction(id, 'rotate'), {})).statusCode, 404)
  })
})
