import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { recordAuditEvent } from '../src/audit/repository.js'
import { auditChainHead, sealAllAuditEvents } from '../src/audit/sealing.js'
import type { Queryable } from '../src/db/db.js'
import { migrate } from '../src/db/migrate.js'
import { openPostgres } from '../src/db/postgres.js'
import { testSecrets } from './app.js'
import { appendForgedEvent, auditEvent, behindTheTriggers } from './audit.js'
import { testDatabases } from './db.js'

/**
 * `npm run audit:verify` as an operator runs it, in a child process, against a trail the
 * tables' owner has tampered with behind the append-only triggers.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const keys = testSecrets().encryptionKeys
const ENCRYPTION_KEYS = [...keys.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join()

/**
 * A migrated, empty throwaway schema on the PostgreSQL server, and the DATABASE_URL that
 * reaches it. (The script on PGlite is the same code through openDatabase; a child process
 * starting PGlite takes tens of seconds on a busy machine, so the in-process tests in
 * src/audit/sealing.test.ts cover PGlite.)
 */
async function throwawaySchema(url: string) {
  const schema = `test_${randomBytes(6).toString('hex')}`
  const admin = openPostgres({ connectionString: url, maxConnections: 1 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  const inSchema = new URL(url)
  inSchema.searchParams.set('options', `-c search_path=${schema}`)
  const db = openPostgres({ connectionString: inSchema.toString(), maxConnections: 2 })
  await migrate(db)
  return {
    db,
    databaseUrl: inSchema.toString(),
    async dispose() {
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
      await admin.close()
    },
  }
}

function runAuditVerify(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/audit-verify.ts', ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          ENCRYPTION_KEYS,
          COOKIE_SECRET: randomBytes(32).toString('base64url'),
          ...env,
        },
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

interface Case {
  tampering: string
  tamper?: (tx: Queryable) => Promise<unknown>
  /** Passes the head noted before the tampering, as an operator would from the log. */
  withHead?: boolean
  code: 0 | 1
  says: RegExp
}

const lastBatchAndItsCheckpoint = async (tx: Queryable) => {
  await tx.query('DELETE FROM audit_events WHERE seal_seq > 3')
  await tx.query('DELETE FROM audit_checkpoints WHERE seal_seq > 3')
}

const cases: Case[] = [
  {
    tampering: 'nothing',
    withHead: true,
    code: 0,
    says: /^audit chain intact: 6 events sealed, 0 waiting, checkpointed to seal 6\n$/,
  },
  {
    tampering: 'an edited event',
    tamper: (tx) => tx.query(`UPDATE audit_events SET details = '{}' WHERE seal_seq = 2`),
    code: 1,
    says: /^audit chain BROKEN at seal 2 \(event id \d+\): the event no longer matches its seal \(changed\); events before it that verify: 1\n$/,
  },
  {
    tampering: 'an inserted event',
    tamper: appendForgedEvent,
    code: 1,
    says: /^audit chain BROKEN at seal 7 \(event id \d+\): sealed after the last checkpoint \(seal 6\), so not by the sealer \(added\); events before it that verify: 6\n$/,
  },
  {
    tampering: 'a deleted event',
    tamper: (tx) => tx.query('DELETE FROM audit_events WHERE seal_seq = 6'),
    code: 1,
    says: /^audit chain BROKEN at seal 6: the event sealed there is missing \(deleted\); events before it that verify: 5\n$/,
  },
  // The one deletion the database alone cannot show (docs/adr/0007): the head noted outside it can.
  {
    tampering: 'the last batch deleted with its checkpoint, without the noted head',
    tamper: lastBatchAndItsCheckpoint,
    code: 0,
    says: /^audit chain intact: 3 events sealed, 0 waiting, checkpointed to seal 3\n$/,
  },
  {
    tampering: 'the last batch deleted with its checkpoint, given the noted head',
    tamper: lastBatchAndItsCheckpoint,
    withHead: true,
    code: 1,
    says: /^audit chain BROKEN: it no longer holds seal 6 with the hash noted earlier, though it verifies up to seal 3: events were deleted or rewritten with their checkpoints\n$/,
  },
]

const serverUrl = process.env.TEST_DATABASE_URL
const onServer = testDatabases().some((d) => d.name === 'PostgreSQL')

describe(
  'npm run audit:verify on PostgreSQL',
  {
    skip: !onServer && 'needs TEST_DATABASE_URL (npm run test:postgres)',
  },
  () => {
    for (const { tampering, tamper, withHead, code, says } of cases) {
      it(`exits ${code} after ${tampering}`, async () => {
        const schema = await throwawaySchema(serverUrl ?? '')
        const { db, databaseUrl } = schema
        try {
          for (let n = 1; n <= 6; n++) await recordAuditEvent(db, auditEvent(n))
          await sealAllAuditEvents(db, keys, 3)
          const head = await auditChainHead(db)
          assert.equal(head?.sealSeq, 6)
          if (tamper) {
            await behindTheTriggers(db, async (tx) => {
              await tamper(tx)
            })
          }
          await db.close()
          const args = withHead ? ['--head', `${head.sealSeq}:${head.hash}`] : []
          const run = await runAuditVerify({ DATABASE_URL: databaseUrl }, args)
          assert.equal(run.code, code, run.stderr)
          assert.match(code === 0 ? run.stdout : run.stderr, says)
          assert.equal(code === 0 ? run.stderr : run.stdout, '')
        } finally {
          await schema.dispose()
        }
      })
    }
  },
)
