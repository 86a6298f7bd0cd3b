import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeCursor, encodeCursor } from './cursor.js'

const position = {
  priorityRank: 2,
  deadline: '2027-01-14T13:00:00.123456+00:00',
  id: '0b7c2a4e-1f1d-4c36-9a51-0c3a0d6f1e22',
}

describe('queue cursor', () => {
  it('reads back the position it was made from', () => {
    assert.deepEqual(decodeCursor(encodeCursor(position)), position)
  })

  it('is URL-safe', () => {
    assert.match(encodeCursor(position), /^[\w-]+$/)
  })

  it('refuses anything that is not a cursor', () => {
    const bad = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const cursor of [
      '',
      'not a cursor',
      'x'.repeat(300),
      bad({ priorityRank: 1 }),
      bad([0, position.deadline, position.id]),
      bad([5, position.deadline, position.id]),
      bad([1.5, position.deadline, position.id]),
      bad([1, 'yesterday', position.id]),
      bad([1, position.deadline, 'not-a-uuid']),
      bad([1, position.deadline, position.id, 'extra']),
    ]) {
      assert.equal(decodeCursor(cursor), undefined, cursor)
    }
  })
})
