import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextPageOf, queuePath, reportsListed } from './queue-http.js'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

describe('bench:queue reading the queue page', () => {
  const page = `
    <div class="app-urgent-alert"><a href="/staff/reports/${id(9)}">SC-1</a></div>
    <a class="govuk-link" href="/staff/queue?queue=all&amp;after=refresh">Refresh the queue</a>
    <table><tbody>
      <tr><td><a class="govuk-link" href="/staff/reports/${id(1)}">SC-2</a></td></tr>
      <tr><td><a class="govuk-link" href="/staff/reports/${id(2)}">SC-3</a></td></tr>
    </tbody></table>
    <a class="govuk-link" href="/staff/queue" rel="first">Back to the top of the queue</a>
    <a class="govuk-link govuk-pagination__link" href="/staff/queue?status=new&amp;after=abc123" rel="next"><span>Next page</span></a>`

  it("counts the table's reports, not the urgent alert's", () => {
    assert.equal(reportsListed(page), 2)
  })

  it('follows the "next" link, decoding the HTML', () => {
    assert.equal(nextPageOf(page), '/staff/queue?status=new&after=abc123')
    assert.equal(nextPageOf('<a href="/staff/queue">Back</a>'), undefined)
  })

  it('builds queue URLs with repeated parameters', () => {
    assert.equal(queuePath(), '/staff/queue')
    assert.equal(
      queuePath({ priority: ['P2', 'P3'], overdue: 'yes' }),
      '/staff/queue?priority=P2&priority=P3&overdue=yes',
    )
  })
})
