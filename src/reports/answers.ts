import type { Audience, Concern, OtherPersonAge, YesNoUnsure } from './model.js'

/** The answers of one report in progress, by page. Each page's value is set only by its parser. */
export const TOPICS = ['sexual', 'bullying', 'fake-account', 'hacking'] as const
export type Topic = (typeof TOPICS)[number]

export const STARTED = ['today', 'this-week', 'this-month', 'longer', 'unsure'] as const
export type Started = (typeof STARTED)[number]

export const REPORTED_TO = ['police', 'social-care', 'neither'] as const
export type ReportedTo = (typeof REPORTED_TO)[number]

export const CONTACT_WAYS = ['phone', 'text', 'email'] as const
export type ContactWay = (typeof CONTACT_WAYS)[number]

export interface Continued {
  continued: true
}

export interface OnlineAccount {
  platform: string
  username: string
}

export interface ReportAnswers {
  'who-are-you'?: { audience: Audience }
  'what-is-it-about'?: { topic: Topic }
  'help-with-bullying'?: Continued
  'help-with-fake-accounts'?: Continued
  'help-with-hacking'?: Continued
  'immediate-danger'?: { immediateDanger: YesNoUnsure }
  'call-999'?: Continued
  'your-age'?: { age: number }
  'under-11'?: Continued
  'professional-checkpoint'?: { followedPolicy: YesNoUnsure; reportedTo: ReportedTo[] }
  'about-the-child'?: {
    childName: string | null
    childAge: number | null
    childDateOfBirth: string | null
    town: string
    postcode: string | null
    /** A local authority code chosen from the list, when jurisdiction data is loaded. */
    councilArea: string | null
  }
  'what-happened'?: {
    concerns: Concern[]
    description: string
    started: Started
    stillHappening: YesNoUnsure
  }
  'the-other-person'?: {
    names: string | null
    accounts: OnlineAccount[]
    profileLinks: string[]
    phoneNumbers: string | null
    otherPersonAge: OtherPersonAge
    knownOffline: YesNoUnsure
  }
  'contact-details'?: {
    name: string
    email: string | null
    phone: string | null
    contactWays: ContactWay[]
    safeTimes: string | null
    parentKnows: 'yes' | 'no' | null
  }
}
