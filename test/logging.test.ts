import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { AUDIENCES } from '../src/reports/model.js'
import { buildTestApp, type TestApp } from './app.js'
import { answerAll, Browser } from './http.js'
import { canaries, reportSteps } from './reports.js'

/**
 * Logs carry references, never people: every report below plants names, contact details,
 * usernames, links, free text and places, and none of them may reach a log line, even at
 * debug level, on good pages, error pages or rejected forms.
 */
describe('the logs', () => {
  let t: TestApp
  const lines: string[] = []

  before(async () => {
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')))
    t = await buildTestApp({ config: { logLevel: 'debug' }, logStream: stream })
  })
  after(() => t.close())

  it('hold the reference of each report sent and none of what the reporter typed', async () => {
    const references: string[] = []
    for (const audience of AUDIENCES) {
      const browser = new Browser(t.app)
      await answerAll(browser, reportSteps[audience])
      // A rejected form and a query string with typed text are logged too.
      await browser.post('/report/contact-details', { email: canaries[audience][0] ?? '' })
      await browser.get(
        `/report/who-are-you?town=${encodeURIComponent(canaries[audience][0] ?? '')}`,
      )
      await browser.get('/report/check-your-answers')
      await browser.post('/report/check-your-answers', {})
      const confirmation = await browser.get('/report/confirmation')
      const reference = /SC-\d{3}-\d{3}-\d{4}/.exec(confirmation.body)?.[0]
      assert.ok(reference)
      references.push(reference)
    }
    const log = lines.join('\n')
    for (const reference of references) {
      // One line per request: the submission's own line names the report it stored.
      const mentions = lines.filter((line) => line.includes(reference))
      assert.equal(mentions.length, 1, `${reference} logged once`)
      const entry = JSON.parse(mentions[0] ?? '{}') as Record<string, unknown>
      assert.equal(entry.msg, 'report submitted')
      assert.equal(entry.path, '/report/check-your-answers')
      assert.equal(entry.status, 303)
    }
    for (const audience of AUDIENCES) {
      for (const canary of canaries[audience]) {
        assert.ok(!log.includes(canary), `"${canary}" must not be logged`)
      }
    }
    assert.ok(!/sc_report=|sc_csrf=/.test(log), 'no cookies in the logs')
  })
})
