import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  defineJourney,
  furthestPage,
  isReachable,
  pageAfter,
  previousPage,
  prune,
  saveAnswer,
  walk,
  type JourneyAnswers,
  type JourneyPage,
} from './journey.js'

/**
 * A small synthetic journey about a pet: name -> pet -> (cat-food | dog-walks | nothing) ->
 * contact -> check. The contact page asks differently depending on the pet.
 */
const page = (slug: string, next: JourneyPage['next'], dependsOn: string[] = []): JourneyPage => ({
  slug,
  dependsOn,
  parse: (body) => ({ ok: true, value: { ...body } }),
  next,
})

const kind = (answers: JourneyAnswers) => answers.pet?.kind
const pets = defineJourney('name', 'check', [
  page('name', () => 'pet'),
  page('pet', (a) =>
    kind(a) === 'cat' ? 'cat-food' : kind(a) === 'dog' ? 'dog-walks' : 'contact',
  ),
  page('cat-food', () => 'contact'),
  page('dog-walks', () => 'contact'),
  page('contact', () => 'check', ['pet']),
])

const catAnswers: JourneyAnswers = {
  name: { name: 'Tibbles' },
  pet: { kind: 'cat' },
  'cat-food': { food: 'fish' },
  contact: { email: 'owner@example.com' },
}

describe('walking a journey', () => {
  it('starts at the first page when nothing is answered', () => {
    assert.deepEqual(walk(pets, {}), { path: ['name'], complete: false })
  })

  it('walks through answered pages and stops at the first unanswered one', () => {
    const answers = { name: { name: 'Tibbles' }, pet: { kind: 'dog' } }
    assert.deepEqual(walk(pets, answers), {
      path: ['name', 'pet', 'dog-walks'],
      complete: false,
    })
  })

  it('follows the branch the answers choose, skipping the others', () => {
    assert.deepEqual(walk(pets, { name: {}, pet: { kind: 'none' }, contact: {} }), {
      path: ['name', 'pet', 'contact'],
      complete: true,
    })
  })

  it('is complete when every page on the path is answered', () => {
    assert.deepEqual(walk(pets, catAnswers), {
      path: ['name', 'pet', 'cat-food', 'contact'],
      complete: true,
    })
  })

  it('ignores an answer to a page on a branch that was not chosen', () => {
    const answers = { ...catAnswers, 'dog-walks': { walks: '2' } }
    assert.deepEqual(walk(pets, answers).path, ['name', 'pet', 'cat-food', 'contact'])
  })
})

describe('which pages a person may open', () => {
  it('opens the first page and nothing after it when nothing is answered', () => {
    assert.equal(isReachable(pets, {}, 'name'), true)
    for (const slug of ['pet', 'cat-food', 'dog-walks', 'contact', 'check'])
      assert.equal(isReachable(pets, {}, slug), false, slug)
  })

  it('opens answered pages and the next unanswered one, but not a page beyond it', () => {
    const answers = { name: {}, pet: { kind: 'cat' } }
    assert.equal(isReachable(pets, answers, 'name'), true)
    assert.equal(isReachable(pets, answers, 'pet'), true)
    assert.equal(isReachable(pets, answers, 'cat-food'), true)
    assert.equal(isReachable(pets, answers, 'contact'), false)
  })

  it('does not open a page on a branch the answers did not choose', () => {
    assert.equal(isReachable(pets, catAnswers, 'dog-walks'), false)
  })

  it('opens the end only when every page on the path is answered', () => {
    assert.equal(isReachable(pets, { ...catAnswers, contact: undefined }, 'check'), false)
    assert.equal(isReachable(pets, catAnswers, 'check'), true)
  })

  it('sends someone who skips ahead to the first unanswered page', () => {
    assert.equal(furthestPage(pets, {}), 'name')
    assert.equal(furthestPage(pets, { name: {}, pet: { kind: 'dog' } }), 'dog-walks')
  })

  it('sends someone who has answered everything to the end', () => {
    assert.equal(furthestPage(pets, catAnswers), 'check')
  })
})

describe('back links', () => {
  it('gives the first page no previous page', () => {
    assert.equal(previousPage(pets, catAnswers, 'name'), undefined)
  })

  it('goes back along the branch that was taken', () => {
    assert.equal(previousPage(pets, catAnswers, 'cat-food'), 'pet')
    assert.equal(previousPage(pets, catAnswers, 'contact'), 'cat-food')
    const noPet = { name: {}, pet: { kind: 'none' }, contact: {} }
    assert.equal(previousPage(pets, noPet, 'contact'), 'pet')
  })

  it('goes back from the end to the last page on the path', () => {
    assert.equal(previousPage(pets, catAnswers, 'check'), 'contact')
  })

  it('gives a page off the path no previous page', () => {
    assert.equal(previousPage(pets, catAnswers, 'dog-walks'), undefined)
  })
})

describe('dropping answers a changed branch left behind', () => {
  it('drops the cat-food answer when the pet is changed to none', () => {
    const answers = saveAnswer(pets, catAnswers, 'pet', { kind: 'none' })
    assert.equal(answers['cat-food'], undefined)
    assert.deepEqual(answers.name, { name: 'Tibbles' })
  })

  it('drops an answer to a page that is not on the path at all', () => {
    const answers = prune(pets, { ...catAnswers, 'dog-walks': { walks: '2' } })
    assert.deepEqual(Object.keys(answers).sort(), ['cat-food', 'contact', 'name', 'pet'])
  })

  it('keeps the answers after a page that a new branch opened', () => {
    const noPet = { name: { name: 'Rex' }, pet: { kind: 'none' }, contact: { email: 'a@b.c' } }
    const pruned = prune(pets, { ...noPet, pet: { kind: 'dog' } })
    assert.deepEqual(pruned.contact, { email: 'a@b.c' })
    assert.equal(walk(pets, pruned).complete, false)
  })

  it('drops the answer of a page that depends on an answer that changed', () => {
    const answers = saveAnswer(pets, catAnswers, 'pet', { kind: 'dog' })
    assert.equal(answers.contact, undefined)
    assert.equal(answers['cat-food'], undefined)
  })

  it('keeps a dependent answer when the same answer is given again', () => {
    const answers = saveAnswer(pets, catAnswers, 'pet', { kind: 'cat' })
    assert.deepEqual(answers, catAnswers)
  })
})

describe('the page after a good answer', () => {
  it('is the next page on the path when not changing an answer', () => {
    const answers = { name: {}, pet: { kind: 'dog' } }
    assert.equal(pageAfter(pets, answers, 'pet', false), 'dog-walks')
    assert.equal(pageAfter(pets, catAnswers, 'contact', false), 'check')
  })

  it('returns to the end when a change leaves the journey complete', () => {
    const answers = saveAnswer(pets, catAnswers, 'name', { name: 'Whiskers' })
    assert.equal(pageAfter(pets, answers, 'name', true), 'check')
  })

  it('goes to the first unanswered page when a change opens a new branch, then to the end', () => {
    const noPet = { name: {}, pet: { kind: 'none' }, contact: {} }
    const changed = prune(pets, { ...noPet, pet: { kind: 'cat' } })
    assert.equal(pageAfter(pets, changed, 'pet', true), 'cat-food')
    const answered = saveAnswer(pets, changed, 'cat-food', { food: 'fish' })
    assert.equal(pageAfter(pets, answered, 'cat-food', true), 'check')
  })

  it('refuses to say what comes after a page the journey does not have', () => {
    assert.throws(() => pageAfter(pets, catAnswers, 'hamster', false), /Unknown page "hamster"/)
  })
})

describe('mistakes in a journey definition', () => {
  it('refuses a journey whose start is not one of its pages', () => {
    assert.throws(() => defineJourney('nowhere', 'check', [page('a', () => 'check')]), /nowhere/)
  })

  it('reports a page that names a page the journey does not have', () => {
    const broken = defineJourney('a', 'end', [page('a', () => 'b')])
    assert.throws(() => walk(broken, { a: {} }), /unknown page "b"/)
  })

  it('reports a journey that loops back to a page already on the path', () => {
    const looping = defineJourney('a', 'end', [page('a', () => 'b'), page('b', () => 'a')])
    assert.throws(() => walk(looping, { a: {}, b: {} }), /loops at "a"/)
  })

  it('reports a loop beyond the first unanswered page when dropping answers', () => {
    const looping = defineJourney('a', 'end', [page('a', () => 'b'), page('b', () => 'a')])
    assert.throws(() => prune(looping, {}), /loops at "a"/)
  })
})
