/**
 * `npm run links:rehash`: hashes again, under IDENTIFIER_ACTIVE_KEY_ID, the identifiers of every
 * report hashed under an older identifier key, reading them from each report's sealed answers,
 * so that the older key can be removed from IDENTIFIER_KEYS (docs/linked-reports.md). Safe to
 * run again, and while the service runs. Records one audit event with the number of reports.
 */
import { recordAuditEvent } from '../src/audit/repository.js'
import { loadConfig } from '../src/config.js'
import { migrateDatabase, openDatabase } from '../src/db/open.js'
import { buildDeps } from '../src/deps.js'
import { resolveSecrets } from '../src/secrets.js'

const config = loadConfig()
const secrets = await resolveSecrets(config)
const db = await openDatabase(config, 2)
try {
  await migrateDatabase(config, db)
  const deps = await buildDeps({ config, db, secrets })
  const reports = await deps.links.rehashOtherKeys((id) => deps.reports.identifierSourcesOf(id))
  await recordAuditEvent(db, {
    occurredAt: new Date(),
    actor: 'system:links-rehash',
    event: 'identifiers.rehashed',
    subjectType: 'identifier-key',
    subjectId: secrets.identifierKeys.activeKeyId,
    details: { reports },
  })
  console.log(
    `${reports} report${reports === 1 ? '' : 's'} hashed again under identifier key ` +
      `${secrets.identifierKeys.activeKeyId}; no identifier is hashed under another key now`,
  )
} finally {
  await db.close()
}
