import type { Retention } from '../src/content/retention.js'

/** Retention periods as an agency might word them, with the two the purge keeps. */
export const testRetention: Retention = {
  unfinishedReport: 'We delete unfinished answers {period} after the last one.',
  periods: [
    {
      id: 'report-without-case',
      keptFor: { amount: 2, unit: 'years' },
      text: 'Reports: {period}.',
    },
    { id: 'case', keptFor: { amount: 6, unit: 'years' }, text: 'Cases: {period} after.' },
  ],
}
