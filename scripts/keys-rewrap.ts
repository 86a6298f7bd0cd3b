/**
 * `npm run keys:rewrap`: re-wraps, under ENCRYPTION_ACTIVE_KEY_ID, the data key of every record
 * sealed under another encryption key, so that key can be removed from ENCRYPTION_KEYS once no
 * audit checkpoint needs it either (docs/deployment.md). Only the wrapped data keys change. Safe
 * to run again, and while the service runs. Records one audit event with the counts.
 */
import { recordAuditEvent } from '../src/audit/repository.js'
import { loadConfig } from '../src/config.js'
import { createEnvelope } from '../src/crypto/envelope.js'
import { recordsUnderOtherKeys, rewrapSealedRecords } from '../src/crypto/rewrap.js'
import { migrateDatabase, openDatabase } from '../src/db/open.js'
import { resolveSecrets } from '../src/secrets.js'

const config = loadConfig()
const secrets = await resolveSecrets(config)
const envelope = createEnvelope(secrets.encryptionKeys)
const db = await openDatabase(config, 2)
try {
  await migrateDatabase(config, db)
  const counts = await rewrapSealedRecords(db, envelope)
  const records = [...counts.values()].reduce((a, b) => a + b, 0)
  await recordAuditEvent(db, {
    occurredAt: new Date(),
    actor: 'system:keys-rewrap',
    event: 'encryption.rewrapped',
    subjectType: 'encryption-key',
    subjectId: envelope.activeKeyId,
    details: Object.fromEntries(counts),
  })
  for (const [table, n] of counts) if (n > 0) console.log(`${table}: ${String(n)} re-wrapped`)
  const left = [...(await recordsUnderOtherKeys(db, envelope.activeKeyId))].filter(([, n]) => n > 0)
  console.log(
    `${String(records)} record${records === 1 ? '' : 's'} re-wrapped under encryption key ` +
      `${envelope.activeKeyId}; ` +
      (left.length === 0
        ? 'no record is sealed under another key now'
        : `still under other keys (written meanwhile by a process with another active key): ${left.map(([t, n]) => `${t} ${String(n)}`).join(', ')}`),
  )
} finally {
  await db.close()
}
