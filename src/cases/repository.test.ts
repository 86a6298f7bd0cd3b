import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { insertQueuedReport } from '../../test/queue.js'
import { createEnvelope } from '../crypto/envelope.js'
import { migrate } from '../db/migrate.js'
import { openPglite } from '../db/pglite.js'
import * as repository from './repository.js'

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url))

describe('migration 017 on a database that already has cases', () => {
  it('puts each case’s report in it, numbers the cases and starts their timelines', async () => {
    const before = await mkdtemp(join(tmpdir(), 'migrations-'))
    const db = await openPglite()
    try {
      await cp(MIGRATIONS, before, {
        recursive: true,
        filter: (source) => !/\/0(1[7-9]|[2-9]\d)-[^/]*$/.test(source),
      })
      await migrate(db, { dir: before })
      const envelope = createEnvelope({ activeKeyId: 'k', keys: new Map([['k', randomBytes(32)]]) })
      const opened = new Date('2026-11-29T09:00:00Z')
      const ids: string[] = []
      for (const owner of ['staff-a', 'staff-b']) {
        const report = await insertQueuedReport(db, envelope, { status: 'case-opened' })
        const id = randomUUID()
        ids.push(id)
        await db.query(
          `INSERT INTO cases (id, report_id, owner, status, opened_at, opened_by)
           VALUES ($1, $2, $3, 'planning', $4, $3)`,
          [id, report.id, owner, opened],
        )
      }
      // Later migrations run too; 017 is the one under test.
      assert.equal((await migrate(db))[0], '017-cases.sql')
      const cases = await Promise.all(ids.map((id) => repository.findCase(db, id)))
      assert.deepEqual(
        cases.map((c) => [c?.number, c?.status, c?.mergedInto]),
        [
          [1, 'planning', null],
          [2, 'planning', null],
        ],
      )
      for (const id of ids) {
        assert.equal((await repository.reportsOf(db, id)).length, 1)
        const events = await repository.eventsOf(db, id, undefined)
        assert.deepEqual(
          events.map((e) => [e.kind, e.at.toISOString()]),
          [['opened', opened.toISOString()]],
        )
      }
    } finally {
      await db.close()
      await rm(before, { recursive: true, force: true })
    }
  })
})
