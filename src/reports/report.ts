import type { IdentifierSources } from '../links/identifiers.js'
import type { ReportAnswers } from './answers.js'
import type { Audience, Source, TriageInput } from './model.js'
import { contactIsTrustedAdult } from './wording.js'

/**
 * Turning finished answers into the report that intake stores. Pure. The clear-text fields
 * are the structured, non-identifying ones that queues and statistics need; everything a
 * person typed goes into `personal`, which is only ever stored encrypted.
 */
export interface ChildLocation {
  town: string | null
  postcode: string | null
  councilArea: string | null
}

export interface SubmittedReport {
  audience: Audience
  source: Source
  sourceSite: string | null
  triageInput: TriageInput
  location: ChildLocation
  personal: ReportAnswers
  /** What can identify someone, for linking reports; stored only as keyed hashes. */
  identifiers: IdentifierSources
}

export class IncompleteReportError extends Error {
  constructor(readonly missing: string) {
    super(`The report has no answer for ${missing}`)
    this.name = 'IncompleteReportError'
  }
}

function required<T>(value: T | undefined, page: string): T {
  if (value === undefined) throw new IncompleteReportError(page)
  return value
}

export function toSubmittedReport(
  answers: ReportAnswers,
  source: Source,
  sourceSite: string | null,
): SubmittedReport {
  const { audience } = required(answers['who-are-you'], 'who-are-you')
  const about = required(answers['what-is-it-about'], 'what-is-it-about')
  const danger = required(answers['immediate-danger'], 'immediate-danger')
  const place = required(answers['where-the-child-lives'], 'where-the-child-lives')
  const happened = required(answers['what-happened'], 'what-happened')
  required(answers['when-did-it-start'], 'when-did-it-start')
  const still = required(answers['is-it-still-happening'], 'is-it-still-happening')
  const theirAge = required(answers['their-age'], 'their-age')
  const known = required(answers['known-in-real-life'], 'known-in-real-life')
  // Never anonymous: a name and a way to reach them.
  required(answers['your-name'], 'your-name')
  required(answers['contact-details'], 'contact-details')
  const childAge =
    audience === 'young-person'
      ? (answers['your-age']?.age ?? null)
      : (answers['the-childs-age']?.childAge ?? null)
  // Triage reads every kind of thing that happened, from both places the form asks it.
  const concerns = [
    ...new Set([...about.concerns, ...(answers['something-sexual']?.concerns ?? [])]),
  ]
  const councilArea = answers['which-area']?.councilArea ?? null
  return {
    audience,
    source,
    sourceSite,
    location: { town: place.town, postcode: place.postcode, councilArea },
    personal: answers,
    identifiers: identifierSources(answers, source),
    triageInput: {
      audience,
      childAge,
      childLocation: place.postcode ?? place.town,
      immediateDanger: danger.immediateDanger,
      concerns,
      stillHappening: still.stillHappening,
      otherPersonAge: theirAge.otherPersonAge,
      otherPersonKnownOffline:
        known.knownOffline === 'unsure' ? null : known.knownOffline === 'yes',
      description: happened.description,
    },
  }
}

/**
 * Where the form keeps each identifier. A young person is the child: their own name and age
 * identify the child, unless a young child gave a trusted adult's details to contact instead.
 * A platform's report (the API) gives its safety team's contact as the reporter's: the same on
 * every report it sends, and nobody's in the report, so it links nothing.
 */
export function identifierSources(answers: ReportAnswers, source: Source): IdentifierSources {
  const contact = answers['contact-details']
  const isChild = answers['who-are-you']?.audience === 'young-person'
  const childAge = answers['the-childs-age']
  return {
    accounts: answers['their-usernames']?.accounts ?? [],
    profileLinks: answers['their-profile-links']?.profileLinks ?? [],
    otherPhones: answers['their-phone-numbers']?.phoneNumbers ?? null,
    otherText: [
      answers['their-name']?.names ?? null,
      ...(answers['their-email-addresses']?.emailAddresses ?? []),
    ],
    child: isChild
      ? {
          name: contactIsTrustedAdult(answers) ? null : (answers['your-name']?.name ?? null),
          dateOfBirth: null,
          age: answers['your-age']?.age ?? null,
        }
      : {
          name: answers['about-the-child']?.childName ?? null,
          dateOfBirth: childAge?.childDateOfBirth ?? null,
          age: childAge?.childAge ?? null,
        },
    reporter:
      source === 'api'
        ? { phone: null, email: null }
        : { phone: contact?.phone ?? null, email: contact?.email ?? null },
  }
}
