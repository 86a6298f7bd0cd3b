import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, testConfig, testSecrets } from '../../test/app.js'
import { testDatabases } from '../../test/db.js'
import { Browser, sendReport } from '../../test/http.js'
import { reportSteps } from '../../test/reports.js'
import { recordAuditEvent } from '../audit/repository.js'
import { sealAllAuditEvents, verifyAuditChain } from '../audit/sealing.js'
import type { Db } from './db.js'
import { migrateDatabase } from './open.js'
import { openPostgres } from './postgres.js'

/**
 * The two-role set-up of the README ("Running on PostgreSQL with two roles"), on a throwaway
 * owner, service role and schema: the service does its work, and cannot rewrite the audit trail.
 */
const serverUrl = process.env.TEST_DATABASE_URL
const onServer = testDatabases().some((d) => d.name === 'PostgreSQL')
const INSUFFICIENT_PRIVILEGE = { code: '42501' }

describe(
  'the service running as its own role on PostgreSQL',
  {
    skip: !onServer && 'needs TEST_DATABASE_URL (npm run test:postgres)',
  },
  () => {
    const suffix = randomBytes(4).toString('hex')
    const owner = `sc_owner_${suffix}`
    const service = `sc_service_${suffix}`
    const schema = `test_roles_${suffix}`
    const keys = testSecrets().encryptionKeys
    const urlAs = (role: string) => {
      const url = new URL(serverUrl ?? '')
      url.username = role
      url.password = ''
      url.searchParams.set('options', `-c search_path=${schema}`)
      return url.toString()
    }
    const config = testConfig({ databaseUrl: urlAs(service), databaseMigrationUrl: urlAs(owner) })
    let admin: Db
    let db: Db

    before(async () => {
      admin = openPostgres({ connectionString: serverUrl ?? '', maxConnections: 1 })
      await admin.exec(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${service} LOGIN`)
      await admin.exec(`CREATE SCHEMA ${schema} AUTHORIZATION ${owner}`)
      db = openPostgres({ connectionString: urlAs(service), maxConnections: 3 })
      await migrateDatabase(config, db)
    })

    after(async () => {
      await db.close()
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
      await admin.exec(`DROP ROLE ${service}; DROP ROLE ${owner}`)
      await admin.close()
    })

    it('migrates as the owner, so the service owns no table', async () => {
      const tables = await db.query<{ tableowner: string }>(
        'SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1',
        [schema],
      )
      assert.deepEqual(
        tables.map((t) => t.tableowner),
        [owner],
      )
    })

    it('takes a report through the app, audit entry included, and purges drafts', async () => {
      const t = await buildTestApp({ db })
      try {
        const browser = new Browser(t.app)
        await sendReport(browser, reportSteps['parent-carer'])
        const [received] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events WHERE event = 'report.received'`,
        )
        assert.equal(received?.n, 1)
        assert.equal(await t.deps.reports.purgeExpiredDrafts(), 0)
      } finally {
        await t.close()
      }
    })

    it('purges the report once its period is over, audit event included', async () => {
      const threeYearsOn = new Date(Date.now() + 3 * 366 * 24 * 3_600_000)
      const t = await buildTestApp({ db, now: () => threeYearsOn })
      try {
        const purged: string[] = []
        await t.deps.retention.purgeDue((batch) => purged.push(...batch.reports))
        assert.equal(purged.length, 1)
        const [event] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events WHERE event = 'report.purged'`,
        )
        assert.equal(event?.n, 1)
      } finally {
        await t.close()
      }
    })

    it('appends and seals audit events, and the chain verifies', async () => {
      await recordAuditEvent(db, {
        occurredAt: new Date(),
        actor: 'public:form',
        event: 'report.received',
        subjectType: 'report',
        subjectId: 'report-roles',
      })
      // The report's arrival, its purge and this one.
      assert.equal(await sealAllAuditEvents(db, keys), 3)
      const check = await verifyAuditChain(db, keys)
      assert.deepEqual(check, { sealed: 3, unsealed: 0, checkpointedTo: 3, brokenAt: null })
    })

    it('cannot change, delete or truncate the audit trail, nor lift its limits', async () => {
      await recordAuditEvent(db, {
        occurredAt: new Date(),
        actor: 'public:form',
        event: 'report.received',
        subjectType: 'report',
        subjectId: 'report-unsealed',
      })
      for (const sql of [
        `UPDATE audit_events SET details = '{}'::jsonb WHERE seal_seq IS NOT NULL`,
        `UPDATE audit_events SET actor = 'staff:someone' WHERE seal_seq IS NULL`,
        'DELETE FROM audit_events',
        `DELETE FROM audit_events WHERE seal_seq IS NULL`,
        'TRUNCATE audit_events',
        `INSERT INTO audit_events
         (occurred_at, actor, event, subject_type, subject_id, seal_seq, prev_hash, hash)
       VALUES (now(), 'staff:forged', 'report.viewed', 'report', 'r', 99, 'x', 'y')`,
        `UPDATE audit_checkpoints SET hash = 'x'`,
        'DELETE FROM audit_checkpoints',
        'TRUNCATE audit_checkpoints',
        'TRUNCATE reports',
        `INSERT INTO schema_migrations (name) VALUES ('999-forged.sql')`,
        'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
        'DROP TABLE audit_events',
        'SET session_replication_role = replica',
      ]) {
        await assert.rejects(db.exec(sql), INSUFFICIENT_PRIVILEGE, sql)
      }
      // Sealing columns are the service's to write, once: a second seal is the trigger's to refuse.
      await assert.rejects(
        db.exec(`UPDATE audit_events SET hash = repeat('0', 64) WHERE seal_seq IS NOT NULL`),
        /append-only/,
      )
      assert.equal(await sealAllAuditEvents(db, keys), 1)
      assert.equal((await verifyAuditChain(db, keys)).brokenAt, null)
    })

    it('grants again at every start, so tables and audit columns added later are the service’s', async () => {
      const ownerDb = openPostgres({ connectionString: urlAs(owner), maxConnections: 1 })
      try {
        await ownerDb.exec('CREATE TABLE later_things (id int PRIMARY KEY)')
        await ownerDb.exec('ALTER TABLE audit_events ADD COLUMN later_detail text')
      } finally {
        await ownerDb.close()
      }
      await assert.rejects(db.exec('INSERT INTO later_things VALUES (1)'), INSUFFICIENT_PRIVILEGE)
      await migrateDatabase(config, db)
      await db.exec('INSERT INTO later_things VALUES (1)')
      await db.exec(`INSERT INTO audit_events (occurred_at, actor, event, subject_type, subject_id,
                     later_detail) VALUES (now(), 'public:form', 'report.received', 'report',
                     'report-later', 'later')`)
      await assert.rejects(db.exec('DELETE FROM audit_events'), INSUFFICIENT_PRIVILEGE)
    })

    it('refuses to migrate for a service role that is the owner or a superuser', async () => {
      for (const [role, problem] of [
        [owner, /shares the rights of/],
        [new URL(serverUrl ?? '').username || 'postgres', /is a superuser/],
      ] as const) {
        const as = openPostgres({ connectionString: urlAs(role), maxConnections: 1 })
        try {
          await assert.rejects(
            migrateDatabase(testConfig({ ...config, databaseUrl: urlAs(role) }), as),
            problem,
          )
        } finally {
          await as.close()
        }
      }
    })
  },
)
