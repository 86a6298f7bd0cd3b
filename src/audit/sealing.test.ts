import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import type { Db } from '../db/db.js'
import { chainHash, GENESIS_HASH } from './chain.js'
import { recordAuditEvent } from './repository.js'
import { sealAllAuditEvents, sealAuditEvents, verifyAuditChain } from './sealing.js'

const at = new Date('2026-11-24T10:00:00Z')
const event = (n: number) => ({
  occurredAt: new Date(at.getTime() + n * 1000),
  actor: 'public:form',
  event: 'report.received',
  subjectType: 'report',
  subjectId: `report-${n}`,
  details: { source: 'form', n, priority: 'P2' },
})

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
      assert.deepEqual(await verifyAuditChain(db), { sealed: 0, unsealed: 5, brokenAt: null })
      assert.equal(await sealAuditEvents(db, 3), 3)
      assert.equal(await sealAuditEvents(db, 3), 2)
      assert.equal(await sealAuditEvents(db), 0)
      for (let n = 6; n <= 7; n++) await recordAuditEvent(db, event(n))
      assert.equal(await sealAuditEvents(db), 2)
      assert.deepEqual(await verifyAuditChain(db, 3), { sealed: 7, unsealed: 0, brokenAt: null })
    })

    it('seals a backlog larger than one batch in one go', async () => {
      for (let n = 100; n < 107; n++) await recordAuditEvent(db, event(n))
      assert.equal(await sealAllAuditEvents(db, 3), 7)
      assert.deepEqual(await verifyAuditChain(db), { sealed: 14, unsealed: 0, brokenAt: null })
    })

    it('refuses to change or delete an event, sealed or not', async () => {
      await recordAuditEvent(db, event(8))
      for (const sql of [
        `UPDATE audit_events SET details = '{}'::jsonb WHERE subject_id = 'report-8'`,
        `UPDATE audit_events SET actor = 'someone else' WHERE subject_id = 'report-1'`,
        `UPDATE audit_events SET hash = repeat('0', 64) WHERE subject_id = 'report-1'`,
        `DELETE FROM audit_events WHERE subject_id = 'report-2'`,
      ]) {
        await assert.rejects(db.query(sql), /append-only/, sql)
      }
      await sealAuditEvents(db)
      assert.equal((await verifyAuditChain(db)).brokenAt, null)
    })

    it('finds the first event changed behind the trigger’s back', async () => {
      await db.transaction(async (tx) => {
        await tx.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only')
        await tx.query(
          `UPDATE audit_events SET details = '{"source":"api"}'::jsonb WHERE subject_id = 'report-4'`,
        )
        await tx.exec('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only')
      })
      const [changed] = await db.query<{ id: number }>(
        `SELECT id FROM audit_events WHERE subject_id = 'report-4'`,
      )
      const check = await verifyAuditChain(db)
      assert.equal(check.brokenAt?.id, changed?.id)
      assert.equal(check.brokenAt?.sealSeq, 4)
    })
  })
}
