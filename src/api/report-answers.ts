import type { ReportAnswers } from '../reports/answers.js'
import { SEXUAL_CONCERNS, type Concern } from '../reports/model.js'
import type { FormBody, Journey, JourneyAnswers } from '../web/journey.js'

/**
 * An API report becomes the answers the form would have given, by walking the form's own
 * journey: each page parses the part of the JSON that answers it, with the form's parser, so
 * the API and the form accept and refuse exactly the same reports. A platform reports as a
 * professional does (the safeguarding checkpoint included).
 */
export interface ApiReport {
  incidentSummary: {
    incidentTypes: Concern[]
    incidentDateTime?: string
    childInImmediateDanger: 'yes' | 'no' | 'unsure'
    ongoing: 'yes' | 'no' | 'unsure'
  }
  additionalInfo: string
  victim: {
    name?: string
    age?: number
    dateOfBirth?: string
    location?: { postcode?: string; town?: string; localAuthorityCode?: string }
  }
  personOrUserReported: {
    names?: string
    accounts?: { espService: string; screenName?: string; userId?: string; profileUrl?: string }[]
    phones?: string[]
    emails?: string[]
    estimatedAge: 'adult' | 'under-18' | 'unknown'
    knownOffline: 'yes' | 'no' | 'unsure'
  }
  reporter: {
    reportingPerson: { name: string; email?: string; phone?: string }
    safeContactWays?: string[]
    safeContactTimes?: string
    followedSafeguardingPolicy?: 'yes' | 'no' | 'unsure'
    alreadyReportedTo?: string[]
  }
}

/** A field at fault: a JSON Pointer into the request body and what is wrong, in words. */
export interface FieldProblem {
  pointer: string
  detail: string
}

export type AnswersOutcome =
  { ok: true; answers: ReportAnswers } | { ok: false; errors: FieldProblem[] }

const DAY_MS = 24 * 60 * 60_000

/** The form asks when it started in rough terms; the API is given a time. */
export function startedFrom(incidentDateTime: string | undefined, now: Date): string {
  if (incidentDateTime === undefined) return 'unsure'
  const ago = now.getTime() - Date.parse(incidentDateTime)
  if (ago < DAY_MS) return 'today'
  if (ago < 7 * DAY_MS) return 'this-week'
  if (ago < 31 * DAY_MS) return 'this-month'
  return 'longer'
}

const dateParts = (date: string | undefined): FormBody => {
  if (date === undefined) return {}
  const [year = '', month = '', day = ''] = date.split('-')
  return { dobDay: day, dobMonth: month, dobYear: year }
}

/** The account as staff read it: the username, with the platform's own id beside it. */
const username = (a: { screenName?: string; userId?: string }): string =>
  a.screenName && a.userId
    ? `${a.screenName} (user ID ${a.userId})`
    : (a.screenName ?? (a.userId ? `user ID ${a.userId}` : ''))

/** What each page of the form is sent: the fields it would have been posted. Pure. */
export function formBodies(report: ApiReport, now: Date): Record<string, FormBody> {
  const { incidentSummary: incident, victim, personOrUserReported: them, reporter } = report
  const place = victim.location?.postcode ?? victim.location?.town ?? ''
  const accounts = them.accounts ?? []
  const person = reporter.reportingPerson
  return {
    'who-are-you': { audience: 'professional' },
    'what-is-it-about': { concerns: incident.incidentTypes },
    'something-sexual': {
      concerns: incident.incidentTypes.filter((c) =>
        (SEXUAL_CONCERNS as readonly string[]).includes(c),
      ),
    },
    'immediate-danger': { immediateDanger: incident.childInImmediateDanger },
    'safeguarding-policy': { followedPolicy: reporter.followedSafeguardingPolicy ?? 'yes' },
    'already-reported': {
      reportedTo: reporter.alreadyReportedTo?.length ? reporter.alreadyReportedTo : ['neither'],
    },
    'about-the-child': { childName: victim.name ?? '' },
    'the-childs-age': {
      childAge: victim.age === undefined ? '' : String(victim.age),
      ...dateParts(victim.dateOfBirth),
    },
    'where-the-child-lives': { place, placeUnknown: place === '' ? 'yes' : '' },
    // Advisors work out the area when the platform cannot say which of several it is.
    'which-area': { councilArea: victim.location?.localAuthorityCode ?? 'not-sure' },
    'what-happened': { description: report.additionalInfo },
    'when-did-it-start': { started: startedFrom(incident.incidentDateTime, now) },
    'is-it-still-happening': { stillHappening: incident.ongoing },
    'their-name': { names: them.names ?? '' },
    'their-usernames': Object.fromEntries(
      accounts.flatMap((a, i) => [
        [`accountPlatform-${i}`, a.espService],
        [`accountUsername-${i}`, username(a)],
      ]),
    ),
    'their-profile-links': {
      profileLinks: accounts.flatMap((a) => (a.profileUrl ? [a.profileUrl] : [])).join('\n'),
    },
    'their-phone-numbers': { phoneNumbers: (them.phones ?? []).join(', ') },
    'their-email-addresses': { emailAddresses: (them.emails ?? []).join(' ') },
    'their-age': { otherPersonAge: them.estimatedAge },
    'known-in-real-life': { knownOffline: them.knownOffline },
    'your-name': { name: person.name },
    'contact-details': { email: person.email ?? '', phone: person.phone ?? '' },
    'safe-ways-to-contact': { contactWays: reporter.safeContactWays ?? [] },
    'safe-times': { safeTimes: reporter.safeContactTimes ?? '' },
  }
}

/** Where each form field's error points in the JSON. */
const POINTERS: Record<string, string> = {
  concerns: '/incidentSummary/incidentTypes',
  immediateDanger: '/incidentSummary/childInImmediateDanger',
  followedPolicy: '/reporter/followedSafeguardingPolicy',
  reportedTo: '/reporter/alreadyReportedTo',
  childName: '/victim/name',
  childAge: '/victim/age',
  dobDay: '/victim/dateOfBirth',
  place: '/victim/location',
  councilArea: '/victim/location/localAuthorityCode',
  description: '/additionalInfo',
  started: '/incidentSummary/incidentDateTime',
  stillHappening: '/incidentSummary/ongoing',
  names: '/personOrUserReported/names',
  profileLinks: '/personOrUserReported/accounts',
  phoneNumbers: '/personOrUserReported/phones',
  emailAddresses: '/personOrUserReported/emails',
  otherPersonAge: '/personOrUserReported/estimatedAge',
  knownOffline: '/personOrUserReported/knownOffline',
  name: '/reporter/reportingPerson/name',
  email: '/reporter/reportingPerson/email',
  phone: '/reporter/reportingPerson/phone',
  contactWays: '/reporter/safeContactWays',
  safeTimes: '/reporter/safeContactTimes',
}

export function pointerFor(field: string): string {
  const account = /^account(Platform|Username)-(\d+)$/.exec(field)
  if (account)
    return `/personOrUserReported/accounts/${account[2] ?? ''}/${account[1] === 'Platform' ? 'espService' : 'screenName'}`
  return POINTERS[field] ?? ''
}

/** The form's wording where a page's question makes no sense without the page. */
const API_WORDING: Record<string, string> = {
  'something-sexual':
    'Include at least one kind of sexual harm: bullying, fake accounts and hacking alone are for other services',
}

/**
 * Walks the journey from its start, answering each page from `bodies`. The first page that
 * refuses its answer stops the walk (later pages may depend on it), and its errors are given.
 */
export async function answersFrom(
  journey: Journey,
  bodies: Record<string, FormBody>,
): Promise<AnswersOutcome> {
  let answers: JourneyAnswers = {}
  let slug = journey.start
  for (let steps = 0; slug !== journey.end; steps++) {
    const page = journey.pages.get(slug)
    if (!page || steps > journey.pages.size) throw new Error(`The journey cannot reach its end`)
    const parsed = await page.parse(bodies[slug] ?? {}, answers)
    if (!parsed.ok) {
      const wording = API_WORDING[slug]
      return {
        ok: false,
        errors: Object.entries(parsed.errors).map(([field, message]) => ({
          pointer: pointerFor(field),
          detail: wording ?? message,
        })),
      }
    }
    answers = { ...answers, [slug]: parsed.value }
    slug = page.next(answers)
  }
  return { ok: true, answers: answers }
}
