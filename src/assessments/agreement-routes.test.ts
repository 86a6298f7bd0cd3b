import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { errorSummaryLinks, pageTitle } from '../../test/html.js'
import type { Browser } from '../../test/http.js'
import { insertQueuedReport } from '../../test/queue.js'
import { addPerson, auditEvents, signIn, testClock } from '../../test/staff.js'
import type { Priority } from '../reports/model.js'
import { staffPaths } from '../web/paths.js'
import type { RecordedDecision } from './agreement.js'

const DAY = 24 * 3_600_000

/** The text of each cell of one table on the page, row by row. */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`)
  assert.ok(start >= 0, `the page has the table ${id}`)
  const table = html.slice(start, html.indexOf('</table>', start))
  return [...table.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] ?? '')
        .replace(/<span class="govuk-visually-hidden">[^<]*<\/span>/g, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  )
}

describe('the triage agreement page', () => {
  const clock = testClock()
  let t: TestApp
  let supervisor: Browser
  let advisor: Browser

  /** A report with triage's priority and reasons, assessed `daysAgo` with `decision`. */
  async function assessed(
    priority: Priority,
    reasons: string[],
    decisions: [RecordedDecision, number][],
  ) {
    const report = await insertQueuedReport(t.db, t.deps.envelope, { priority })
    for (const [decision, daysAgo] of decisions) {
      const closing = decision === 'close-with-advice' || decision === 'close-with-signposting'
      await t.db.query(
        `INSERT INTO risk_assessments (id, report_id, recorded_at, recorded_by, risk_level,
           risk_factors, decision, template, automatic_priority, automatic_reasons, key_id,
           wrapped_data_key, rationale_ciphertext)
         VALUES ($1, $2, $3, 'staff:test', 'medium', $4, $5, $6, $7, $8, 'test-1', $9, $9)`,
        [
          randomUUID(),
          report.id,
          new Date(clock.now().getTime() - daysAgo * DAY),
          ['asked-for-images'],
          decision,
          closing ? 'a-template' : null,
          priority,
          reasons,
          Buffer.from('sealed rationale'),
        ],
      )
    }
  }

  before(async () => {
    t = await buildTestApp({ now: clock.now })
    await assessed('P1', ['meeting-soon', 'stopped'], [['urgent-referral', 1]])
    // Reopened and assessed again: counted once, as last decided.
    await assessed(
      'P3',
      ['stopped'],
      [
        ['open-case', 40],
        ['close-with-advice', 5],
      ],
    )
    await assessed('out-of-scope', ['bullying-only'], [['open-case', 60]])
    await assessed('P2', ['blackmail', 'retired-rule'], [['urgent-referral', 200]])
    supervisor = await signIn(t, await addPerson(t, ['supervisor']), clock)
    advisor = await signIn(t, await addPerson(t, ['advisor']), clock)
  })
  after(() => t.close())

  it('counts each report’s latest decision against its automatic priority', async () => {
    const before = await auditEvents(t, 'triage-agreement.viewed')
    const page = await supervisor.get(staffPaths.triageAgreement)
    assert.equal(page.statusCode, 200)
    assert.equal(await auditEvents(t, 'triage-agreement.viewed'), before + 1)
    assert.deepEqual(tableRows(page.body, 'confusion-table').slice(1), [
      ['P1 urgent', '1', '0', '0', '0', '1', '100%'],
      ['P2 high', '1', '0', '0', '0', '1', '0%'],
      ['P3 standard', '0', '0', '1', '0', '1', '100%'],
      ['Out of scope', '0', '1', '0', '0', '1', '0%'],
      ['Total', '2', '1', '1', '0', '4', '50%'],
    ])
    const rules = new Map(
      tableRows(page.body, 'rule-table').map((row) => [row[0]?.split(' ')[0], row]),
    )
    // "stopped" gives P3: the urgent referral on the P1 report disagrees with it.
    assert.deepEqual(rules.get('stopped')?.slice(1), ['P3 standard', '2', '1', '50%'])
    assert.deepEqual(rules.get('meeting-soon')?.slice(1), ['P1 urgent', '1', '1', '100%'])
    assert.deepEqual(rules.get('bullying-only')?.slice(1), ['Out of scope', '1', '0', '0%'])
    assert.deepEqual(rules.get('immediate-danger')?.slice(1), ['P1 urgent', '0', '0', '–'])
    assert.match(rules.get('retired-rule')?.[0] ?? '', /No longer in the rules/)
    assert.doesNotMatch(page.body, /Sam Synthetic|Testford/, 'counts only')
  })

  it('narrows to a period', async () => {
    const last30 = await supervisor.get(`${staffPaths.triageAgreement}?period=30-days`)
    assert.equal(last30.statusCode, 200)
    assert.deepEqual(tableRows(last30.body, 'confusion-table').at(-1), [
      'Total',
      '1',
      '0',
      '1',
      '0',
      '2',
      '100%',
    ])
    const last90 = await supervisor.get(`${staffPaths.triageAgreement}?period=90-days`)
    assert.deepEqual(tableRows(last90.body, 'confusion-table').at(-1), [
      'Total',
      '1',
      '1',
      '1',
      '0',
      '3',
      '67%',
    ])
  })

  it('refuses a period it does not offer, with an error summary', async () => {
    const before = await auditEvents(t, 'triage-agreement.viewed')
    const page = await supervisor.get(`${staffPaths.triageAgreement}?period=7-days`)
    assert.equal(page.statusCode, 400)
    assert.match(pageTitle(page.body), /^Error: Triage agreement/)
    assert.deepEqual(errorSummaryLinks(page.body), ['#period'])
    assert.doesNotMatch(page.body, /confusion-table/)
    assert.equal(await auditEvents(t, 'triage-agreement.viewed'), before)
  })

  it('is for supervisors only', async () => {
    const refused = await advisor.get(staffPaths.triageAgreement)
    assert.equal(refused.statusCode, 403)
    assert.doesNotMatch(refused.body, /confusion-table/)
  })
})
