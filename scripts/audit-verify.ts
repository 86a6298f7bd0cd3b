/**
 * Checks the audit trail's hash chain end to end: `npm run audit:verify`. Exits 1 if any sealed
 * event was changed, removed or reordered, naming the first one.
 */
import { loadConfig } from '../src/config.js'
import { migrate } from '../src/db/migrate.js'
import { sealAllAuditEvents, verifyAuditChain } from '../src/audit/sealing.js'
import { openDatabase } from '../src/db/open.js'

const db = await openDatabase(loadConfig())
try {
  await migrate(db)
  await sealAllAuditEvents(db)
  const check = await verifyAuditChain(db)
  if (check.brokenAt) {
    console.error(
      `audit chain BROKEN at seal ${check.brokenAt.sealSeq} (event id ${check.brokenAt.id}); ` +
        `${check.sealed} events before it verify`,
    )
    process.exitCode = 1
  } else {
    console.log(`audit chain intact: ${check.sealed} events sealed, ${check.unsealed} waiting`)
  }
} finally {
  await db.close()
}
