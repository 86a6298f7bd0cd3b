import { randomUUID } from 'node:crypto'
import { openCase } from '../src/cases/repository.js'
import type { Queryable } from '../src/db/db.js'
import type { Envelope } from '../src/crypto/envelope.js'
import { insertQueuedReport, type QueuedReportSeed } from './queue.js'

/** A case opened from a synthetic report, as the decision "open a case" makes one. */
export async function insertOpenCase(
  db: Queryable,
  envelope: Envelope,
  options: { owner: string; openedAt: Date; report?: QueuedReportSeed },
): Promise<{ caseId: string; number: number; reportId: string; reference: string }> {
  const report = await insertQueuedReport(db, envelope, {
    receivedAt: options.openedAt,
    status: 'case-opened',
    ...options.report,
  })
  const caseId = randomUUID()
  await openCase(db, {
    id: caseId,
    eventId: randomUUID(),
    reportId: report.id,
    owner: options.owner,
    openedAt: options.openedAt,
  })
  const [row] = await db.query<{ number: string | number }>(
    'SELECT number FROM cases WHERE id = $1',
    [caseId],
  )
  return { caseId, number: Number(row?.number), reportId: report.id, reference: report.reference }
}

/** The fields of GOV.UK's date input for `prefix` on the given ISO day. */
export function dateFields(prefix: string, iso: string): Record<string, string> {
  const [year = '', month = '', day = ''] = iso.split('-')
  return { [`${prefix}-day`]: day, [`${prefix}-month`]: month, [`${prefix}-year`]: year }
}
