import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseSteps, reportSteps, type Form, type Step } from '../../test/reports.js'
import {
  furthestPage,
  isReachable,
  pageAfter,
  previousPage,
  saveAnswer,
  walk,
  type JourneyAnswers,
} from '../web/journey.js'
import { buildReportJourney, CHECK_ANSWERS } from './journey.js'
import { AUDIENCES } from './model.js'

const journey = buildReportJourney(() => new Date('2026-03-10T10:00:00Z'))

function answer(answers: JourneyAnswers, slug: string, form: Form): JourneyAnswers {
  const parsed = journey.pages.get(slug)?.parse(form, answers)
  if (!parsed?.ok) throw new Error(`${slug} did not parse`)
  return saveAnswer(journey, answers, slug, parsed.value)
}

const pathOf = (answers: JourneyAnswers) => walk(journey, answers).path
const slugs = (steps: readonly Step[]) => steps.map(([slug]) => slug)

/** The opening pages with a given audience, topic and danger answer. */
function opening(audience: string, topic = 'sexual', danger = 'no'): JourneyAnswers {
  let answers = answer({}, 'who-are-you', { audience })
  answers = answer(answers, 'what-is-it-about', { topic })
  const signposting = furthestPage(journey, answers)
  if (signposting.startsWith('help-with-')) answers = answer(answers, signposting, {})
  return answer(answers, 'immediate-danger', { immediateDanger: danger })
}

describe('the report journey for each audience', () => {
  for (const audience of AUDIENCES) {
    it(`takes a ${audience} through every page of their report to check your answers`, () => {
      const answers = parseSteps(journey, reportSteps[audience])
      assert.deepEqual(walk(journey, answers), {
        path: slugs(reportSteps[audience]),
        complete: true,
      })
      assert.equal(furthestPage(journey, answers), CHECK_ANSWERS)
    })
  }

  it('asks a young person their age after the danger question', () => {
    assert.equal(furthestPage(journey, opening('young-person')), 'your-age')
  })

  it('shows a young person under 11 the guidance about a trusted adult, then about them', () => {
    const answers = answer(opening('young-person'), 'your-age', { age: '10' })
    assert.equal(furthestPage(journey, answers), 'under-11')
    assert.equal(furthestPage(journey, answer(answers, 'under-11', {})), 'about-the-child')
  })

  it('takes a young person of 11 straight on to where they live', () => {
    const answers = answer(opening('young-person'), 'your-age', { age: '11' })
    assert.deepEqual(pathOf(answers).slice(-2), ['your-age', 'about-the-child'])
  })

  it('asks a professional about their safeguarding duties before the child', () => {
    const answers = opening('professional')
    assert.equal(furthestPage(journey, answers), 'professional-checkpoint')
    const checked = answer(answers, 'professional-checkpoint', {
      followedPolicy: 'unsure',
      reportedTo: 'neither',
    })
    assert.equal(furthestPage(journey, checked), 'about-the-child')
  })

  it('takes a parent or carer and a concerned adult straight to the child', () => {
    assert.equal(furthestPage(journey, opening('parent-carer')), 'about-the-child')
    assert.equal(furthestPage(journey, opening('concerned-adult')), 'about-the-child')
  })
})

describe('what it is about', () => {
  it('goes straight to the danger question for something sexual', () => {
    const answers = answer(
      answer({}, 'who-are-you', { audience: 'parent-carer' }),
      'what-is-it-about',
      {
        topic: 'sexual',
      },
    )
    assert.equal(furthestPage(journey, answers), 'immediate-danger')
  })

  const signposting = [
    ['bullying', 'help-with-bullying'],
    ['fake-account', 'help-with-fake-accounts'],
    ['hacking', 'help-with-hacking'],
  ] as const
  for (const [topic, page] of signposting) {
    it(`shows where to get help with ${topic}, then lets the person carry on reporting`, () => {
      const who = answer({}, 'who-are-you', { audience: 'young-person' })
      const answers = answer(who, 'what-is-it-about', { topic })
      assert.equal(furthestPage(journey, answers), page)
      const continued = answer(answers, page, {})
      assert.equal(furthestPage(journey, continued), 'immediate-danger')
      assert.deepEqual(pathOf(continued), [
        'who-are-you',
        'what-is-it-about',
        page,
        'immediate-danger',
      ])
    })
  }
})

describe('immediate danger', () => {
  it('shows the call 999 page when a child is in danger, then lets the person continue', () => {
    const answers = opening('parent-carer', 'sexual', 'yes')
    assert.equal(furthestPage(journey, answers), 'call-999')
    assert.equal(furthestPage(journey, answer(answers, 'call-999', {})), 'about-the-child')
  })

  for (const danger of ['no', 'unsure']) {
    it(`skips the call 999 page when the answer is ${danger}`, () => {
      const answers = opening('parent-carer', 'sexual', danger)
      assert.equal(pathOf(answers).includes('call-999'), false)
      assert.equal(furthestPage(journey, answers), 'about-the-child')
    })
  }

  it('takes a young person in danger from the call 999 page to their age', () => {
    const answers = answer(opening('young-person', 'sexual', 'yes'), 'call-999', {})
    assert.equal(furthestPage(journey, answers), 'your-age')
  })

  it('takes a professional in danger from the call 999 page to their checkpoint', () => {
    const answers = answer(opening('professional', 'sexual', 'yes'), 'call-999', {})
    assert.equal(furthestPage(journey, answers), 'professional-checkpoint')
  })
})

describe('skipping ahead', () => {
  for (const audience of AUDIENCES) {
    it(`never lets a ${audience} open a page beyond the next unanswered one`, () => {
      const steps = reportSteps[audience]
      const all = [...slugs(steps), CHECK_ANSWERS]
      for (let answered = 0; answered < steps.length; answered++) {
        const answers = parseSteps(journey, steps.slice(0, answered))
        for (const [i, slug] of all.entries()) {
          assert.equal(isReachable(journey, answers, slug), i <= answered, `${slug} at ${answered}`)
        }
      }
    })
  }

  it('does not open a signposting page for something sexual', () => {
    const answers = parseSteps(journey, reportSteps['parent-carer'])
    for (const page of ['help-with-bullying', 'help-with-fake-accounts', 'help-with-hacking'])
      assert.equal(isReachable(journey, answers, page), false, page)
  })

  it('does not open another audience’s pages', () => {
    const answers = parseSteps(journey, reportSteps['parent-carer'])
    for (const page of ['your-age', 'under-11', 'professional-checkpoint', 'call-999'])
      assert.equal(isReachable(journey, answers, page), false, page)
  })
})

describe('back links', () => {
  for (const audience of AUDIENCES) {
    it(`goes back one page at a time along a ${audience}’s path`, () => {
      const answers = parseSteps(journey, reportSteps[audience])
      const path = [...slugs(reportSteps[audience]), CHECK_ANSWERS]
      assert.equal(previousPage(journey, answers, 'who-are-you'), undefined)
      for (let i = 1; i < path.length; i++) {
        assert.equal(previousPage(journey, answers, path[i] ?? ''), path[i - 1], path[i])
      }
    })
  }
})

describe('changing an answer', () => {
  it('drops the age answer when a young person changes to a parent or carer', () => {
    const answers = parseSteps(journey, reportSteps['young-person'])
    const changed = answer(answers, 'who-are-you', { audience: 'parent-carer' })
    assert.equal(changed['your-age'], undefined)
    assert.deepEqual(changed['what-happened'], answers['what-happened'])
  })

  it('asks about the child and contact details again when the audience changes', () => {
    const answers = parseSteps(journey, reportSteps['young-person'])
    const changed = answer(answers, 'who-are-you', { audience: 'parent-carer' })
    assert.equal(changed['about-the-child'], undefined)
    assert.equal(changed['contact-details'], undefined)
    assert.equal(pageAfter(journey, changed, 'who-are-you', true), 'about-the-child')
  })

  it('keeps every answer when the same audience is chosen again', () => {
    const answers = parseSteps(journey, reportSteps['young-person'])
    assert.deepEqual(answer(answers, 'who-are-you', { audience: 'young-person' }), answers)
  })

  it('drops the call 999 answer when danger is changed from yes to no', () => {
    const answers = parseSteps(journey, reportSteps.professional)
    const changed = answer(answers, 'immediate-danger', { immediateDanger: 'no' })
    assert.equal(changed['call-999'], undefined)
    assert.equal(walk(journey, changed).complete, true)
    assert.equal(pageAfter(journey, changed, 'immediate-danger', true), CHECK_ANSWERS)
  })

  it('shows the call 999 page and keeps later answers when danger is changed to yes', () => {
    const answers = parseSteps(journey, reportSteps['parent-carer'])
    const changed = answer(answers, 'immediate-danger', { immediateDanger: 'yes' })
    assert.equal(pageAfter(journey, changed, 'immediate-danger', true), 'call-999')
    assert.deepEqual(changed['contact-details'], answers['contact-details'])
    const continued = answer(changed, 'call-999', {})
    assert.equal(pageAfter(journey, continued, 'call-999', true), CHECK_ANSWERS)
  })

  it('drops the under-11 answer when the age is changed to 14', () => {
    let answers = answer(opening('young-person'), 'your-age', { age: '9' })
    answers = answer(answers, 'under-11', {})
    const changed = answer(answers, 'your-age', { age: '14' })
    assert.equal(changed['under-11'], undefined)
    assert.equal(furthestPage(journey, changed), 'about-the-child')
  })

  it('shows the under-11 guidance when the age is changed to 9, then returns to the end', () => {
    const answers = parseSteps(journey, reportSteps['young-person'])
    const changed = answer(answers, 'your-age', { age: '9' })
    assert.equal(pageAfter(journey, changed, 'your-age', true), 'under-11')
    const continued = answer(changed, 'under-11', {})
    assert.equal(pageAfter(journey, continued, 'under-11', true), CHECK_ANSWERS)
  })

  it('drops the signposting answer when the topic is changed to something sexual', () => {
    const answers = parseSteps(journey, reportSteps['concerned-adult'])
    const changed = answer(answers, 'what-is-it-about', { topic: 'sexual' })
    assert.equal(changed['help-with-bullying'], undefined)
    assert.equal(walk(journey, changed).complete, true)
  })

  it('drops the professional checkpoint when a professional changes to a concerned adult', () => {
    const answers = parseSteps(journey, reportSteps.professional)
    const changed = answer(answers, 'who-are-you', { audience: 'concerned-adult' })
    assert.equal(changed['professional-checkpoint'], undefined)
    assert.equal(isReachable(journey, changed, 'professional-checkpoint'), false)
  })
})
