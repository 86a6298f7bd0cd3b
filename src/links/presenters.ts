import type { IdentifierKind } from './identifiers.js'
import { MAX_LINKS_PER_IDENTIFIER, type LinkRow } from './repository.js'

/**
 * How staff read the links of a report: what kind of identifier two reports share, never its
 * value, and which reports. Pure; the caller says which reports the viewer may open.
 */
export const SHARED_IDENTIFIER: Record<IdentifierKind, string> = {
  username: 'this username on this platform',
  'profile-link': 'this profile link',
  'other-phone': 'this phone number for the other person',
  'other-email': 'this email address for the other person',
  'child-name-birth-date': "this child's name and date of birth",
  'child-name-age': "this child's name and age",
  'reporter-phone': 'this phone number for the reporter',
  'reporter-email': 'this email address for the reporter',
}

/**
 * "2 earlier reports mention this username on this platform"; "100 or more earlier reports ..."
 * once intake's cap on links to earlier reports (repository.ts) may have been reached.
 */
export function linkSentence(count: number, when: 'earlier' | 'later', kind: IdentifierKind) {
  const one = count === 1
  const capped = when === 'earlier' && count >= MAX_LINKS_PER_IDENTIFIER
  return `${count}${capped ? ' or more' : ''} ${when} report${one ? '' : 's'} mention${one ? 's' : ''} ${SHARED_IDENTIFIER[kind]}`
}

export interface LinkedReportItem {
  id: string
  reference: string
  receivedAt: Date
  status: string
  /** Where to open it, or null when it is outside every queue the viewer works. */
  href: string | null
}

export interface LinkGroup {
  kind: IdentifierKind
  /** One sentence each for the earlier and the later reports that share it, when there are any. */
  sentences: string[]
  /** The most recent of them, oldest first. */
  reports: LinkedReportItem[]
  /** How many more share it than are listed: the oldest. */
  more: number
}

/** A reporter who reports often shares their email with every report: the page lists a few. */
export const MAX_LISTED = 20

/** The links of one report grouped by the kind of identifier shared, in the order of KINDS. */
export function linkGroups(
  rows: readonly LinkRow[],
  hrefFor: (row: LinkRow) => string | null,
): LinkGroup[] {
  const kinds = Object.keys(SHARED_IDENTIFIER) as IdentifierKind[]
  return kinds.flatMap((kind) => {
    const ofKind = rows.filter((r) => r.kind === kind)
    if (ofKind.length === 0) return []
    const earlier = ofKind.filter((r) => r.earlier).length
    const later = ofKind.length - earlier
    return [
      {
        kind,
        sentences: [
          ...(earlier > 0 ? [linkSentence(earlier, 'earlier', kind)] : []),
          ...(later > 0 ? [linkSentence(later, 'later', kind)] : []),
        ],
        more: Math.max(0, ofKind.length - MAX_LISTED),
        reports: ofKind.slice(-MAX_LISTED).map((row) => ({
          id: row.other.id,
          reference: row.other.reference,
          receivedAt: row.other.receivedAt,
          status: row.other.status,
          href: hrefFor(row),
        })),
      },
    ]
  })
}
