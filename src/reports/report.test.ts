import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { identifiersOf } from '../links/identifiers.js'
import type { ReportAnswers } from './answers.js'
import { identifierSources } from './report.js'

describe('the identifiers a report carries', () => {
  const answers: ReportAnswers = {
    'who-are-you': { audience: 'parent-carer' },
    'their-name': { names: 'Sky' },
    'their-phone-numbers': { phoneNumbers: '07700 900 456' },
    'their-email-addresses': { emailAddresses: ['Sky.Other@Example.com', 'two@example.org'] },
  }

  it('takes the other person’s email addresses from the page that asks for them', () => {
    const emails = identifiersOf(identifierSources(answers), 'GB')
      .filter((identifier) => identifier.kind === 'other-email')
      .map((identifier) => identifier.value)
    assert.deepEqual(emails, ['sky.other@example.com', 'two@example.org'])
  })

  it('finds the same identifiers as before the page when it is left blank', () => {
    const blank = { ...answers, 'their-email-addresses': { emailAddresses: [] } }
    const without: ReportAnswers = { ...answers }
    delete without['their-email-addresses']
    assert.deepEqual(
      identifiersOf(identifierSources(blank), 'GB'),
      identifiersOf(identifierSources(without), 'GB'),
    )
  })
})
