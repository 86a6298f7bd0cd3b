import type { ContentPage, Partner } from '../content/content.js'
import { walk, type Journey, type JourneyAnswers, type PageAnswers } from '../web/journey.js'
import { paths } from '../web/paths.js'
import type { OnlineAccount, ReportAnswers } from './answers.js'
import { OUT_OF_SCOPE_CONCERNS, type Audience, type Concern } from './model.js'
import { wordingFor } from './wording.js'

/** Shaping answers for pages: pure, no I/O. */

export const withOneRow = (accounts: OnlineAccount[]): OnlineAccount[] =>
  accounts.length > 0 ? accounts : [{ platform: '', username: '' }]

/** A saved answer turned back into the form's own field values, to fill the page again. */
export function formValues(slug: string, answer: PageAnswers | undefined): Record<string, unknown> {
  if (!answer) return { accounts: withOneRow([]) }
  switch (slug) {
    case 'about-the-child': {
      const a = answer as NonNullable<ReportAnswers['about-the-child']>
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
    case 'the-other-person': {
      const a = answer as NonNullable<ReportAnswers['the-other-person']>
      return { ...a, accounts: withOneRow(a.accounts), profileLinks: a.profileLinks.join('\n') }
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

  const child = answers['about-the-child']
  const place = answers['where-the-child-lives']
  const area = answers['which-area']?.councilArea
  add(isYoungPerson ? 'Where you live' : 'About the child', [
    ...row('about-the-child', 'Name', child?.childName),
    ...row(
      'about-the-child',
      child?.childDateOfBirth ? 'Date of birth' : 'Age',
      child?.childDateOfBirth ?? child?.childAge?.toString(),
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

  const other = answers['the-other-person']
  const theirAge = answers['their-age']
  const known = answers['known-in-real-life']
  const usernames = other?.accounts
    .map((a) => (a.platform ? `${a.username} (${a.platform})` : a.username))
    .join('\n')
  const anything = other && (other.names ?? usernames ?? other.phoneNumbers) !== null
  add('The other person', [
    ...row('the-other-person', 'Names', other?.names),
    ...row('the-other-person', 'Usernames', usernames),
    ...row('the-other-person', 'Profile links', other?.profileLinks.join('\n')),
    ...row('the-other-person', 'Phone numbers', other?.phoneNumbers),
    ...(anything || other?.profileLinks.length
      ? []
      : row('the-other-person', 'Names and usernames', other && 'None given')),
    ...row('their-age', 'How old they are', theirAge && label(theirAge.otherPersonAge)),
    ...row(
      'known-in-real-life',
      `${w.Child} know them in real life`.replace(/^You know/, 'You know'),
      known && label(known.knownOffline),
    ),
  ])

  const contact = answers['contact-details']
  add('How we can contact you', [
    ...row(
      'contact-details',
      'Who we talk to',
      contact?.contactPerson === 'trusted-adult' ? 'A grown-up you trust' : undefined,
    ),
    ...row(
      'contact-details',
      contact?.contactPerson === 'trusted-adult' ? 'Their name' : 'Your name',
      contact?.name,
    ),
    ...row('contact-details', 'Email', contact?.email),
    ...row('contact-details', 'Phone', contact?.phone),
    ...row('contact-details', 'Safe ways to contact', contact?.contactWays.map(label).join(', ')),
    ...row('contact-details', 'Safe times', contact?.safeTimes),
    ...row(
      'contact-details',
      'A parent or carer knows',
      contact?.parentKnows && label(contact.parentKnows),
    ),
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
