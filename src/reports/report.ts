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
  const danger = required(answers['immediate-danger'], 'immediate-danger')
  const child = required(answers['about-the-child'], 'about-the-child')
  const happened = required(answers['what-happened'], 'what-happened')
  const other = required(answers['the-other-person'], 'the-other-person')
  required(answers['contact-details'], 'contact-details')
  const childAge = audience === 'young-person' ? (answers['your-age']?.age ?? null) : child.childAge
  return {
    audience,
    source,
    sourceSite,
    location: { town: child.town, postcode: child.postcode, councilArea: child.councilArea },
    personal: answers,
    triageInput: {
      audience,
      childAge,
      childLocation: child.postcode ?? child.town,
      immediateDanger: danger.immediateDanger,
      concerns: happened.concerns,
      stillHappening: happened.stillHappening,
      otherPersonAge: other.otherPersonAge,
      otherPersonKnownOffline:
        other.knownOffline === 'unsure' ? null : other.knownOffline === 'yes',
      description: happened.description,
    },
  }
}
