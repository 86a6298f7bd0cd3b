import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { createEnvelope, generateKey, type Sealed } from './envelope.js'

const key = () => randomBytes(32)
const ring = (activeKeyId: string, keys: Record<string, Buffer>) => ({
  activeKeyId,
  keys: new Map(Object.entries(keys)),
})

const first = key()
const second = key()
const envelope = createEnvelope(ring('2026-01', { '2026-01': first }))
const MESSAGE = 'Synthetic answers: a name, a town, an email address'

/** A copy of the sealed value with one bit flipped in the named part. */
function flipped(sealed: Sealed, part: 'wrappedKey' | 'ciphertext', at: number): Sealed {
  const bytes = Buffer.from(sealed[part])
  bytes[at] = (bytes[at] ?? 0) ^ 0x01
  return { ...sealed, [part]: bytes }
}

describe('envelope encryption', () => {
  it('opens what it sealed, with the same associated data', () => {
    const sealed = envelope.seal(MESSAGE, 'report:1')
    assert.equal(envelope.open(sealed, 'report:1'), MESSAGE)
  })

  it('names the active key and hides the plaintext', () => {
    const sealed = envelope.seal(MESSAGE, 'report:1')
    assert.equal(sealed.keyId, '2026-01')
    assert.equal(sealed.ciphertext.includes(Buffer.from('town')), false)
    assert.equal(sealed.wrappedKey.length, 12 + 16 + 32)
  })

  it('seals the same text differently each time', () => {
    const a = envelope.seal(MESSAGE, 'report:1')
    const b = envelope.seal(MESSAGE, 'report:1')
    assert.notDeepEqual(a.ciphertext, b.ciphertext)
    assert.notDeepEqual(a.wrappedKey, b.wrappedKey)
  })

  it('keeps text outside ASCII intact', () => {
    const text = 'Zoë, Łódź, 東京 and an emoji 🙂'
    assert.equal(envelope.open(envelope.seal(text, 'x'), 'x'), text)
  })

  it('refuses to open a ciphertext moved to another record (wrong associated data)', () => {
    const sealed = envelope.seal(MESSAGE, 'report:1')
    assert.throws(() => envelope.open(sealed, 'report:2'), /unable to authenticate/i)
  })

  it('refuses to open a ciphertext with any part tampered with', () => {
    const sealed = envelope.seal(MESSAGE, 'report:1')
    for (const at of [0, 12, 28, sealed.ciphertext.length - 1]) {
      assert.throws(() => envelope.open(flipped(sealed, 'ciphertext', at), 'report:1'), `at ${at}`)
    }
    assert.throws(() => envelope.open(flipped(sealed, 'wrappedKey', 40), 'report:1'))
  })

  it('refuses to open a data key wrapped under one key id but labelled with another', () => {
    const both = createEnvelope(ring('a', { a: first, b: first }))
    const sealed = both.seal(MESSAGE, 'report:1')
    assert.throws(() => both.open({ ...sealed, keyId: 'b' }, 'report:1'))
  })

  it('keeps opening after the data key is rewrapped under a new active key', () => {
    const sealed = envelope.seal(MESSAGE, 'report:1')
    const rotated = createEnvelope(ring('2026-07', { '2026-01': first, '2026-07': second }))
    assert.equal(rotated.open(sealed, 'report:1'), MESSAGE)

    const rewrapped = rotated.rewrap(sealed)
    assert.equal(rewrapped.keyId, '2026-07')
    assert.deepEqual(rewrapped.ciphertext, sealed.ciphertext)
    assert.equal(rotated.open(rewrapped, 'report:1'), MESSAGE)

    const oldKeyRetired = createEnvelope(ring('2026-07', { '2026-07': second }))
    assert.equal(oldKeyRetired.open(rewrapped, 'report:1'), MESSAGE)
    assert.throws(() => oldKeyRetired.open(sealed, 'report:1'))
  })

  it('says which key id it does not have', () => {
    const sealed = envelope.seal(MESSAGE, 'report:1')
    const other = createEnvelope(ring('other', { other: second }))
    assert.throws(() => other.open(sealed, 'report:1'), {
      message: 'No encryption key with id 2026-01 is configured',
    })
  })

  it('generates 32-byte keys as base64', () => {
    const generated = generateKey()
    assert.equal(Buffer.from(generated, 'base64').length, 32)
    assert.notEqual(generateKey(), generated)
  })
})
