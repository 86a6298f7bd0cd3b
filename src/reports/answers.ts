import type { Audience, Concern, OtherPersonAge, YesNoUnsure } from './model.js'

/** The answers of one report in progress, by page. Each page's value is set only by its parser. */
export const STARTED = ['today', 'this-week', 'this-month', 'longer', 'unsure'] as const
export type Started = (typeof STARTED)[number]

export const REPORTED_TO = ['police', 'social-care', 'neither'] as const
export type ReportedTo = (typeof REPORTED_TO)[number]

export const CONTACT_WAYS = ['phone', 'text', 'email'] as const
export type ContactWay = (typeof CONTACT_WAYS)[number]

export const CONTACT_PEOPLE = ['me', 'trusted-adult'] as const
export type ContactPerson = (typeof CONTACT_PEOPLE)[number]

export interface Continued {
  continued: true
}

export interface OnlineAccount {
  platform: string
  username: string
}

export interface AreaOption {
  code: string
  name: string
}

/**
 * What the place a reporter gave told us: one area (nothing more to ask), several it could be
 * (ask which, in plain words), none we know (ask an adult to pick from the list), or no place.
 */
export type PlaceMatch = 'one' | 'several' | 'not-found' | 'not-given'

export interface ReportAnswers {
  'who-are-you'?: { audience: Audience }
  /** Every kind of thing that happened: any sexual element keeps the report in scope. */
  'what-is-it-about'?: { concerns: Concern[] }
  'help-with-other-problems'?: Continued
  /** Asked only after the help page, when "something sexual happened too" was chosen. */
  'something-sexual'?: { concerns: Concern[] }
  'immediate-danger'?: { immediateDanger: YesNoUnsure }
  'call-999'?: Continued
  'your-age'?: { age: number }
  'under-11'?: Continued
  'safeguarding-policy'?: { followedPolicy: YesNoUnsure }
  'follow-your-policy-first'?: Continued
  'already-reported'?: { reportedTo: ReportedTo[] }
  'you-do-not-need-to-report'?: Continued
  /** An adult's answers about the child, starting with their name; a young person is not asked. */
  'about-the-child'?: { childName: string | null }
  'the-childs-age'?: { childAge: number | null; childDateOfBirth: string | null }
  'where-the-child-lives'?: {
    town: string | null
    postcode: string | null
    placeUnknown: boolean
    match: PlaceMatch
    /** The areas the place could be, when there are several. */
    areas: AreaOption[]
  }
  /** A local authority code, or null for "not sure". */
  'which-area'?: { councilArea: string | null }
  'what-happened'?: { description: string }
  'when-did-it-start'?: { started: Started }
  'is-it-still-happening'?: { stillHappening: YesNoUnsure }
  /** What is known of the other person, one kind of detail per page; each may be left blank. */
  'their-name'?: { names: string | null }
  'their-usernames'?: { accounts: OnlineAccount[] }
  /** Not asked of a child under 11. */
  'their-profile-links'?: { profileLinks: string[] }
  /** Not asked of a child under 11. */
  'their-phone-numbers'?: { phoneNumbers: string | null }
  /** Not asked of a child under 11. */
  'their-email-addresses'?: { emailAddresses: string[] }
  'their-age'?: { otherPersonAge: OtherPersonAge }
  'known-in-real-life'?: { knownOffline: YesNoUnsure }
  /** Asked only of a child under 11, who may give a trusted adult's details instead of their own. */
  'who-can-we-talk-to'?: { contactPerson: ContactPerson }
  /** The name of the person we contact: the reporter, or the child's trusted adult. */
  'your-name'?: { name: string }
  /** At least one of the two: reports are never anonymous. */
  'contact-details'?: { email: string | null; phone: string | null }
  /** Asked only when a phone number was given, so there is a choice between ways. */
  'safe-ways-to-contact'?: { contactWays: ContactWay[] }
  'safe-times'?: { safeTimes: string | null }
  /** Asked only of a young person. */
  'parent-knows'?: { parentKnows: 'yes' | 'no' }
}
