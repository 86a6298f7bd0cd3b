import { walk, type Journey, type JourneyAnswers, type PageAnswers } from '../web/journey.js'
import { paths } from '../web/paths.js'
import type { OnlineAccount, ReportAnswers } from './answers.js'
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
  sexual: 'Something sexual, or someone trying to meet',
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
}

export const label = (value: string): string => LABELS[value] ?? value
const orNotGiven = (value: string | null | undefined): string =>
  value === null || value === undefined || value === '' ? 'Not given' : value

/** Check your answers: one section per answered question page, each row with a Change link. */
export function checkAnswersSections(
  answers: ReportAnswers,
  journey: Journey,
  councilAreaNames: ReadonlyMap<string, string> = new Map(),
): SummarySection[] {
  const w = wordingFor(answers['who-are-you']?.audience)
  const { path } = walk(journey, answers as JourneyAnswers)
  const row = (slug: string, key: string, value: string): SummaryRow => ({
    key,
    value,
    href: `${paths.report.page(slug)}?change=1`,
    visuallyHiddenText: key.toLowerCase(),
  })
  const sections: SummarySection[] = []
  const add = (slug: string, title: string, rows: SummaryRow[]) => {
    if (path.includes(slug) && rows.length > 0) sections.push({ title, rows })
  }

  const who = answers['who-are-you']
  const topic = answers['what-is-it-about']
  const danger = answers['immediate-danger']
  add('who-are-you', 'About you', [
    ...(who ? [row('who-are-you', 'Who you are', label(who.audience))] : []),
    ...(topic ? [row('what-is-it-about', 'What it is about', label(topic.topic))] : []),
    ...(danger
      ? [row('immediate-danger', 'In danger right now', label(danger.immediateDanger))]
      : []),
    ...(answers['your-age'] ? [row('your-age', 'Your age', String(answers['your-age'].age))] : []),
  ])

  const check = answers['professional-checkpoint']
  if (check)
    add('professional-checkpoint', 'Your safeguarding duties', [
      row(
        'professional-checkpoint',
        'Followed your safeguarding policy',
        label(check.followedPolicy),
      ),
      row('professional-checkpoint', 'Already told', check.reportedTo.map(label).join(', ')),
    ])

  const child = answers['about-the-child']
  if (child) {
    const isYoungPerson = answers['who-are-you']?.audience === 'young-person'
    add('about-the-child', isYoungPerson ? 'Where you live' : 'About the child', [
      ...(isYoungPerson ? [] : [row('about-the-child', 'Name', orNotGiven(child.childName))]),
      ...(isYoungPerson
        ? []
        : [
            row(
              'about-the-child',
              child.childDateOfBirth ? 'Date of birth' : 'Age',
              child.childDateOfBirth ?? orNotGiven(child.childAge?.toString()),
            ),
          ]),
      ...(child.councilArea
        ? [
            row(
              'about-the-child',
              'Council area',
              councilAreaNames.get(child.councilArea) ?? child.councilArea,
            ),
          ]
        : []),
      row('about-the-child', 'Town or area', child.town),
      row('about-the-child', 'Postcode', orNotGiven(child.postcode)),
    ])
  }

  const happened = answers['what-happened']
  if (happened)
    add('what-happened', 'What happened', [
      row('what-happened', 'What happened', happened.concerns.map(label).join('\n')),
      row('what-happened', 'In your words', happened.description),
      row('what-happened', 'When it started', label(happened.started)),
      row('what-happened', `Still happening to ${w.child}`, label(happened.stillHappening)),
    ])

  const other = answers['the-other-person']
  if (other)
    add('the-other-person', 'The other person', [
      row('the-other-person', 'Names', orNotGiven(other.names)),
      row(
        'the-other-person',
        'Usernames',
        orNotGiven(
          other.accounts
            .map((a) => (a.platform ? `${a.username} (${a.platform})` : a.username))
            .join('\n'),
        ),
      ),
      row('the-other-person', 'Profile links', orNotGiven(other.profileLinks.join('\n'))),
      row('the-other-person', 'Phone numbers', orNotGiven(other.phoneNumbers)),
      row('the-other-person', 'How old they are', label(other.otherPersonAge)),
      row('the-other-person', 'Known in real life', label(other.knownOffline)),
    ])

  const contact = answers['contact-details']
  if (contact)
    add('contact-details', 'How we can contact you', [
      row('contact-details', 'Your name', contact.name),
      row('contact-details', 'Email', orNotGiven(contact.email)),
      row('contact-details', 'Phone', orNotGiven(contact.phone)),
      row(
        'contact-details',
        'Safe ways to contact you',
        orNotGiven(contact.contactWays.map(label).join(', ')),
      ),
      row('contact-details', 'Safe times', orNotGiven(contact.safeTimes)),
      ...(contact.parentKnows
        ? [row('contact-details', 'A parent or carer knows', label(contact.parentKnows))]
        : []),
    ])
  return sections
}
