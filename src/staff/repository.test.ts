import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import type { Db } from '../db/db.js'
import * as repo from './repository.js'
import {
  createSession,
  findLiveSession,
  hashSessionId,
  readThrottle,
  recordFailures,
  rotateSession,
} from './session-repository.js'

const at = new Date('2026-11-30T10:00:00Z')
const later = (ms: number) => new Date(at.getTime() + ms)
const limits = { idleMinutes: 15, maxHours: 10 }

for (const database of testDatabases()) {
  describe(`staff accounts on ${database.name}`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    const newPerson = async (email = `${randomUUID()}@example.org`) => {
      const id = randomUUID()
      await repo.insertStaff(db, {
        id,
        email,
        name: 'Synthetic Person',
        roles: ['advisor'],
        createdAt: at,
      })
      return id
    }

    it('refuses a second account with the same email as a named domain error', async () => {
      await newPerson('same@example.org')
      await assert.rejects(newPerson('same@example.org'), repo.DuplicateEmailError)
    })

    it('refuses roles that do not exist', async () => {
      await assert.rejects(
        db.query(
          `INSERT INTO staff (id, email, name, roles, created_at) VALUES ($1, 'x@example.org', 'X', '{king}', now())`,
          [randomUUID()],
        ),
        /staff_roles_check/,
      )
    })

    it('uses a set-up link once, and only the latest one given out', async () => {
      const id = await newPerson()
      await repo.insertSetupLink(db, {
        tokenHash: 'old',
        staffId: id,
        createdAt: at,
        expiresAt: later(86_400_000),
      })
      await repo.insertSetupLink(db, {
        tokenHash: 'new',
        staffId: id,
        createdAt: at,
        expiresAt: later(86_400_000),
      })
      assert.equal(await repo.claimSetupLink(db, 'old', later(1000)), undefined, 'replaced')
      const claims = await Promise.all([
        repo.claimSetupLink(db, 'new', later(1000)),
        repo.claimSetupLink(db, 'new', later(1000)),
      ])
      assert.deepEqual(claims.filter(Boolean), [id], 'one claim wins')
      await repo.insertSetupLink(db, {
        tokenHash: 'late',
        staffId: id,
        createdAt: at,
        expiresAt: later(1000),
      })
      assert.equal(await repo.findLiveSetupLink(db, 'late', later(2000)), undefined, 'expired')
    })

    it('accepts an authenticator code’s time step only once', async () => {
      const id = await newPerson()
      const sealed = { keyId: 'k', wrappedKey: Buffer.from([1]), ciphertext: Buffer.from([2]) }
      await repo.saveTotp(db, id, sealed, at)
      assert.equal(await repo.useTotpStep(db, id, 100), true)
      assert.equal(await repo.useTotpStep(db, id, 100), false, 'the same code again')
      assert.equal(await repo.useTotpStep(db, id, 99), false, 'an older code')
      assert.equal(await repo.useTotpStep(db, id, 101), true)
      assert.deepEqual((await repo.findTotp(db, id))?.secret, sealed)
    })

    it('keeps several passkeys per person and removes them all on reset', async () => {
      const id = await newPerson()
      for (const n of [1, 2]) {
        await repo.insertPasskey(db, {
          credentialId: `cred-${id}-${n}`,
          staffId: id,
          publicKey: new Uint8Array([n, 2, 3]),
          signCount: 0,
          transports: ['internal'],
          createdAt: at,
        })
      }
      const keys = await repo.listPasskeys(db, id)
      assert.equal(keys.length, 2)
      assert.deepEqual([...(keys[1]?.publicKey ?? [])], [2, 2, 3])
      await repo.recordPasskeyUse(db, `cred-${id}-1`, 5, later(1000))
      assert.equal((await repo.findPasskey(db, `cred-${id}-1`))?.signCount, 5)
      assert.equal(await repo.hasSecondFactor(db, id), true)
      await repo.removeFactors(db, id)
      assert.equal(await repo.hasSecondFactor(db, id), false)
    })

    it('reads a session as live only while it is within its limits and the person is active', async () => {
      const id = await newPerson()
      await createSession(db, { idHash: 'a', staffId: id, stage: 'signed-in', now: at })
      assert.equal((await findLiveSession(db, 'a', later(14 * 60_000), limits))?.staff.id, id)
      assert.equal(await findLiveSession(db, 'a', later(30 * 60_000), limits), undefined, 'idle')
      assert.equal(await findLiveSession(db, 'a', later(1000), limits), undefined, 'deleted')

      await createSession(db, { idHash: 'b', staffId: id, stage: 'signed-in', now: at })
      await rotateSession(db, 'b', {
        newIdHash: hashSessionId('c'),
        stage: 'signed-in',
        factorVerifiedAt: at,
      })
      assert.equal(await findLiveSession(db, 'b', at, limits), undefined, 'the old id is gone')
      let now = at
      for (let i = 0; i < 60; i++) {
        now = new Date(now.getTime() + 10 * 60_000)
        assert.ok(await findLiveSession(db, hashSessionId('c'), now, limits))
      }
      now = new Date(now.getTime() + 10 * 60_000)
      assert.equal(
        await findLiveSession(db, hashSessionId('c'), now, limits),
        undefined,
        '10 hours',
      )

      await createSession(db, { idHash: 'd', staffId: id, stage: 'signed-in', now: at })
      await repo.setStatus(db, id, 'disabled')
      assert.equal(await findLiveSession(db, 'd', at, limits), undefined, 'disabled')
    })

    it('counts sign-in failures per key', async () => {
      await recordFailures(db, ['account:x', 'address:y'], at)
      await recordFailures(db, ['account:x'], later(1000))
      const state = await readThrottle(db, ['account:x', 'address:y', 'account:z'])
      assert.equal(state.get('account:x')?.failures, 2)
      assert.equal(state.get('address:y')?.failures, 1)
      assert.equal(state.has('account:z'), false)
    })
  })
}
