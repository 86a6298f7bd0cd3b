/**
 * Checks the audit trail's hash chain end to end: `npm run audit:verify`. Seals what is waiting,
 * then exits 1 if any sealed event was changed, removed, added behind the sealer's back or
 * reordered, naming the first one (docs/adr/0005, 0007).
 *
 * `npm run audit:verify -- --adopt` takes on a chain sealed before checkpoints existed: it
 * records the first checkpoint once the whole chain verifies.
 */
import { parseArgs } from 'node:util'
import {
  adoptAuditChain,
  AuditChainError,
  sealAllAuditEvents,
  verifyAuditChain,
  type ChainCheck,
} from '../src/audit/sealing.js'
import { loadConfig } from '../src/config.js'
import { migrateDatabase, openDatabase } from '../src/db/open.js'
import { resolveSecrets } from '../src/secrets.js'

const { values } = parseArgs({ options: { adopt: { type: 'boolean', default: false } } })

function describeBreak(check: ChainCheck): string | null {
  const broken = check.brokenAt
  if (!broken) return null
  const at = `audit chain BROKEN at seal ${broken.sealSeq}${
    broken.id === null ? '' : ` (event id ${broken.id})`
  }`
  const before = `events before it that verify: ${check.sealed}`
  switch (broken.reason) {
    case 'changed':
      return `${at}: the event no longer matches its seal (changed); ${before}`
    case 'missing':
      return `${at}: the event sealed there is missing (deleted); ${before}`
    case 'unrecorded':
      return check.checkpointedTo === 0
        ? `${at}: no checkpoint vouches for it. If this trail was sealed before checkpoints ` +
            'existed, adopt it once with `npm run audit:verify -- --adopt`; otherwise the ' +
            `event was added behind the sealer's back; ${before}`
        : `${at}: sealed after the last checkpoint (seal ${check.checkpointedTo}), so not by ` +
            `the sealer (added); ${before}`
    case 'checkpoint':
      return `${at}: the checkpoint recorded there does not match the chain (events up to it were rewritten, or the checkpoint was forged); ${before}`
    case 'unknown-key':
      return `${at}: the checkpoint recorded there was made with a key that is not in ENCRYPTION_KEYS; ${before}`
  }
}

const config = loadConfig()
const { encryptionKeys } = await resolveSecrets(config)
const db = await openDatabase(config, 2)
try {
  await migrateDatabase(config, db)
  if (values.adopt) {
    const adopted = await adoptAuditChain(db, encryptionKeys)
    console.log(`audit chain adopted: checkpoint recorded at seal ${adopted}`)
  }
  try {
    await sealAllAuditEvents(db, encryptionKeys)
  } catch (error) {
    // The sealer refuses to chain onto events it did not seal; the check below names them.
    if (!(error instanceof AuditChainError)) throw error
  }
  const check = await verifyAuditChain(db, encryptionKeys)
  const problem = describeBreak(check)
  if (problem) {
    console.error(problem)
    process.exitCode = 1
  } else {
    console.log(
      `audit chain intact: ${check.sealed} events sealed, ${check.unsealed} waiting, ` +
        `checkpointed to seal ${check.checkpointedTo}`,
    )
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
} finally {
  await db.close()
}
