/**
 * Staff accounts from the command line. There is no default account: the first administrator
 * is made here, and gets a one-time set-up link (24 hours) to choose a password and a second
 * factor. Everyone else is added by an administrator in the back office.
 *
 *   npm run staff -- create-admin --email someone@example.org --name "Their Name"
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { loadContent } from '../src/content/content.js'
import { createEnvelope } from '../src/crypto/envelope.js'
import { migrate } from '../src/db/migrate.js'
import { openDatabase } from '../src/db/open.js'
import { resolveSecrets } from '../src/secrets.js'
import { staffService } from '../src/staff/service.js'
import { readStaffDetails } from '../src/staff/validation.js'

const usage = 'Usage: npm run staff -- create-admin --email EMAIL --name "FULL NAME"'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, name: { type: 'string' } },
})

if (positionals[0] !== 'create-admin') {
  console.error(usage)
  process.exit(2)
}
const details = readStaffDetails({ ...values, roles: 'administrator' })
if (!details.ok) {
  for (const message of Object.values(details.errors)) console.error(message)
  console.error(usage)
  process.exit(2)
}

const config = loadConfig()
const db = await openDatabase(config, 1)
try {
  await migrate(db)
  const secrets = await resolveSecrets(config)
  const content = await loadContent(config.contentDir)
  const service = staffService({
    db,
    envelope: createEnvelope(secrets.encryptionKeys),
    now: () => new Date(),
    factors: { serviceName: content.agency.serviceName, serviceUrl: config.serviceUrl },
    sessions: {
      idleMinutes: config.staff.sessionIdleMinutes,
      maxHours: config.staff.sessionMaxHours,
    },
    allowTotp: config.staff.allowTotp,
  })
  const outcome = await service.createFirstAdministrator(details.value)
  if (outcome.kind === 'exists') {
    console.error(
      'An administrator already exists. Administrators add staff in the back office (/staff).',
    )
    process.exitCode = 1
  } else {
    console.log(`Administrator account created. Their one-time set-up link (valid 24 hours):`)
    console.log(outcome.link)
  }
} finally {
  await db.close()
}
