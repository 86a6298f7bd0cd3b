import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import type { TriageInput } from '../reports/model.js'
import { defaultRuleSet } from './rule-set.js'
import { readDescription } from './phrases.js'
import { readText } from './reading.js'
import { assessPriority } from './rules.js'
import { statedChildAge } from './stated-facts.js'

const require = createRequire(import.meta.url)
const englishWords = new Set(require('an-array-of-english-words') as string[])

const textSpeak = new Map(
  Object.entries(defaultRuleSet.textSpeak).flatMap(([canonical, variants]) =>
    variants.map((variant) => [variant, canonical.split(' ')] as const),
  ),
)

const words = (text: string) => readText(text, textSpeak).words

describe('reading a description', () => {
  it('opens contractions and reads text-speak, capitals and curly apostrophes', () => {
    assert.deepEqual(words('DON’T go 2moro, we’d be late'), [
      'do',
      'not',
      'go',
      'tomorrow',
      'we',
      'would',
      'be',
      'late',
    ])
  })

  it('splits numbers glued to words and times ("9pm", "14yo", "21:00", "£100")', () => {
    assert.deepEqual(words('£100 by 9pm or 21:00. im 14yo'), [
      '£',
      '100',
      'by',
      '9',
      'pm',
      'or',
      '21',
      '00',
      '|',
      'i',
      'am',
      '14',
      'yo',
    ])
  })

  it('marks sentence ends, and reads emoji as nothing', () => {
    assert.deepEqual(words('help 😭😭 please. he is here'), [
      'help',
      'please',
      '|',
      'he',
      'is',
      'here',
    ])
  })

  it('gives each word its dictionary form', () => {
    const read = readText('he kept asking for pictures', textSpeak)
    assert.deepEqual(read.lemmas, ['he', 'keep', 'ask', 'for', 'picture'])
  })

  it('marks the words a denial covers, but not a new clause without punctuation', () => {
    const read = readText('i dont care anymore i want to kill myself', textSpeak)
    const negated = read.words.filter((_, at) => read.negated[at])
    assert.deepEqual(negated, ['care', 'anymore', 'i', 'want'])
  })

  it('keeps real English words as they are ("we\'d", "hell", "ill", "wed")', () => {
    assert.deepEqual(words('Ill be honest, this week has been hell. we wed in june'), [
      'ill',
      'be',
      'honest',
      'this',
      'week',
      'has',
      'been',
      'hell',
      '|',
      'we',
      'wed',
      'in',
      'june',
    ])
  })
})

describe('the text-speak list (content/triage/rules.json)', () => {
  it('holds no English word, so respelling never changes what someone wrote', () => {
    const english = [...textSpeak.keys()].filter((variant) => englishWords.has(variant))
    assert.deepEqual(english, [])
  })

  it('is short: a list of slips, not a dictionary', () => {
    assert.ok(textSpeak.size < 250, `${String(textSpeak.size)} entries`)
  })
})

describe('what the description affirms or denies', () => {
  const read = (text: string) => readDescription(defaultRuleSet, text)

  it('finds self-harm language whether it is said or denied', () => {
    assert.ok(read('I am not going to hurt myself').matches('self-harm'))
    assert.ok(!read('I am not going to hurt myself').affirms('self-harm-now'))
    assert.ok(read('I do not want to be alive anymore').affirms('self-harm-now'))
    assert.ok(read("I'd rather not be here").affirms('self-harm-now'))
    assert.ok(read('i just want to disappear').affirms('self-harm-now'))
  })

  it('reads self-harm spoken of as past as mentioned, not as now', () => {
    const text = read('Last year she self-harmed but she is doing better now.')
    assert.ok(text.matches('self-harm'))
    assert.ok(!text.affirms('self-harm-now'))
  })

  it('does not read figures of speech as self-harm', () => {
    for (const text of [
      'skl is killing me lol',
      'she said she would kill me if i sat there',
      'they keep saying I am dead to them',
      'this week has been hell',
    ]) {
      assert.ok(!read(text).matches('self-harm'), text)
    }
  })
})

describe('false friends the old spelling table made', () => {
  const base: TriageInput = {
    audience: 'young-person',
    childAge: 15,
    childLocation: null,
    immediateDanger: 'no',
    concerns: ['pressure-to-meet'],
    stillHappening: 'yes',
    otherPersonAge: 'adult',
    otherPersonKnownOffline: false,
    description: '',
  }
  const codes = (description: string) =>
    assessPriority({ ...base, description }).reasons.map((reason) => reason.code)

  it('does not read "we\'d meet up one day" as a meeting on Wednesday', () => {
    assert.ok(!codes("he keeps saying we'd meet up one day").includes('meeting-soon'))
  })

  it('does not read a meeting the child refuses as arranged', () => {
    assert.ok(!codes('im not going to meet him tonight, i told him no').includes('meeting-soon'))
    assert.ok(codes('im going to meet him tonight').includes('meeting-soon'))
  })

  it('does not read "slag off" as a sexual word', () => {
    const outcome = assessPriority({
      ...base,
      concerns: ['bullying'],
      otherPersonAge: 'under-18',
      description: 'they slag off my clothes in the group chat',
    })
    assert.equal(outcome.priority, 'out-of-scope')
  })
})

describe('the child age a description states', () => {
  const age = (text: string, reporterIsChild = false) =>
    statedChildAge(words(text), reporterIsChild)?.age ?? null

  it('reads "my 8 year old", "my daughter is 10", "her son, who is 6" and "aged seven"', () => {
    assert.equal(age('my 8 year old was sent a video'), 8)
    assert.equal(age('my daughter is 10 and a man asked her'), 10)
    assert.equal(age("my neighbour's son, who is 6, was sent it"), 6)
    assert.equal(age('a pupil aged seven told me'), 7)
    assert.equal(age('a 12yo girl in my class'), 12)
  })

  it("reads a young person's own age, and only theirs", () => {
    assert.equal(age('I am 14 and he keeps asking', true), 14)
    assert.equal(age('I am 14 and he keeps asking', false), null)
  })

  it("does not read the other person's age as the child's", () => {
    assert.equal(age('a 23 year old man keeps messaging her'), null)
    assert.equal(age('her 30 year old boyfriend'), null)
    assert.equal(age('he is 19'), null)
    assert.equal(age('my daughter is 25'), null)
  })
})
