import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CONCERNS } from '../reports/model.js'
import type { Concern, Priority, TriageInput } from '../reports/model.js'
import { defaultRuleSet, loadRuleSet, parseRuleSet, RuleSetError } from './rule-set.js'
import type { TriageRuleSet } from './rule-set.js'
import { assessPriority, priorityRank } from './rules.js'
import type { TriageOutcome } from './rules.js'

/** A report that matches no rule: a 14-year-old, "something else", stopped, nothing in the text. */
const NEUTRAL: TriageInput = {
  audience: 'young-person',
  childAge: 14,
  childLocation: null,
  immediateDanger: 'no',
  concerns: ['something-else'],
  stillHappening: 'no',
  otherPersonAge: 'unknown',
  otherPersonKnownOffline: false,
  description: '',
}

const firedCodes = new Set<string>()

function assess(overrides: Partial<TriageInput>, ruleSet?: TriageRuleSet): TriageOutcome {
  const outcome = assessPriority({ ...NEUTRAL, ...overrides }, ruleSet)
  for (const reason of outcome.reasons) firedCodes.add(reason.code)
  return outcome
}

function codes(outcome: TriageOutcome): string[] {
  return outcome.reasons.map((reason) => reason.code)
}

function assertTriage(overrides: Partial<TriageInput>, priority: Priority, code: string): void {
  const outcome = assess(overrides)
  assert.equal(outcome.priority, priority, `got ${outcome.priority}: ${codes(outcome).join(', ')}`)
  assert.ok(codes(outcome).includes(code), `expected "${code}" among ${codes(outcome).join(', ')}`)
}

const adult = { otherPersonAge: 'adult' } as const
const ongoing = { stillHappening: 'yes' } as const

describe('assessPriority', () => {
  describe('P1: a child may come to harm within hours', () => {
    it('puts a report of immediate danger in P1', () => {
      assertTriage({ immediateDanger: 'yes' }, 'P1', 'immediate-danger')
    })

    it('puts a report where the child talks of ending their life in P1', () => {
      assertTriage(
        { concerns: ['sexual-chat'], description: 'Since then I just wish I was dead.' },
        'P1',
        'self-harm-now',
      )
    })

    it('puts a report where a parent says their child has been cutting herself in P1', () => {
      assertTriage(
        {
          audience: 'parent-carer',
          concerns: ['asked-for-images'],
          description: 'My girl has started cutting herself since he began messaging.',
        },
        'P1',
        'self-harm-now',
      )
    })

    it('puts a report where the other person told the child to kill themselves in P1', () => {
      assertTriage(
        { concerns: ['sexual-chat'], description: 'when i said no he told me to kys' },
        'P1',
        'told-to-self-harm',
      )
    })

    it('puts a report of a child who has not come home after talking to a man online in P1', () => {
      assertTriage(
        {
          audience: 'parent-carer',
          description:
            'She went out after school, has not come back and her phone is switched off.',
        },
        'P1',
        'missing-or-with-person',
      )
    })

    it('puts a report where the man is waiting outside the school in P1', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['pressure-to-meet'],
          description: "He says he's outside the school gates.",
        },
        'P1',
        'missing-or-with-person',
      )
    })

    it('puts a report with a meeting arranged for tomorrow in P1', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['pressure-to-meet'],
          description: 'We are going to meet at the bus station tomorrow afternoon.',
        },
        'P1',
        'meeting-soon',
      )
    })

    it('puts a meeting written in text-speak ("meet up 2nite") in P1', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['sexual-chat'],
          description: 'he wants 2 meet up 2nite n said not 2 tell',
        },
        'P1',
        'meeting-soon',
      )
    })

    it('puts a pick-up arranged for Friday in P1', () => {
      assertTriage(
        {
          concerns: ['pressure-to-meet'],
          description: 'He said he would collect her from the park on Friday.',
        },
        'P1',
        'meeting-soon',
      )
    })

    it('reads "a man she met online" as how they met, not as a video call, when a meeting is arranged', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['pressure-to-meet'],
          description: 'She is meeting a man she met online after school on Friday.',
        },
        'P1',
        'meeting-soon',
      )
    })

    it('puts a report where the child met the man last night in P1', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['sexual-chat'],
          description: 'She admitted she met up with him last night.',
        },
        'P1',
        'met-recently',
      )
    })

    it('puts blackmail with a deadline in P1', () => {
      assertTriage(
        {
          concerns: ['image-shared-threats'],
          description: 'They want £50 within 2 hours or they will send it to my contacts.',
        },
        'P1',
        'blackmail-deadline',
      )
    })

    it('puts blackmail with a deadline written as "by 10 p.m." in P1', () => {
      assertTriage(
        {
          concerns: ['image-shared-threats'],
          description: 'Pay by 10 p.m. or everyone sees the video.',
        },
        'P1',
        'blackmail-deadline',
      )
    })

    it('puts coercion with threats happening right now in P1', () => {
      assertTriage(
        {
          concerns: ['pressure-to-do-things'],
          description: 'He is on a call with me rn saying I will be in trouble if I log off.',
        },
        'P1',
        'coercion-now',
      )
    })

    it('puts threats to make a child go on camera tonight in P1', () => {
      assertTriage(
        {
          concerns: ['pressure-to-do-things'],
          description: 'he says if i dont go on cam 2nite he will tell my school. wants me on at 9',
        },
        'P1',
        'coercion-deadline',
      )
    })

    it('puts "unsure" about danger with coercion still going on in P1', () => {
      assertTriage(
        {
          immediateDanger: 'unsure',
          concerns: ['pressure-to-do-things'],
          stillHappening: 'yes',
          description: 'He keeps pushing me to go on camera.',
        },
        'P1',
        'unsure-danger-live-coercion',
      )
    })
  })

  describe('P2: high, same day', () => {
    it('puts a threat to leak "her private pictures" unless she sends more in P2 as blackmail', () => {
      assertTriage(
        {
          concerns: ['hacking'],
          description:
            'The hacker is threatening to leak her private pictures unless she sends more.',
        },
        'P2',
        'blackmail',
      )
    })

    it("puts a fake nude made from a child's photo in P2 as an intimate image of the child", () => {
      assertTriage(
        {
          concerns: ['fake-account'],
          description: 'someone made a fake account with my face edited onto naked pictures',
        },
        'P2',
        'intimate-image-shared',
      )
    })

    it('puts an adult asking a 10-year-old what she is wearing in P2', () => {
      assertTriage(
        {
          ...adult,
          childAge: 10,
          concerns: ['something-else'],
          description: 'A grown man keeps asking my daughter what she is wearing.',
        },
        'P2',
        'young-child-sexual-element',
      )
    })

    it('puts a report where the reporter is unsure about immediate danger in at least P2', () => {
      assertTriage({ immediateDanger: 'unsure' }, 'P2', 'unsure-danger')
    })

    it('puts blackmail without a deadline in P2', () => {
      assertTriage(
        {
          concerns: ['image-shared-threats'],
          description:
            'Someone says they will share my pictures with my friends unless I send more.',
        },
        'P2',
        'blackmail',
      )
    })

    it('puts a threat to post a nude, with no concern ticked for it, in P2', () => {
      assertTriage(
        { description: 'a lad says he is going to put my nudes online if I block him' },
        'P2',
        'blackmail',
      )
    })

    it('puts an adult repeatedly asking to meet in P2', () => {
      assertTriage(
        {
          ...adult,
          ...ongoing,
          concerns: ['pressure-to-meet'],
          description: 'He keeps asking when we can hang out.',
        },
        'P2',
        'adult-asking-to-meet',
      )
    })

    it('puts someone of unknown age asking to meet in P2', () => {
      assertTriage(
        {
          ...ongoing,
          concerns: ['pressure-to-meet'],
          description: 'They keep on at me to meet them in person.',
        },
        'P2',
        'unknown-asking-to-meet',
      )
    })

    it('puts a meeting arranged soon with another young person in P2', () => {
      assertTriage(
        {
          otherPersonAge: 'under-18',
          concerns: ['sexual-chat'],
          description: 'He wants me to come to his house tonight.',
        },
        'P2',
        'meeting-soon-young-person',
      )
    })

    it('puts a report where the child has already met the adult in P2', () => {
      assertTriage(
        { ...adult, concerns: ['sexual-chat'], description: 'She has been to his flat twice.' },
        'P2',
        'met-in-person',
      )
    })

    it('puts a report where images have already been sent to an adult in P2', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['asked-for-images'],
          description: 'I sent him some pics before I knew.',
        },
        'P2',
        'images-sent-to-adult',
      )
    })

    it("puts a report where someone of unknown age holds the child's photos in P2", () => {
      assertTriage(
        { concerns: ['sexual-chat'], description: 'This account now has two photos of me.' },
        'P2',
        'images-sent-to-unknown',
      )
    })

    it('puts a child under 13 asked for images in P2', () => {
      assertTriage(
        {
          childAge: 11,
          concerns: ['asked-for-images'],
          description: 'Someone asked for a selfie.',
        },
        'P2',
        'young-child-asked-for-images',
      )
    })

    it('puts a child under 13 sent sexual content in P2', () => {
      assertTriage(
        {
          childAge: 9,
          concerns: ['sent-sexual-content'],
          description: 'A stranger sent a rude clip.',
        },
        'P2',
        'young-child-sent-sexual-content',
      )
    })

    it('puts any sexual concern about a child under 13 in P2', () => {
      assertTriage(
        { childAge: 12, concerns: ['sexual-chat'], description: 'Someone made sexual comments.' },
        'P2',
        'young-child-sexual-element',
      )
    })

    it('puts an adult in a position of trust in P2', () => {
      assertTriage(
        {
          ...adult,
          audience: 'parent-carer',
          description: 'Her swimming instructor messages her privately at night.',
        },
        'P2',
        'position-of-trust',
      )
    })

    it('does not treat the reporter\'s own role ("I\'m her teacher") as a position of trust', () => {
      const outcome = assess({
        ...adult,
        audience: 'professional',
        description: "I'm her form tutor. A man online asked her odd questions.",
      })
      assert.ok(!codes(outcome).includes('position-of-trust'))
    })

    it("puts a mum's boyfriend in sexual contact with the child in P2", () => {
      assertTriage(
        {
          ...adult,
          concerns: ['sexual-chat'],
          description: "Her mum's boyfriend sends her messages.",
        },
        'P2',
        'household-adult',
      )
    })

    it('puts an adult who knows the child in real life in P2', () => {
      assertTriage(
        { ...adult, otherPersonKnownOffline: true, concerns: ['sexual-chat'] },
        'P2',
        'adult-known-offline',
      )
    })

    it('puts an adult asking the child to keep it secret in P2', () => {
      assertTriage(
        { ...adult, ...ongoing, description: 'He says it has to stay our little secret.' },
        'P2',
        'secrecy',
      )
    })

    it('puts an adult sending the child gifts in P2', () => {
      assertTriage(
        { ...adult, description: 'He keeps topping up her phone and bought her new trainers.' },
        'P2',
        'gifts',
      )
    })

    it('puts an intimate image of a child being passed around in P2', () => {
      assertTriage(
        {
          otherPersonAge: 'under-18',
          concerns: ['bullying'],
          description: 'A naked photo of my daughter is going round her school.',
          audience: 'parent-carer',
        },
        'P2',
        'intimate-image-shared',
      )
    })

    it('puts an adult still in sexual contact with the child in P2', () => {
      assertTriage(
        { ...adult, ...ongoing, concerns: ['sexual-chat'] },
        'P2',
        'ongoing-adult-sexual-contact',
      )
    })

    it('puts someone of unknown age still asking for images in P2', () => {
      assertTriage(
        { ...ongoing, concerns: ['asked-for-images'] },
        'P2',
        'ongoing-unknown-sexual-contact',
      )
    })

    it("puts threats to come to the child's home in P2", () => {
      assertTriage(
        { concerns: ['sexual-chat'], description: 'He said he knows where I live.' },
        'P2',
        'violence-threat',
      )
    })

    it('puts self-harm that is denied or spoken of as past in P2, not P1', () => {
      for (const description of [
        'I would never hurt myself, I just want him to stop.',
        'She used to self harm but she is doing well.',
      ]) {
        const outcome = assess({
          ...adult,
          ...ongoing,
          concerns: ['asked-for-images'],
          description,
        })
        assert.equal(outcome.priority, 'P2', description)
        assert.ok(codes(outcome).includes('self-harm-mentioned'), codes(outcome).join(', '))
        assert.ok(!codes(outcome).includes('self-harm-now'), description)
      }
    })

    it('puts flattery and romantic interest from an adult, still going on, in P2', () => {
      assertTriage(
        {
          ...adult,
          ...ongoing,
          description: 'He tells her she is beautiful and that he is in love with her.',
        },
        'P2',
        'grooming-attention',
      )
    })

    it('puts signs of sexual exploitation in P2', () => {
      assertTriage(
        {
          ...ongoing,
          audience: 'professional',
          description: 'She has a second phone and older lads wait for her by the gates.',
        },
        'P2',
        'exploitation-signs',
      )
    })
  })

  describe('P3: standard', () => {
    it('puts a request to meet that has stopped in P3', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['pressure-to-meet'],
          description: 'He asked to meet up but I said no and he has not messaged since.',
        },
        'P3',
        'stopped',
      )
    })

    it('puts sexual chat that has stopped, with no images or meeting, in P3', () => {
      const outcome = assess({
        concerns: ['sexual-chat'],
        description: 'A user in a game said sexual things. I reported them.',
      })
      assert.equal(outcome.priority, 'P3')
      assert.deepEqual(codes(outcome), ['sexual-element', 'stopped', 'blocked'])
    })

    it('puts a peer who sent flirty messages and stopped in P3', () => {
      assertTriage(
        {
          otherPersonAge: 'under-18',
          concerns: ['sexual-chat'],
          description: 'He stopped when asked.',
        },
        'P3',
        'young-person-other',
      )
    })

    it('puts images sent to another young person, with no threats, in P3', () => {
      assertTriage(
        {
          otherPersonAge: 'under-18',
          concerns: ['sexual-chat'],
          description: 'I sent my ex a pic.',
        },
        'P3',
        'images-sent-to-young-person',
      )
    })

    it('puts a historic request for images in P3', () => {
      assertTriage(
        {
          ...adult,
          concerns: ['asked-for-images'],
          description: 'This was two years ago, she said no.',
        },
        'P3',
        'historic',
      )
    })

    it('puts unwanted sexual content, blocked at once, in P3', () => {
      assertTriage(
        { concerns: ['sent-sexual-content'], description: 'I blocked the account straight away.' },
        'P3',
        'blocked',
      )
    })

    it('puts a report no rule recognises in P3 with a default reason', () => {
      const outcome = assess({})
      assert.equal(outcome.priority, 'P3')
      assert.deepEqual(codes(outcome), ['default'])
    })
  })

  describe('out of scope (a suggestion only)', () => {
    it('suggests bullying with no sexual element is out of scope', () => {
      const outcome = assess({
        concerns: ['bullying'],
        otherPersonAge: 'under-18',
        description: 'Kids at school keep leaving me out and laughing at me.',
      })
      assert.equal(outcome.priority, 'out-of-scope')
      assert.equal(outcome.outOfScopeSuggested, true)
      assert.deepEqual(codes(outcome), ['bullying-only'])
    })

    it('suggests a fake account with no sexual element is out of scope', () => {
      assertTriage(
        { concerns: ['fake-account'], description: 'Someone copied my profile picture.' },
        'out-of-scope',
        'fake-account-only',
      )
    })

    it('suggests hacking with no sexual element is out of scope', () => {
      assertTriage(
        { concerns: ['hacking'], description: 'My account got hacked and my password changed.' },
        'out-of-scope',
        'hacking-only',
      )
    })

    it('suggests a report about an adult is out of scope', () => {
      assertTriage(
        {
          audience: 'concerned-adult',
          childAge: null,
          description: "I'm 45 and a man I met on a forum keeps emailing me.",
        },
        'out-of-scope',
        'adult-harmed',
      )
    })

    it('keeps a report in scope when the writer is an adult but mentions a child', () => {
      const outcome = assess({
        audience: 'concerned-adult',
        childAge: null,
        description: 'I am 30 and my niece is being messaged by a stranger.',
      })
      assert.notEqual(outcome.priority, 'out-of-scope')
    })

    it('keeps a report in scope when the text says "I am 24" but the child is 15', () => {
      const outcome = assess({ childAge: 15, description: 'I am 24, writing about my sister.' })
      assert.notEqual(outcome.priority, 'out-of-scope')
    })
  })

  describe('never out of scope with a sexual element', () => {
    it('keeps bullying that shares an intimate picture in scope', () => {
      const outcome = assess({
        concerns: ['bullying'],
        otherPersonAge: 'under-18',
        description: 'They passed round a picture of me getting changed.',
      })
      assert.equal(outcome.outOfScopeSuggested, false)
      assert.equal(outcome.priority, 'P2')
    })

    it('keeps a hacked account whose hacker posts nudes in scope', () => {
      const outcome = assess({
        concerns: ['hacking'],
        description: 'they hacked me and posted noods',
      })
      assert.notEqual(outcome.priority, 'out-of-scope')
    })

    it('keeps sexualised name-calling in scope', () => {
      const outcome = assess({
        concerns: ['bullying'],
        description: 'They call me a slag in the group.',
      })
      assert.notEqual(outcome.priority, 'out-of-scope')
    })

    it('keeps any report with a sexual concern ticked in scope even if the writer is an adult', () => {
      const outcome = assess({
        childAge: null,
        concerns: ['sexual-chat'],
        description: 'I am 24 and he sends me messages.',
      })
      assert.equal(outcome.priority, 'P3')
    })

    it('keeps sexual reports in scope even when an edited rule set says otherwise', () => {
      const ruleSet = tinyRuleSet({
        rules: [
          {
            id: 'everything-out',
            description: 'A badly edited rule.',
            priority: 'out-of-scope',
            reason: 'out',
            when: { concernAny: [...CONCERNS] },
          },
        ],
      })
      const outcome = assess({ concerns: ['sent-sexual-content'] }, ruleSet)
      assert.equal(outcome.priority, 'P3')
      assert.ok(codes(outcome).includes('never-out-of-scope'))
    })

    it('lets an agency add a rule that reads who is reporting', () => {
      const ruleSet = tinyRuleSet({
        rules: [
          {
            id: 'professional-worried',
            description: 'A professional reports something else.',
            priority: 'P2',
            reason: 'a professional is worried',
            when: {
              all: [
                { audience: ['professional'] },
                { concernsOnly: ['something-else'] },
                { childAgeUnknown: false },
                { knownOffline: false },
              ],
            },
          },
        ],
      })
      assert.equal(assess({ audience: 'professional' }, ruleSet).priority, 'P2')
      assert.equal(assess({ audience: 'parent-carer' }, ruleSet).priority, 'P3')
      assert.equal(assess({ audience: 'professional', childAge: null }, ruleSet).priority, 'P3')
      // Not knowing whether they meet in real life never ranks lower than knowing they do not.
      const unknown = assess({ audience: 'professional', otherPersonKnownOffline: null }, ruleSet)
      assert.equal(unknown.priority, 'P2')
      assert.ok(codes(unknown).includes('floor-uncertainty'))
    })

    it('keeps immediate danger at P1 and "unsure" at P2 even when an edited rule set forgets them', () => {
      const ruleSet = tinyRuleSet({})
      assert.equal(assess({ immediateDanger: 'yes' }, ruleSet).priority, 'P1')
      assert.equal(assess({ immediateDanger: 'unsure' }, ruleSet).priority, 'P2')
    })
  })

  describe('safety floors an edited rule set cannot remove', () => {
    const bare = () => tinyRuleSet({})

    it('puts self-harm language about now in P1 and denied self-harm in P2', () => {
      const now = assess({ description: 'i want to hurt myself' }, bare())
      assert.equal(now.priority, 'P1')
      assert.ok(codes(now).includes('floor-self-harm-now'))
      const denied = assess({ description: 'i would never hurt myself' }, bare())
      assert.equal(denied.priority, 'P2')
      assert.ok(codes(denied).includes('floor-self-harm'))
    })

    it('puts contact happening now with pressure or threats in P1', () => {
      const ticked = assess(
        { concerns: ['pressure-to-do-things'], description: 'he is on at me right now' },
        bare(),
      )
      assert.equal(ticked.priority, 'P1')
      assert.ok(codes(ticked).includes('floor-coercion-now'))
      const written = assess({ description: 'do it right now or else' }, bare())
      assert.equal(written.priority, 'P1')
      assert.equal(assess({ description: 'he is online right now' }, bare()).priority, 'P3')
    })

    it('never gives an unsure or unknown answer a lower priority than the reassuring one', () => {
      const answers: fc.Arbitrary<Partial<TriageInput>> = fc.record({
        concerns: fc.subarray([...CONCERNS], { minLength: 1 }),
        childAge: fc.option(fc.integer({ min: 5, max: 17 }), { nil: null }),
        immediateDanger: fc.constantFrom('no', 'unsure'),
        stillHappening: fc.constantFrom('no', 'unsure'),
        otherPersonAge: fc.constantFrom('under-18', 'unknown'),
        otherPersonKnownOffline: fc.constantFrom(false, null),
        description: fc.constantFrom(
          '',
          'he asked for a picture',
          'she sent him a photo last week',
          'they want to meet tomorrow',
        ),
      })
      fc.assert(
        fc.property(answers, (input) => {
          const reassured: Partial<TriageInput> = {
            ...input,
            immediateDanger: 'no',
            stillHappening: 'no',
            otherPersonAge: 'under-18',
            otherPersonKnownOffline: false,
          }
          return priorityRank(assess(input).priority) >= priorityRank(assess(reassured).priority)
        }),
        { numRuns: 300 },
      )
    })

    it('reads an age the description states as the answer, with the reason shown', () => {
      const outcome = assess({
        childAge: null,
        concerns: ['sent-sexual-content'],
        audience: 'parent-carer',
        description: 'My 7 year old was sent a rude video in a game.',
      })
      assert.equal(outcome.priority, 'P2')
      assert.ok(codes(outcome).includes('young-child-sent-sexual-content'))
      const stated = outcome.reasons.find((reason) => reason.code === 'stated-child-age')
      assert.match(stated?.text ?? '', /age as 7/)
    })

    it('never lets a stated age lower the priority of a sexual report about a child', () => {
      const input = {
        ...adult,
        ...ongoing,
        childAge: null,
        concerns: ['asked-for-images'],
        description: 'My daughter is 16. He wants to meet her tonight.',
      } as const
      assert.equal(assess(input).priority, 'P1')
    })
  })

  describe('reasons', () => {
    it('lists every rule that fired, highest priority first', () => {
      const outcome = assess({
        ...adult,
        ...ongoing,
        concerns: ['pressure-to-meet'],
        description: 'He is meeting her tomorrow and told her to keep it secret.',
      })
      assert.equal(outcome.priority, 'P1')
      assert.deepEqual(codes(outcome).slice(0, 3), [
        'meeting-soon',
        'adult-asking-to-meet',
        'secrecy',
      ])
      const ranks = outcome.reasons.map((reason) => priorityRank(reason.priority))
      assert.deepEqual(
        ranks,
        [...ranks].sort((a, b) => b - a),
      )
    })

    it('words reasons the way an advisor would write them', () => {
      const outcome = assess({
        ...adult,
        concerns: ['pressure-to-meet'],
        description: 'meeting tmrw',
      })
      assert.equal(
        outcome.reasons[0]?.text,
        'a meeting is arranged for today, tomorrow or a day this week',
      )
    })

    it('records the rule-set version', () => {
      assert.equal(assess({}).rulesVersion, defaultRuleSet.version)
      assert.match(defaultRuleSet.version, /^\d{4}-\d{2}-\d{2}\.\d+$/)
    })
  })

  describe('reading the description', () => {
    it('reads text-speak for tomorrow and tonight ("2moro", "tmrw", "tonite")', () => {
      for (const when of ['2moro', 'tmrw', 'tonite', 'tomorow']) {
        assertTriage(
          { ...adult, concerns: ['pressure-to-meet'], description: `meetin him ${when} at 4` },
          'P1',
          'meeting-soon',
        )
      }
    })

    it('reads "u", "pics" and missing apostrophes ("dont tell ur mum")', () => {
      assertTriage(
        { ...adult, ...ongoing, description: 'he said send pics n dont tell ur mum' },
        'P2',
        'secrecy',
      )
    })

    it('reads curly apostrophes and capitals ("DON’T TELL")', () => {
      assertTriage(
        { ...adult, ...ongoing, description: 'He wrote DON’T TELL ANYONE' },
        'P2',
        'secrecy',
      )
    })

    it('reads a deadline written as "9pm", "9 pm" or "21:00"', () => {
      for (const deadline of ['by 9pm', 'by 9 pm', 'by 21:00']) {
        assertTriage(
          { concerns: ['image-shared-threats'], description: `pay ${deadline} or else` },
          'P1',
          'blackmail-deadline',
        )
      }
    })

    it('tolerates one slip in a long word ("tomorow", "blackmial", "thretening")', () => {
      assertTriage(
        { ...adult, concerns: ['pressure-to-meet'], description: 'we r meeting tomorow' },
        'P1',
        'meeting-soon',
      )
      assertTriage(
        { concerns: ['sexual-chat'], description: 'he is blackmialing me' },
        'P2',
        'blackmail',
      )
    })

    it('does not let a phrase reach across sentences', () => {
      const outcome = assess({
        ...adult,
        ...ongoing,
        concerns: ['pressure-to-meet'],
        description: 'He asked to meet. Tomorrow I am telling my mum everything.',
      })
      assert.equal(outcome.priority, 'P2')
    })

    it('does not read "asked me today to meet" as a meeting arranged for today', () => {
      const outcome = assess({
        ...adult,
        ...ongoing,
        concerns: ['pressure-to-meet'],
        description: 'Today he kept asking to meet up again.',
      })
      assert.equal(outcome.priority, 'P2')
    })

    it('does not read a video call or video game as an image', () => {
      const outcome = assess({
        childAge: 10,
        concerns: ['something-else'],
        description: 'He keeps asking her to join a video call on a video game.',
      })
      assert.ok(!codes(outcome).includes('young-child-asked-for-images'))
    })

    it('does not read "she didn\'t send any" as images sent', () => {
      const outcome = assess({
        ...adult,
        concerns: ['asked-for-images'],
        description: "He wanted pictures. She didn't send him any pictures.",
      })
      assert.ok(!codes(outcome).includes('images-sent-to-adult'))
    })
  })

  describe('never lowers priority when a danger signal is added (property)', () => {
    const fragments = [
      'he keeps messaging me',
      'we talk on a game',
      'I blocked him',
      'it stopped last year',
      'he sent me a rude picture',
      'people at school are mean to me',
      'my account was hacked',
      'someone made a fake profile',
      'I am 24',
      'I am her teacher',
      'my daughter is 13',
      'she sent him a photo',
      'he asked for pics',
      'he wants to meet',
      'he is a coach',
      'dont tell anyone',
      'they took screenshots',
      'I do not know what to do',
      'he said he would post it online',
      'nothing happened',
      'last week',
    ]
    const description = fc
      .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 20 })), {
        maxLength: 5,
      })
      .map((parts) => parts.join('. '))
    const report: fc.Arbitrary<TriageInput> = fc.record({
      audience: fc.constantFrom('young-person', 'parent-carer', 'professional', 'concerned-adult'),
      childAge: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
      childLocation: fc.constant(null),
      immediateDanger: fc.constantFrom('yes', 'no', 'unsure'),
      concerns: fc.subarray([...CONCERNS], { minLength: 1 }),
      stillHappening: fc.constantFrom('yes', 'no', 'unsure'),
      otherPersonAge: fc.constantFrom('adult', 'under-18', 'unknown'),
      otherPersonKnownOffline: fc.constantFrom(true, false, null),
      description,
    })
    const addText = (phrase: string) => (input: TriageInput) => ({
      ...input,
      description: `${input.description}. ${phrase}`,
    })
    const addConcern = (concern: Concern) => (input: TriageInput) => ({
      ...input,
      concerns: input.concerns.includes(concern) ? input.concerns : [...input.concerns, concern],
    })
    interface DangerSignal {
      name: string
      add: (input: TriageInput) => TriageInput
    }
    const signal = (name: string, add: DangerSignal['add']): DangerSignal => ({ name, add })
    const dangerSignal: fc.Arbitrary<DangerSignal> = fc.oneof(
      fc.constant(
        signal('immediate danger yes', (input) => ({ ...input, immediateDanger: 'yes' })),
      ),
      fc.constant(
        signal('immediate danger unsure instead of no', (input) =>
          input.immediateDanger === 'no' ? { ...input, immediateDanger: 'unsure' } : input,
        ),
      ),
      fc
        .constantFrom('I want to end it all', 'she has been hurting herself', 'i wanna die')
        .map((phrase) => signal(`self-harm: ${phrase}`, addText(phrase))),
      fc
        .constantFrom(
          'pay £50 by 9pm or I post it',
          'you have 2 hours or your family sees the pics',
        )
        .map((phrase) => signal(`deadline threat: ${phrase}`, addText(phrase))),
      fc
        .constantFrom('we are meeting tomorrow', 'he is picking me up tonight')
        .map((phrase) => signal(`meeting: ${phrase}`, addText(phrase))),
      fc
        .constantFrom<Concern>('image-shared-threats', 'asked-for-images', 'pressure-to-meet')
        .map((concern) => signal(`concern ${concern}`, addConcern(concern))),
      fc.integer({ min: 0, max: 17 }).map((age) =>
        signal(`child age lowered to at most ${age}`, (input) => ({
          ...input,
          childAge: input.childAge === null ? age : Math.min(input.childAge, age),
        })),
      ),
      fc.constant(signal('still happening', (input) => ({ ...input, stillHappening: 'yes' }))),
      fc.constant(
        signal('other person an adult', (input) => ({ ...input, otherPersonAge: 'adult' })),
      ),
    )

    it('never ranks a report lower after any danger signal is added', () => {
      fc.assert(
        fc.property(report, dangerSignal, (input, danger) => {
          const before = assessPriority(input).priority
          const after = assessPriority(danger.add(input)).priority
          return priorityRank(after) >= priorityRank(before)
        }),
        { numRuns: 1500 },
      )
    })

    it('never suggests out of scope for a report with a sexual concern ticked', () => {
      const sexual = CONCERNS.filter(
        (c) => !['bullying', 'fake-account', 'hacking', 'something-else'].includes(c),
      )
      fc.assert(
        fc.property(report, fc.constantFrom(...sexual), (input, concern) => {
          const outcome = assessPriority(addConcern(concern)(input))
          return outcome.priority !== 'out-of-scope' && !outcome.outOfScopeSuggested
        }),
        { numRuns: 500 },
      )
    })

    it('always puts immediate danger "yes" in P1', () => {
      fc.assert(
        fc.property(
          report,
          (input) => assessPriority({ ...input, immediateDanger: 'yes' }).priority === 'P1',
        ),
        { numRuns: 300 },
      )
    })
  })
})

describe('rule set validation', () => {
  function problem(change: (data: Record<string, unknown>) => void): string {
    const data = structuredClone(defaultRuleSet) as unknown as Record<string, unknown>
    change(data)
    try {
      parseRuleSet(data, 'test rules')
    } catch (error) {
      assert.ok(error instanceof RuleSetError)
      return error.message
    }
    assert.fail('the rule set was accepted')
  }
  const firstRule = (data: Record<string, unknown>): Record<string, unknown> =>
    (data.rules as Record<string, unknown>[])[0] ?? {}

  it('accepts the shipped rule set', () => {
    assert.ok(defaultRuleSet.rules.length > 20)
    assert.doesNotThrow(() => parseRuleSet(structuredClone(defaultRuleSet)))
  })

  it('names an unknown condition kind and where it is', () => {
    const message = problem((data) => {
      firstRule(data).when = { concernsAny: ['bullying'] }
    })
    assert.match(message, /concernsAny/)
    assert.match(message, /rules\[0\]\.when/)
  })

  it('refuses a condition with two kinds in one object', () => {
    const message = problem((data) => {
      firstRule(data).when = { childAgeBelow: 13, immediateDanger: ['yes'] }
    })
    assert.match(message, /exactly one kind/)
  })

  it('refuses an unknown concern', () => {
    const message = problem((data) => {
      firstRule(data).when = { all: [{ concernAny: ['sexting'] }] }
    })
    assert.match(message, /rules\[0\]\.when\.all\[0\]\.concernAny\[0\]/)
  })

  it('refuses a reference to a lexicon that does not exist', () => {
    const message = problem((data) => {
      firstRule(data).when = { textMatches: ['no-such-list'] }
    })
    assert.match(message, /unknown lexicon "no-such-list"/)
  })

  it('refuses a phrase that refers to a lexicon that does not exist', () => {
    const message = problem((data) => {
      const lexicons = data.lexicons as Record<string, { phrases: string[] }>
      lexicons.soon?.phrases.push('{nowhere} tonight')
    })
    assert.match(message, /unknown lexicon \{nowhere\}/)
  })

  it('refuses lexicons that refer to each other in a loop', () => {
    const message = problem((data) => {
      const lexicons = data.lexicons as Record<string, { phrases: string[] }>
      lexicons.weekday?.phrases.push('{soon} again')
    })
    assert.match(message, /loop/)
  })

  it('refuses named conditions that refer to each other in a loop', () => {
    const message = problem((data) => {
      const conditions = data.conditions as Record<string, { when: unknown }>
      if (conditions.ongoing) conditions.ongoing.when = { condition: 'ongoing' }
    })
    assert.match(message, /conditions refer to each other in a loop: ongoing -> ongoing/)
  })

  it('refuses a phrase that begins with a gap', () => {
    const message = problem((data) => {
      const lexicons = data.lexicons as Record<string, { phrases: string[] }>
      lexicons.soon?.phrases.push('... tonight')
    })
    assert.match(message, /cannot start or end with \.\.\./)
  })

  it('refuses the same rule id twice', () => {
    const message = problem((data) => {
      const rules = data.rules as unknown[]
      rules.push(structuredClone(rules[0]))
    })
    assert.match(message, /rule id "immediate-danger" is used twice/)
  })

  it('refuses a version not written as YYYY-MM-DD.N', () => {
    assert.match(
      problem((data) => {
        data.version = 'v2'
      }),
      /YYYY-MM-DD\.N/,
    )
  })

  it('refuses "out of scope" as the default priority', () => {
    assert.match(
      problem((data) => {
        data.default = { priority: 'out-of-scope', reason: 'x' }
      }),
      /default\.priority/,
    )
  })

  it('reports a rule file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-rules-'))
    const path = join(dir, 'rules.json')
    writeFileSync(path, '{ "version": ')
    try {
      assert.throws(() => loadRuleSet(path), RuleSetError)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('coverage of the shipped rules', () => {
  it('has a test above for every rule in content/triage/rules.json', () => {
    const untested = defaultRuleSet.rules.map((rule) => rule.id).filter((id) => !firedCodes.has(id))
    assert.deepEqual(untested, [])
  })
})

/** A minimal valid rule set, for testing the engine's own guarantees. */
function tinyRuleSet(overrides: Record<string, unknown>): TriageRuleSet {
  return parseRuleSet({
    version: '2026-01-01.1',
    matching: { maxGapWords: 3, typoMinWordLength: 8 },
    default: { priority: 'P3', reason: 'standard' },
    neverOutOfScope: {
      description: 'sexual words',
      reason: 'sexual element',
      when: { textMatches: ['sexual'] },
    },
    textSpeak: {},
    lexicons: {
      sexual: { description: 'sexual words', phrases: ['nude*'] },
      'self-harm': { description: 'self-harm', phrases: ['hurt myself'] },
      'self-harm-now': { description: 'self-harm now', phrases: ['{self-harm}'] },
      'happening-now': { description: 'now', phrases: ['right now'] },
      threat: { description: 'threats', phrases: ['or else'] },
    },
    conditions: {},
    rules: [
      {
        id: 'bullying',
        description: 'Bullying.',
        priority: 'out-of-scope',
        reason: 'bullying',
        when: { concernAny: ['bullying'] },
      },
    ],
    ...overrides,
  })
}
