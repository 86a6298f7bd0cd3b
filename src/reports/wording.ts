import type { ReportAnswers } from './answers.js'
import type { Audience } from './model.js'

/**
 * The same questions read differently for each reporter: a young person is asked about
 * themselves, a parent about their child, anyone else about "the child".
 */
export interface Wording {
  /** "you", "your child", "the child" */
  child: string
  /** "You", "Your child", "The child" */
  Child: string
  /** "your", "your child's", "the child's" */
  childs: string
  /** "are you", "is your child", "is the child" */
  isChild: string
  /** "Do you", "Does your child", "Does the child" */
  doesChild: string
}

const byAudience: Record<Audience, Wording> = {
  'young-person': {
    child: 'you',
    Child: 'You',
    childs: 'your',
    isChild: 'are you',
    doesChild: 'Do you',
  },
  'parent-carer': {
    child: 'your child',
    Child: 'Your child',
    childs: "your child's",
    isChild: 'is your child',
    doesChild: 'Does your child',
  },
  professional: {
    child: 'the child',
    Child: 'The child',
    childs: "the child's",
    isChild: 'is the child',
    doesChild: 'Does the child',
  },
  'concerned-adult': {
    child: 'the child',
    Child: 'The child',
    childs: "the child's",
    isChild: 'is the child',
    doesChild: 'Does the child',
  },
}

export function wordingFor(audience: Audience | undefined): Wording {
  return byAudience[audience ?? 'concerned-adult']
}

/** Below this age the form speaks more simply and lets a trusted adult be the contact. */
export const YOUNG_CHILD_AGE = 11

export function isYoungChild(answers: ReportAnswers): boolean {
  const age = answers['your-age']?.age
  return (
    answers['who-are-you']?.audience === 'young-person' &&
    age !== undefined &&
    age < YOUNG_CHILD_AGE
  )
}

/** Whether the person we contact is a young child's trusted adult rather than the reporter. */
export function contactIsTrustedAdult(answers: ReportAnswers): boolean {
  return isYoungChild(answers) && answers['who-can-we-talk-to']?.contactPerson === 'trusted-adult'
}
