/**
 * The report as the rest of the service sees it. Values are the ones in
 * ../shared/scenarios/README.md so that scenarios, the form and the API agree.
 */
export const AUDIENCES = [
  'young-person',
  'parent-carer',
  'professional',
  'concerned-adult',
] as const
export type Audience = (typeof AUDIENCES)[number]

export const CONCERNS = [
  'asked-for-images',
  'image-shared-threats',
  'pressure-to-meet',
  'sexual-chat',
  'pressure-to-do-things',
  'sent-sexual-content',
  'something-else',
  'bullying',
  'fake-account',
  'hacking',
] as const
export type Concern = (typeof CONCERNS)[number]

/** Concerns that are out of scope when they stand alone. */
export const OUT_OF_SCOPE_CONCERNS: readonly Concern[] = ['bullying', 'fake-account', 'hacking']

/** The sexual kinds of harm: any one of them keeps a report in scope, whatever else happened. */
export const SEXUAL_CONCERNS = [
  'asked-for-images',
  'image-shared-threats',
  'pressure-to-meet',
  'sexual-chat',
  'pressure-to-do-things',
  'sent-sexual-content',
] as const satisfies readonly Concern[]

/** Whether the service can help: anything but bullying, fake accounts and hacking alone. */
export const isInScope = (concerns: readonly Concern[]): boolean =>
  concerns.some((concern) => !OUT_OF_SCOPE_CONCERNS.includes(concern))

export type YesNoUnsure = 'yes' | 'no' | 'unsure'
export type OtherPersonAge = 'adult' | 'under-18' | 'unknown'

export type Source = 'form' | 'button' | 'api'

/** What triage reads: structured answers plus the reporter's own words. No I/O, no names. */
export interface TriageInput {
  audience: Audience
  childAge: number | null
  childLocation: string | null
  immediateDanger: YesNoUnsure
  concerns: readonly Concern[]
  stillHappening: YesNoUnsure
  otherPersonAge: OtherPersonAge
  /** The reporter or child knows the other person in real life; null when not known. */
  otherPersonKnownOffline: boolean | null
  description: string
}

export type Priority = 'P1' | 'P2' | 'P3' | 'out-of-scope'
