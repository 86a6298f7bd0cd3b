import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import { testSecrets } from '../../test/app.js'
import { appendForgedEvent, auditEvent, behindTheTriggers, idAtSeal } from '../../test/audit.js'
import { testDatabases } from '../../test/db.js'
import type { Db } from '../db/db.js'
import { chainHash, checkpointKey, checkpointMac, GENESIS_HASH } from './chain.js'
import { recordAuditEvent } from './repository.js'
import {
  adoptAuditChain,
  AuditChainError,
  sealAllAuditEvents,
  sealAuditEvents,
  verifyAuditChain,
} from './sealing.js'

const at = new Date('2026-11-24T10:00:00Z')
const event = auditEvent
const keys = testSecrets().encryptionKeys

describe('the audit chain hash', () => {
  const row = { id: 1, ...event(1) }

  it('changes when any field or the previous hash changes', () => {
    const hash = chainHash(GENESIS_HASH, row)
    assert.match(hash, /^[0-9a-f]{64}$/)
    assert.notEqual(chainHash('1'.repeat(64), row), hash)
    assert.notEqual(chainHash(GENESIS_HASH, { ...row, actor: 'staff:someone' }), hash)
    assert.notEqual(chainHash(GENESIS_HASH, { ...row, details: { ...row.details, n: 2 } }), hash)
  })

  it('does not depend on the order of keys in the details', () => {
    const reordered = { ...row, details: { priority: 'P2', n: 1, source: 'form' } }
    assert.equal(chainHash(GENESIS_HASH, reordered), chainHash(GENESIS_HASH, row))
  })

  it('makes checkpoint MACs that change with the head, the time, the key id and the key', () => {
    const key = checkpointKey(randomBytes(32))
    const checkpoint = { sealSeq: 7, hash: 'a'.repeat(64), recordedAt: at, keyId: 'k1' }
    const mac = checkpointMac(key, checkpoint)
    assert.match(mac, /^[0-9a-f]{64}$/)
    for (const changed of [
      { ...checkpoint, sealSeq: 8 },
      { ...checkpoint, hash: 'b'.repeat(64) },
      { ...checkpoint, recordedAt: new Date(at.getTime() + 1) },
      { ...checkpoint, keyId: 'k2' },
    ]) {
      assert.notEqual(checkpointMac(key, changed), mac)
    }
    assert.notEqual(checkpointMac(checkpointKey(randomBytes(32)), checkpoint), mac)
  })
})

for (const database of testDatabases()) {
  describe(`the audit trail on ${database.name}`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    it('seals new events into one chain, batch after batch, and verifies it', async () => {
      for (let n = 1; n <= 5; n++) await recordAuditEvent(db, event(n))
      assert.deepEqual(await verifyAuditChain(db, keys), {
        sealed: 0,
        unsealed: 5,
        checkpointedTo: 0,
        brokenAt: null,
      })
      assert.equal(await sealAuditEvents(db, keys, 3), 3)
      assert.equal(await sealAuditEvents(db, keys, 3), 2)
      assert.equal(await sealAuditEvents(db, keys), 0)
      for (let n = 6; n <= 7; n++) await recordAuditEvent(db, event(n))
      assert.equal(await sealAuditEvents(db, keys), 2)
      assert.deepEqual(await verifyAuditChain(db, keys, 3), {
        sealed: 7,
        unsealed: 0,
        checkpointedTo: 7,
        brokenAt: null,
      })
      const checkpoints = await db.query<{ seal_seq: number }>(
        'SELECT seal_seq FROM audit_checkpoints ORDER BY seal_seq',
      )
      assert.deepEqual(
        checkpoints.map((c) => c.seal_seq),
        [3, 5, 7],
      )
    })

    it('seals a backlog larger than one batch in one go', async () => {
      for (let n = 100; n < 107; n++) await recordAuditEvent(db, event(n))
      assert.equal(await sealAllAuditEvents(db, keys, 3), 7)
      assert.deepEqual(await verifyAuditChain(db, keys), {
        sealed: 14,
        unsealed: 0,
        checkpointedTo: 14,
        brokenAt: null,
      })
    })

    it('refuses to change, delete or truncate an event or a checkpoint, sealed or not', async () => {
      await recordAuditEvent(db, event(8))
      for (const sql of [
        `UPDATE audit_events SET details = '{}'::jsonb WHERE subject_id = 'report-8'`,
        `UPDATE audit_events SET actor = 'someone else' WHERE subject_id = 'report-1'`,
        `UPDATE audit_events SET hash = repeat('0', 64) WHERE subject_id = 'report-1'`,
        `DELETE FROM audit_events WHERE subject_id = 'report-2'`,
        'TRUNCATE audit_events',
        `UPDATE audit_checkpoints SET hash = repeat('0', 64)`,
        'DELETE FROM audit_checkpoints',
        'TRUNCATE audit_checkpoints',
      ]) {
        await assert.rejects(db.query(sql), /append-only/, sql)
      }
      await sealAuditEvents(db, keys)
      assert.equal((await verifyAuditChain(db, keys)).brokenAt, null)
    })
  })

  describe(`audit:verify on ${database.name}, against tampering by the tables' owner`, () => {
    // One database for the suite (opening one is slow); each test starts from the same six
    // events, sealed in two batches of three, so checkpoints stand at seals 3 and 6.
    let db: Db
    before(async () => {
      db = await database.open()
    })
    beforeEach(async () => {
      await behindTheTriggers(db, async (tx) => {
        await tx.query('DELETE FROM audit_checkpoints')
        await tx.query('DELETE FROM audit_events')
      })
      for (let n = 1; n <= 6; n++) await recordAuditEvent(db, event(n))
      await sealAllAuditEvents(db, keys, 3)
    })
    after(() => db.close())

    it('names an edited event', async () => {
      const id = await idAtSeal(db, 2)
      await behindTheTriggers(db, async (tx) => {
        await tx.query(`UPDATE audit_events SET details = '{"source":"api"}' WHERE id = $1`, [id])
      })
      const check = await verifyAuditChain(db, keys)
      assert.deepEqual(check.brokenAt, { reason: 'changed', sealSeq: 2, id })
      assert.equal(check.sealed, 1)
    })

    it('names the checkpoint after an edited event whose seals were all made again', async () => {
      await behindTheTriggers(db, async (tx) => {
        await tx.query(`UPDATE audit_events SET actor = 'staff:someone' WHERE seal_seq = 2`)
        const rows = await tx.query<{ id: number; seal_seq: number }>(
          `SELECT id, occurred_at AS "occurredAt", actor, event, subject_type AS "subjectType",
                  subject_id AS "subjectId", details, seal_seq
             FROM audit_events WHERE seal_seq IS NOT NULL ORDER BY seal_seq`,
        )
        let previous = GENESIS_HASH
        for (const row of rows) {
          const hash = chainHash(previous, row as never)
          await tx.query('UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE id = $3', [
            previous,
            hash,
            row.id,
          ])
          previous = hash
        }
      })
      const check = await verifyAuditChain(db, keys)
      assert.deepEqual(check.brokenAt, {
        reason: 'checkpoint',
        sealSeq: 3,
        id: await idAtSeal(db, 3),
      })
    })

    it('names an event inserted with a seal that chains onto the last one', async () => {
      let forged = { id: 0, seq: 0 }
      await behindTheTriggers(db, async (tx) => {
        forged = await appendForgedEvent(tx)
      })
      assert.deepEqual((await verifyAuditChain(db, keys)).brokenAt, {
        reason: 'unrecorded',
        sealSeq: 7,
        id: forged.id,
      })
      // The sealer will not chain new events onto it, which would vouch for it.
      await recordAuditEvent(db, event(7))
      await assert.rejects(sealAuditEvents(db, keys), AuditChainError)
    })

    it('names a checkpoint forged to cover an inserted event', async () => {
      await behindTheTriggers(db, async (tx) => {
        const forged = await appendForgedEvent(tx)
        const [row] = await tx.query<{ hash: string }>(
          'SELECT hash FROM audit_events WHERE id = $1',
          [forged.id],
        )
        const checkpoint = {
          sealSeq: forged.seq,
          hash: row?.hash ?? '',
          recordedAt: new Date(),
          keyId: keys.activeKeyId,
        }
        await tx.query(
          `INSERT INTO audit_checkpoints (seal_seq, hash, recorded_at, key_id, mac)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            checkpoint.sealSeq,
            checkpoint.hash,
            checkpoint.recordedAt,
            checkpoint.keyId,
            checkpointMac(checkpointKey(randomBytes(32)), checkpoint),
          ],
        )
      })
      const check = await verifyAuditChain(db, keys)
      assert.equal(check.brokenAt?.reason, 'checkpoint')
      assert.equal(check.brokenAt.sealSeq, 7)
    })

    it('names an event deleted from the middle of the chain', async () => {
      await behindTheTriggers(db, async (tx) => {
        await tx.query('DELETE FROM audit_events WHERE seal_seq = 4')
      })
      assert.deepEqual((await verifyAuditChain(db, keys)).brokenAt, {
        reason: 'missing',
        sealSeq: 4,
        id: null,
      })
    })

    it('names the last event, deleted', async () => {
      await behindTheTriggers(db, async (tx) => {
        await tx.query('DELETE FROM audit_events WHERE seal_seq = 6')
      })
      const check = await verifyAuditChain(db, keys)
      assert.deepEqual(check.brokenAt, { reason: 'missing', sealSeq: 6, id: null })
      assert.equal(check.sealed, 5)
    })

    it('verifies checkpoints made with an older key while it stays in the ring', async () => {
      const rotated = {
        activeKeyId: 'next',
        keys: new Map([...keys.keys, ['next', randomBytes(32)]]),
      }
      await recordAuditEvent(db, event(7))
      assert.equal(await sealAuditEvents(db, rotated), 1)
      assert.equal((await verifyAuditChain(db, rotated)).brokenAt, null)
      // The ring without the new key cannot vouch for the checkpoint made with it.
      assert.deepEqual((await verifyAuditChain(db, keys)).brokenAt, {
        reason: 'unknown-key',
        sealSeq: 7,
        id: await idAtSeal(db, 7),
      })
    })

    it('names a checkpoint made with a key no longer configured', async () => {
      const otherKeys = { activeKeyId: 'other', keys: new Map([['other', randomBytes(32)]]) }
      const check = await verifyAuditChain(db, otherKeys)
      assert.deepEqual(check.brokenAt, {
        reason: 'unknown-key',
        sealSeq: 3,
        id: await idAtSeal(db, 3),
      })
    })

    it('adopts, on request only, a chain sealed before checkpoints existed', async () => {
      // As an install sealed before migration 005 looks: a chain and no checkpoints.
      await behindTheTriggers(db, async (tx) => {
        await tx.query('DELETE FROM audit_checkpoints')
      })
      assert.deepEqual((await verifyAuditChain(db, keys)).brokenAt, {
        reason: 'unrecorded',
        sealSeq: 1,
        id: await idAtSeal(db, 1),
      })
      await recordAuditEvent(db, event(7))
      await assert.rejects(sealAuditEvents(db, keys), AuditChainError)
      assert.equal(await adoptAuditChain(db, keys), 6)
      assert.equal(await sealAuditEvents(db, keys), 1)
      assert.deepEqual(await verifyAuditChain(db, keys), {
        sealed: 7,
        unsealed: 0,
        checkpointedTo: 7,
        brokenAt: null,
      })
      await assert.rejects(adoptAuditChain(db, keys), /already has checkpoints/)
    })

    it('does not adopt a broken chain', async () => {
      await behindTheTriggers(db, async (tx) => {
        await tx.query('DELETE FROM audit_checkpoints')
        await tx.query(`UPDATE audit_events SET event = 'report.viewed' WHERE seal_seq = 5`)
      })
      await assert.rejects(adoptAuditChain(db, keys), /broken at seal 5/)
      assert.equal((await db.query('SELECT 1 FROM audit_checkpoints')).length, 0)
    })
  })
}
