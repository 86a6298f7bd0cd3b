import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import { insertQueuedReport } from '../../test/queue.js'
import { createEnvelope } from '../crypto/envelope.js'
import type { Db } from '../db/db.js'
import * as outbox from './repository.js'
import { outboxWorker, type PurposeHandler } from './worker.js'

const envelope = createEnvelope({ activeKeyId: 'k', keys: new Map([['k', randomBytes(32)]]) })
const ignore = (): void => undefined
const silent = { info: ignore, warn: ignore, error: ignore }

/** A receiver that counts what arrives by message id, as a partner's system would. */
function countingHandler(options: { delayMs?: number } = {}) {
  const sends = new Map<string, number>()
  const handler: PurposeHandler = {
    async send(message) {
      sends.set(message.id, (sends.get(message.id) ?? 0) + 1)
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs))
      return { channel: 'email', acknowledged: false }
    },
  }
  return { sends, handler }
}

const handlersOf = (handler: PurposeHandler) => ({
  referral: handler,
  'reporter-acknowledgement': handler,
  'reporter-message': handler,
})

async function writeMessages(db: Db, count: number, at: Date): Promise<string[]> {
  const report = await insertQueuedReport(db, envelope)
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const id = randomUUID()
    ids.push(id)
    await outbox.enqueue(db, {
      id,
      purpose: 'reporter-message',
      reportId: report.id,
      channel: 'email',
      maxAttempts: 3,
      availableAt: at,
      createdAt: at,
      createdBy: 'test',
      payload: envelope.seal('{}', `outbox:${id}`),
    })
  }
  return ids
}

for (const database of testDatabases()) {
  describe(`the outbox worker (${database.name})`, () => {
    let db: Db
    before(async () => {
      db = await database.open()
    })
    after(() => db.close())

    it('two workers running at once send every message exactly once', async () => {
      const now = () => new Date()
      const ids = await writeMessages(db, 60, new Date(Date.now() - 1000))
      const { sends, handler } = countingHandler({ delayMs: 2 })
      const workers = [1, 2].map(() =>
        outboxWorker({ db, now, log: silent, handlers: handlersOf(handler), batchSize: 5 }),
      )
      const drain = async (worker: (typeof workers)[number]) => {
        while ((await worker.runOnce()) > 0) {
          // keep going until nothing is due
        }
      }
      await Promise.all(workers.map(drain))
      assert.equal(sends.size, ids.length, 'every message sent')
      assert.deepEqual([...new Set(sends.values())], [1], 'none sent twice')
      assert.equal(await outbox.undeliveredCount(db), 0)
    })

    it('takes up a crashed worker’s message when its lease runs out, and the late worker changes nothing', async () => {
      let at = Date.now() + 3_600_000
      const now = () => new Date(at)
      const [id] = await writeMessages(db, 1, now())
      assert.ok(id)
      const claimed = await outbox.claimDue(db, 'crashed', now(), new Date(at + 60_000), 10)
      assert.deepEqual(
        claimed.map((m) => m.id),
        [id],
      )
      const { sends, handler } = countingHandler()
      const survivor = outboxWorker({ db, now, log: silent, handlers: handlersOf(handler) })
      assert.equal(await survivor.runOnce(), 0, 'not while the lease holds')
      at += 61_000
      assert.equal(await survivor.runOnce(), 1)
      assert.equal(sends.get(id), 1)
      assert.equal(
        await outbox.markDelivered(db, id, 'crashed', now(), 'email'),
        false,
        'the crashed worker, back late, cannot settle it',
      )
      const [row] = await db.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM outbox_messages WHERE id = $1',
        [id],
      )
      assert.deepEqual(row, { status: 'delivered', attempts: 2 })
    })
  })
}
