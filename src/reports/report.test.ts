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
    const emails = identifiersOf(identifierSources(answers, 'form'), 'GB')
      .filter((identifier) => identifier.kind === 'other-email')
      .map((identifier) => identifier.value)
    assert.deepEqual(emails, ['sky.other@example.com', 'two@example.org'])
  })

  it('finds the same identifiers as before the page when it is left blank', () => {
    const blank = { ...answers, 'their-email-addresses': { emailAddresses: [] } }
    const without: ReportAnswers = { ...answers }
    delete without['their-email-addresses']
    assert.deepEqual(
      identifiersOf(identifierSources(blank, 'form'), 'GB'),
      identifiersOf(identifierSources(without, 'form'), 'GB'),
    )
  })

  it('takes no reporter contact from a platform’s report: it is the platform’s safety team’s', () => {
    const contact: ReportAnswers = {
      ...answers,
      'contact-details': { email: 'safety@chat.example.org', phone: '07700 900 999' },
    }
    const reporterKinds = (source: 'form' | 'api') =>
      identifiersOf(identifierSources(contact, source), 'GB')
        .map((identifier) => identifier.kind)
        .filter((kind) => kind.startsWith('reporter-'))
    assert.deepEqual(reporterKinds('form'), ['reporter-phone', 'reporter-email'])
    assert.deepEqual(reporterKinds('api'), [])
  })
})
