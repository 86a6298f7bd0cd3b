import type { ContentPage, Partner } from '../content/content.js'
import { walk, type Journey, type JourneyAnswers, type PageAnswers } from '../web/journey.js'
import { paths } from '../web/paths.js'
import type { OnlineAccount, ReportAnswers } from './answers.js'
import { OUT_OF_SCOPE_CONCERNS, type Audience, type Concern } from './model.js'
import { contactIsTrustedAdult, wordingFor } from './wording.js'

/** Shaping answers for pages: pure, no I/O. */

export const withOneRow = (accounts: OnlineAccount[]): OnlineAccount[] =>
  accounts.length > 0 ? accounts : [{ platform: '', username: '' }]

/** A saved answer turned back into the form's own field values, to fill the page again. */
export function formValues(slug: string, answer: PageAnswers | undefined): Record<string, unknown> {
  if (!answer) return { accounts: withOneRow([]) }
  switch (slug) {
    case 'the-childs-age': {
      const a = answer as NonNullable<ReportAnswers['the-childs-age']>
      const [dobYear, dobMonth, dobDay] = a.childDateOfBirth?.split('-') ?? []
      return {
        ...a,
        childAge: a.childDateOfBirth ? '' : (a.childAge ?? ''),
        dobDay: dobDay ? String(Number(dobDay)) : '',
        dobMonth: dobMonth ? String(Number(dobMonth)) : '',
        dobYear: dobYear ?? '',
      }
    }
    case 'where-the-child-lives': {
      const a = answer as NonNullable<ReportAnswers['where-the-child-lives']>
      return { place: a.postcode ?? a.town ?? '', placeUnknown: a.placeUnknown ? ['yes'] : [] }
    }
    case 'which-area': {
      const a = answer as NonNullable<ReportAnswers['which-area']>
      return { councilArea: a.councilArea ?? 'not-sure' }
    }
    case 'their-usernames': {
      const a = answer as NonNullable<ReportAnswers['their-usernames']>
      return { accounts: withOneRow(a.accounts) }
    }
    case 'their-profile-links': {
      const a = answer as NonNullable<ReportAnswers['their-profile-links']>
      return { profileLinks: a.profileLinks.join('\n') }
    }
    case 'their-email-addresses': {
      const a = answer as NonNullable<ReportAnswers['their-email-addresses']>
      return { emailAddresses: a.emailAddresses.join(' ') }
    }
    default:
      return { ...answer }
  }
}

export interface SummaryRow {
  key: string
  value: string
  href: string
  visuallyHiddenText: string
}

export interface SummarySection {
  title: string
  rows: SummaryRow[]
}

const LABELS: Record<string, string> = {
  'young-person': 'A young person, reporting about myself',
  'parent-carer': 'A parent or carer',
  professional: 'Someone who works with children',
  'concerned-adult': 'Another adult worried about a child',
  bullying: 'Bullying',
  'fake-account': 'A fake account',
  hacking: 'A hacked account',
  yes: 'Yes',
  no: 'No',
  unsure: 'Not sure',
  adult: 'An adult',
  'under-18': 'Under 18',
  unknown: 'Not known',
  today: 'Today',
  'this-week': 'In the last week',
  'this-month': 'In the last month',
  longer: 'More than a month ago',
  police: 'The police',
  'social-care': "Children's social care",
  neither: 'No, not yet',
  phone: 'Phone call',
  text: 'Text message',
  email: 'Email',
  'asked-for-images': 'Asked for a nude or sexual image',
  'image-shared-threats': 'An image was shared and now someone is threatening',
  'pressure-to-meet': 'Keeps asking to meet face to face',
  'sexual-chat': 'Talking about sex',
  'pressure-to-do-things': 'Pressure to do things they do not want to do',
  'sent-sexual-content': 'Sent pornography or sexual images',
  'something-else': 'Something else',
  me: 'Me',
  'trusted-adult': 'A grown-up I trust',
}

export const label = (value: string): string => LABELS[value] ?? value
/**
 * Check your answers, grouped the way a person thinks about it: what happened, the child, the
 * other person, how to contact you. Answers left blank are left out, so the page stays short;
 * each group's Change links lead back to the page that asked.
 */
export function checkAnswersSections(
  answers: ReportAnswers,
  journey: Journey,
  councilAreaNames: ReadonlyMap<string, string> = new Map(),
  /** Staff see every stored answer, even one a later version of the form would not ask. */
  options: { everyAnswer?: boolean } = {},
): SummarySection[] {
  const w = wordingFor(answers['who-are-you']?.audience)
  const isYoungPerson = answers['who-are-you']?.audience === 'young-person'
  const { path } = walk(journey, answers as JourneyAnswers)
  const row = (slug: string, key: string, value: string | null | undefined): SummaryRow[] =>
    (options.everyAnswer === true || path.includes(slug)) &&
    value !== null &&
    value !== undefined &&
    value !== ''
      ? [
          {
            key,
            value,
            href: `${paths.report.page(slug)}?change=1`,
            visuallyHiddenText: key.toLowerCase(),
          },
        ]
      : []
  const sections: SummarySection[] = []
  const add = (title: string, rows: SummaryRow[]) => {
    if (rows.length > 0) sections.push({ title, rows })
  }

  const who = answers['who-are-you']
  const check = answers['safeguarding-policy']
  const told = answers['already-reported']
  add('About you', [
    ...row('who-are-you', 'Who you are', who && label(who.audience)),
    ...row('your-age', 'Your age', answers['your-age']?.age.toString()),
    ...row(
      'safeguarding-policy',
      'Followed your safeguarding policy',
      check && label(check.followedPolicy),
    ),
    ...row('already-reported', 'Already told', told?.reportedTo.map(label).join(', ')),
  ])

  const kinds = [
    ...(answers['what-is-it-about']?.concerns ?? []),
    ...(answers['something-sexual']?.concerns ?? []),
  ]
  const danger = answers['immediate-danger']
  const started = answers['when-did-it-start']
  const still = answers['is-it-still-happening']
  add('What happened', [
    ...row('what-is-it-about', 'What it is about', kinds.map(label).join('\n')),
    ...row('what-happened', 'In your words', answers['what-happened']?.description),
    ...row('when-did-it-start', 'When it started', started && label(started.started)),
    ...row('is-it-still-happening', 'Still happening', still && label(still.stillHappening)),
    ...row('immediate-danger', 'In danger right now', danger && label(danger.immediateDanger)),
  ])

  const child = { ...answers['about-the-child'], ...answers['the-childs-age'] }
  const place = answers['where-the-child-lives']
  const area = answers['which-area']?.councilArea
  add(isYoungPerson ? 'Where you live' : 'About the child', [
    ...row('about-the-child', 'Name', child.childName),
    ...row(
      'the-childs-age',
      child.childDateOfBirth ? 'Date of birth' : 'Age',
      child.childDateOfBirth ?? child.childAge?.toString(),
    ),
    ...row(
      'where-the-child-lives',
      'Town or postcode',
      place && (place.placeUnknown ? 'Not known' : (place.postcode ?? place.town)),
    ),
    ...row(
      'which-area',
      isYoungPerson ? 'Area' : 'Council area',
      area ? (councilAreaNames.get(area) ?? area) : answers['which-area'] && 'Not sure',
    ),
  ])

  const names = answers['their-name']?.names
  const usernames = answers['their-usernames']?.accounts
    .map((a) => (a.platform ? `${a.username} (${a.platform})` : a.username))
    .join('\n')
  const links = answers['their-profile-links']?.profileLinks.join('\n')
  const phones = answers['their-phone-numbers']?.phoneNumbers
  const emails = answers['their-email-addresses']?.emailAddresses.join('\n')
  // Details left blank are left out; when nothing at all is known, one row says so.
  const nothingKnown = [names, usernames, links, phones, emails].every((v) => !v)
  const theirAge = answers['their-age']
  const known = answers['known-in-real-life']
  add('The other person', [
    ...row('their-name', 'Names', names),
    ...row('their-usernames', 'Usernames', usernames),
    ...row('their-profile-links', 'Profile links', links),
    ...row('their-phone-numbers', 'Phone numbers', phones),
    ...row('their-email-addresses', 'Email addresses', emails),
    ...(nothingKnown
      ? row('their-name', 'Names and usernames', answers['their-name'] && 'None given')
      : []),
    ...row('their-age', 'How old they are', theirAge && label(theirAge.otherPersonAge)),
    ...row(
      'known-in-real-life',
      `${w.Child} know them in real life`.replace(/^You know/, 'You know'),
      known && label(known.knownOffline),
    ),
  ])

  const trustedAdult = contactIsTrustedAdult(answers)
  const person = answers['who-can-we-talk-to']?.contactPerson
  const contact = answers['contact-details']
  const parentKnows = answers['parent-knows']?.parentKnows
  add('How we can contact you', [
    ...row(
      'who-can-we-talk-to',
      'Who we talk to',
      person && (trustedAdult ? 'A grown-up you trust' : 'You'),
    ),
    ...row('your-name', trustedAdult ? 'Their name' : 'Your name', answers['your-name']?.name),
    ...row('contact-details', 'Email', contact?.email),
    ...row('contact-details', 'Phone', contact?.phone),
    ...row(
      'safe-ways-to-contact',
      'Safe ways to contact',
      answers['safe-ways-to-contact']?.contactWays.map(label).join(', '),
    ),
    ...row('safe-times', 'Safe times', answers['safe-times']?.safeTimes),
    ...row('parent-knows', 'A parent or carer knows', parentKnows && label(parentKnows)),
  ])
  return sections
}

export interface HelpSection {
  title: string
  html: string
  /** The first service to turn to, shown as the page's main action. */
  main: Partner | undefined
  partners: Partner[]
}

/** Each problem's advice page in content/, and its services for this reporter first. */
const ADVICE_FOR: Partial<Record<Concern, string>> = {
  bullying: 'bullying',
  'fake-account': 'fake-accounts',
  hacking: 'hacking',
}
const AUDIENCE_TOPIC: Record<Audience, string> = {
  'young-person': 'young-people',
  'parent-carer': 'parents-and-carers',
  professional: 'professionals',
  'concerned-adult': 'concerned-adults',
}

export function helpSections(
  answers: ReportAnswers,
  content: {
    partnersFor: (topic: string) => Partner[]
    advicePage: (slug: string) => ContentPage | undefined
  },
): HelpSection[] {
  const audience = answers['who-are-you']?.audience ?? 'concerned-adult'
  const chosen = answers['what-is-it-about']?.concerns ?? []
  return OUT_OF_SCOPE_CONCERNS.filter((c) => chosen.includes(c)).flatMap((concern) => {
    const slug = ADVICE_FOR[concern]
    const page = slug ? content.advicePage(slug) : undefined
    if (!slug || !page) return []
    const forThem = (p: Partner) => (p.topics.includes(AUDIENCE_TOPIC[audience]) ? 0 : 1)
    const partners = [...content.partnersFor(slug)].sort((a, b) => forThem(a) - forThem(b))
    return [{ title: page.title, html: page.html, main: partners[0], partners }]
  })
}
