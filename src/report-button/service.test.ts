import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../../test/db.js'
import { auditTrail } from '../audit/trail.js'
import type { Db } from '../db/db.js'
import { reportSourceService } from './service.js'

const NOW = new Date('2027-01-13T10:00:00Z')

for (const database of testDatabases()) {
  describe(`report button sources on ${database.name}`, () => {
    let db: Db
    const service = () => reportSourceService({ db, now: () => NOW })
    const trail = (event: string) =>
      auditTrail({ event, actor: () => 'staff:test', address: '192.0.2.1', now: () => NOW })

    before(async () => {
      db = await database.open()
    })
    after(async () => {
      await db.close()
    })

    it('adds a source once, audited, and refuses the same id again', async () => {
      const form = { id: 'game-chat', name: 'GameChat', website: 'https://gamechat.example' }
      assert.deepEqual(await service().addSource(trail('report-source.added'), form), {
        ok: true,
        id: 'game-chat',
      })
      const again = await service().addSource(trail('report-source.added'), form)
      assert.equal(again.ok ? 'added' : again.code, 'INVALID')
      const events = await db.query<{ n: number | string }>(
        `SELECT count(*) AS n FROM audit_events WHERE event = 'report-source.added'`,
      )
      assert.equal(Number(events[0]?.n), 1)
    })

    it('refuses an id the table would not hold, even past the form', async () => {
      await assert.rejects(
        db.query(
          `INSERT INTO report_sources (id, name, website, created_at, updated_at)
           VALUES ('Not Safe', 'x', 'https://x.example', now(), now())`,
        ),
        /report_sources_id_check/,
      )
    })

    it('attributes registered, withdrawn and unknown ids, and greets only current sources', async () => {
      const s = service()
      assert.equal(await s.attributionFor('game-chat'), 'game-chat')
      assert.equal(await s.greetingFor('game-chat'), 'GameChat')
      await s.setWithdrawn(trail('report-source.withdrawn'), 'game-chat', true)
      assert.equal(await s.attributionFor('game-chat'), 'game-chat')
      assert.equal(await s.greetingFor('game-chat'), undefined)
      assert.equal(await s.attributionFor('Some Blog!'), 'unregistered:someblog')
      assert.equal(await s.attributionFor('--'), 'unregistered:--')
      assert.equal(await s.attributionFor('!!'), undefined)
      assert.equal(await s.attributionFor(['game-chat']), undefined)
    })
  })
}
