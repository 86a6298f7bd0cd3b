import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { staffDateFormat } from './dates.js'

describe('times on staff pages', () => {
  const london = staffDateFormat('Europe/London')

  it('are on the office clock, named GMT in winter and BST in summer', () => {
    assert.equal(london(new Date('2027-01-14T09:05:00Z')), '14 Jan 2027, 09:05 GMT')
    assert.equal(london(new Date('2027-07-03T22:40:00Z')), '3 Jul 2027, 23:40 BST')
  })

  it('name the day after midnight on the office clock, not on UTC', () => {
    assert.equal(london(new Date('2027-06-30T23:30:00Z')), '1 Jul 2027, 00:30 BST')
  })

  it('are blank for anything that is not a time', () => {
    assert.equal(london(undefined), '')
    assert.equal(london('2027-01-14'), '')
  })
})
