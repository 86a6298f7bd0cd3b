import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { list, oneOf, readFormBody, someOf, text } from './form-fields.js'
import type { FormBody } from './journey.js'

describe('reading a form body', () => {
  it('keeps fields that are strings or lists of strings', () => {
    const body = readFormBody({ a: 'x', b: ['y', 'z'] })
    assert.deepEqual({ ...body }, { a: 'x', b: ['y', 'z'] })
  })

  it('treats no body as an empty form', () => {
    assert.deepEqual(readFormBody(undefined), {})
    assert.deepEqual(readFormBody(null), {})
  })

  it('refuses any other shape', () => {
    for (const body of [
      'audience=x',
      42,
      [1, 2],
      { a: 1 },
      { a: true },
      { a: null },
      { a: { b: 'c' } },
      { a: ['x', 2] },
      { a: [['x']] },
    ]) {
      assert.equal(readFormBody(body), undefined, JSON.stringify(body))
    }
  })

  it('never lets a field named __proto__ reach a prototype', () => {
    const body = readFormBody(JSON.parse('{"__proto__": "x", "constructor": "y"}'))
    assert.ok(body)
    assert.equal(Object.getPrototypeOf(body), null)
    assert.equal(text(body, '__proto__'), 'x')
    assert.equal(text(body, 'toString'), '', 'inherited names are not fields')
  })

  it('reads any value of any shape without throwing', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), (raw) => {
        const body = raw as unknown as FormBody
        for (const name of [...Object.keys(raw), 'missing', 'constructor']) {
          assert.equal(typeof text(body, name), 'string')
          assert.ok(list(body, name).every((v) => typeof v === 'string'))
          oneOf(body, name, ['a', 'b'])
          someOf(body, name, ['a', 'b'])
        }
      }),
    )
  })

  it('reads a repeated single field as its first value', () => {
    assert.equal(text({ a: [' first ', 'second'] }, 'a'), 'first')
    assert.deepEqual(list({ a: ['x', ' ', 'y'] }, 'a'), ['x', 'y'])
  })
})
