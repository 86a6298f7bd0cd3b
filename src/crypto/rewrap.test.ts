import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import { insertQueuedReport } from '../../test/queue.js'
import type { KeyRingConfig } from '../config.js'
import type { Db } from '../db/db.js'
import { enqueue } from '../outbox/repository.js'
import { findSealedAnswers } from '../reports/repository.js'
import { draftRepository } from '../reports/drafts.js'
import { createEnvelope } from './envelope.js'
import { recordsUnderOtherKeys, rewrapSealedRecords, SEALED_COLUMNS } from './rewrap.js'

const ring = (active: string, keys: Record<string, Buffer>): KeyRingConfig => ({
  activeKeyId: active,
  keys: new Map(Object.entries(keys)),
})

for (const database of testDatabases()) {
  describe(`re-wrapping sealed records under the active key, on ${database.name}`, () => {
    let db: Db
    const keys = { old: randomBytes(32), new: randomBytes(32) }
    const underOld = createEnvelope(ring('old', keys))
    const rotated = createEnvelope(ring('new', keys))
    const newOnly = createEnvelope(ring('new', { new: keys.new }))

    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    it('lists every sealed column the schema has', async () => {
      const rows = await db.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND data_type = 'bytea'
            AND column_name LIKE '%wrapped%'`,
      )
      const listed = new Set(SEALED_COLUMNS.map((c) => `${c.table}.${c.wrappedKey}`))
      const found = rows.map((r) => `${r.table_name}.${r.column_name}`)
      assert.ok(found.length >= SEALED_COLUMNS.length, found.join(', '))
      assert.deepEqual(
        found.filter((f) => !listed.has(f)),
        [],
        'a sealed column rewrapSealedRecords does not know',
      )
    })

    it('re-wraps each record once, so the old key can go, and every record still opens', async () => {
      const report = await insertQueuedReport(db, underOld, {})
      const drafts = draftRepository(underOld)
      const idHash = randomUUID().replaceAll('-', '')
      const at = new Date()
      await drafts.save(db, idHash, { 'who-are-you': { audience: 'young-person' } }, at, at)
      // A sent draft keeps its key's id with nothing sealed: there is nothing to re-wrap.
      const sentHash = randomUUID().replaceAll('-', '')
      await drafts.save(db, sentHash, {}, at, at)
      await db.query(
        `UPDATE report_drafts SET report_id = $2, wrapped_data_key = '', answers_ciphertext = ''
          WHERE id_hash = $1`,
        [sentHash, report.id],
      )
      const messageId = randomUUID()
      const words = underOld.seal('{"to":"a@example.org","subject":"s","text":"t"}', messageId)
      await enqueue(db, {
        id: messageId,
        purpose: 'reporter-message',
        reportId: report.id,
        channel: 'email',
        maxAttempts: 8,
        availableAt: at,
        createdAt: at,
        createdBy: 'test',
        payload: words,
      })
      const before = await recordsUnderOtherKeys(db, 'new')
      assert.equal(before.get('reports'), 1)
      assert.equal(before.get('report_drafts'), 1)
      assert.equal(before.get('outbox_messages'), 1)

      const counts = await rewrapSealedRecords(db, rotated)
      assert.equal(counts.get('reports'), 1)
      assert.equal(counts.get('outbox_messages'), 1)
      assert.deepEqual(
        [...(await recordsUnderOtherKeys(db, 'new')).values()].filter((n) => n > 0),
        [],
        'nothing is left under the old key',
      )
      assert.equal((await rewrapSealedRecords(db, rotated)).get('reports'), 0, 'run again')

      // Without the old key at all, every record still opens as it was sealed.
      const sealed = await findSealedAnswers(db, report.id)
      assert.ok(sealed)
      assert.equal(sealed.keyId, 'new')
      assert.match(newOnly.open(sealed, `report:${report.id}`), /Sam Synthetic/)
      const draft = await draftRepository(newOnly).find(db, idHash, new Date(at.getTime() - 1))
      assert.deepEqual(draft?.answers['who-are-you'], { audience: 'young-person' })
      const [message] = await db.query<{ key_id: string; wrapped: Uint8Array; body: Uint8Array }>(
        `SELECT key_id, wrapped_data_key AS wrapped, payload_ciphertext AS body
           FROM outbox_messages WHERE id = $1`,
        [messageId],
      )
      assert.ok(message)
      const opened = newOnly.open(
        {
          keyId: message.key_id,
          wrappedKey: Buffer.from(message.wrapped),
          ciphertext: Buffer.from(message.body),
        },
        messageId,
      )
      assert.match(opened, /a@example.org/)
      assert.deepEqual(Buffer.from(message.body), words.ciphertext, 'the ciphertext is unchanged')
    })
  })
}
