import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { linkGroups, linkSentence, MAX_LISTED } from './presenters.js'
import { MAX_LINKS_PER_IDENTIFIER } from './repository.js'
import type { LinkRow } from './repository.js'

const row = (n: number, kind: LinkRow['kind'], earlier: boolean): LinkRow => ({
  reportId: 'this-report',
  kind,
  earlier,
  other: {
    id: `report-${n}`,
    reference: `SC-000-000-000${n}`,
    receivedAt: new Date(Date.UTC(2026, 10, n)),
    status: 'new',
    priority: 'P3',
    queues: ['advisors'],
  },
})

describe('how linked reports read', () => {
  it('says how many reports mention which kind of identifier, one or several', () => {
    assert.equal(
      linkSentence(2, 'earlier', 'username'),
      '2 earlier reports mention this username on this platform',
    )
    assert.equal(
      linkSentence(1, 'later', 'reporter-phone'),
      '1 later report mentions this phone number for the reporter',
    )
    assert.equal(
      linkSentence(MAX_LINKS_PER_IDENTIFIER, 'earlier', 'reporter-email'),
      `${MAX_LINKS_PER_IDENTIFIER} or more earlier reports mention this email address for the reporter`,
    )
  })

  it('groups the reports by kind, earlier and later apart, with a link only where given', () => {
    const groups = linkGroups(
      [
        row(1, 'username', true),
        row(2, 'child-name-age', true),
        row(3, 'username', true),
        row(4, 'username', false),
      ],
      (r) => (r.other.id === 'report-3' ? null : `/open/${r.other.id}`),
    )
    assert.deepEqual(
      groups.map((g) => [g.kind, g.sentences, g.reports.map((r) => r.href)]),
      [
        [
          'username',
          [
            '2 earlier reports mention this username on this platform',
            '1 later report mentions this username on this platform',
          ],
          ['/open/report-1', null, '/open/report-4'],
        ],
        [
          'child-name-age',
          ["1 earlier report mentions this child's name and age"],
          ['/open/report-2'],
        ],
      ],
    )
    assert.deepEqual(
      linkGroups([], () => null),
      [],
    )
  })
  it('lists the most recent reports of a long run, and says how many more there are', () => {
    const many = Array.from({ length: MAX_LISTED + 3 }, (_, i) =>
      row(i + 1, 'reporter-email', true),
    )
    const [group] = linkGroups(many, () => null)
    assert.equal(group?.reports.length, MAX_LISTED)
    assert.equal(group.more, 3)
    assert.equal(group.reports[0]?.id, 'report-4')
    assert.match(group.sentences[0] ?? '', /^23 earlier reports mention/)
  })
})
