import type { ReportAnswers } from './answers.js'
import type { Audience, Source, TriageInput } from './model.js'

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
