import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkSyntheticAnswers } from './synthetic-answers.js'

describe("bench:queue's synthetic answers", () => {
  it('walk the real form to its end for every audience, at 9 and at 14', () => {
    assert.doesNotThrow(checkSyntheticAnswers)
  })
})
