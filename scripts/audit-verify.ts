/**
 * Checks the audit trail's hash chain end to end: `npm run audit:verify`. Seals what is waiting,
 * then exits 1 if any sealed event was changed, removed, added behind the sealer's back or
 * reordered, naming the first one (docs/adr/0005, 0007).
 *
 * `npm run audit:verify -- --head SEQ:HASH` also checks that a head noted earlier (the
 * housekeeping log's `auditChainHead`) is still on the chain, which shows the last events
 * deleted together with their checkpoint.
 *
 * `npm run audit:verify -- --adopt` takes on a chain sealed before checkpoints existed: it
 * records the first checkpoint once the whole chain verifies.
 */
import { parseArgs } from 'node:util'
import {
  adoptAuditChain,
  AuditChainError,
  chainHoldsHead,
  sealAllAuditEvents,
  verifyAuditChain,
  type ChainCheck,
  type ChainHead,
} from '../src/audit/sealing.js'
import { loadConfig } from '../src/config.js'
import { migrateDatabase, openDatabase } from '../src/db/open.js'
import { resolveSecrets } from '../src/secrets.js'

const { values } = parseArgs({
  options: { adopt: { type: 'boolean', default: false }, head: { type: 'string', multiple: true } },
})
const heads = (values.head ?? []).map((value) => {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value)
  if (!match) {
    console.error(`--head ${value}: expected SEQ:HASH, as in the log's auditChainHead`)
    process.exit(2)
  }
  return { sealSeq: Number(match[1]), hash: match[2] ?? '' }
})

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
  const lost: ChainHead[] = []
  if (!problem) {
    for (const head of heads) if (!(await chainHoldsHead(db, head))) lost.push(head)
  }
  if (problem) {
    console.error(problem)
    process.exitCode = 1
  } else if (lost.length > 0) {
    for (const head of lost) {
      console.error(
        `audit chain BROKEN: it no longer holds seal ${head.sealSeq} with the hash noted ` +
          `earlier, though it verifies up to seal ${check.sealed}: events were deleted or ` +
          'rewritten with their checkpoints',
      )
    }
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
