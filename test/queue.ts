import { randomUUID } from 'node:crypto'
import type { Envelope } from '../src/crypto/envelope.js'
import type { Queryable } from '../src/db/db.js'
import type { Jurisdiction } from '../src/jurisdictions/model.js'
import type { ReportAnswers } from '../src/reports/answers.js'
import type { Priority } from '../src/reports/model.js'
import { toSubmittedReport } from '../src/reports/report.js'
import { queuesFor } from '../src/triage/queues.js'
import { londonOffice } from './calendar.js'

/** A synthetic stored report for queue tests, written straight to the table. */
export interface QueuedReportSeed {
  priority?: Priority
  receivedAt?: Date
  deadlineAt?: Date
  status?: 'new' | 'referred' | 'case-opened' | 'closed'
  policeForce?: string
  localAuthority?: string | null
  childAge?: number | null
  claimedBy?: string
  /**
   * The reporter's whole answers, as the form stores them (see test/reports.ts parseSteps): the
   * report's audience, concerns and the other triage columns then follow from them.
   */
  answers?: ReportAnswers
  /** Where the child lives; by default one resolved area named after the codes above. */
  jurisdiction?: Jurisdiction
  /** Why triage gave the priority; by default one test reason. */
  reasons?: { code: string; text: string; priority: Priority }[]
}

let counter = 0

export function jurisdictionIn(policeForce: string, localAuthority: string | null): Jurisdiction {
  return {
    status: 'resolved',
    basis: 'postcode',
    reason: 'test',
    candidates: [
      {
        policeForce: { code: policeForce, name: `Force ${policeForce}` },
        localAuthority: localAuthority
          ? { code: localAuthority, name: `LA ${localAuthority}` }
          : null,
        childrenServices: localAuthority
          ? { code: `CS-${localAuthority}`, name: `Children's services ${localAuthority}` }
          : null,
        share: 1,
      },
    ],
  }
}

export async function insertQueuedReport(
  db: Queryable,
  envelope: Envelope,
  seed: QueuedReportSeed = {},
): Promise<{ id: string; reference: string }> {
  counter += 1
  const id = randomUUID()
  const reference = `SC-TEST-${String(counter).padStart(6, '0')}-${id.slice(0, 8)}`
  const priority = seed.priority ?? 'P3'
  const receivedAt = seed.receivedAt ?? new Date('2027-01-13T10:00:00Z')
  const deadlineAt = seed.deadlineAt ?? new Date(receivedAt.getTime() + 86_400_000)
  const answers = seed.answers ?? {
    'about-the-child': { childName: 'Sam Synthetic', town: 'Testford' },
  }
  const triage = seed.answers
    ? toSubmittedReport(seed.answers, 'form', null).triageInput
    : {
        audience: 'parent-carer',
        concerns: ['asked-for-images'],
        immediateDanger: 'no',
        stillHappening: 'yes',
        otherPersonAge: 'adult',
        childAge: 13,
      }
  const sealed = envelope.seal(JSON.stringify(answers), `report:${id}`)
  await db.query(
    `INSERT INTO reports (id, reference, submission_key, received_at, source, audience, status,
       immediate_danger, concerns, still_happening, other_person_age, child_age, priority,
       priority_reasons, rules_version, deadline_at, queues, jurisdiction, key_id,
       wrapped_data_key, personal_ciphertext, claimed_by, claimed_at)
     VALUES ($1, $2, $3, $4, 'form', $18, $5, $19, $6, $20, $21, $7, $8,
       $9, 'test-rules', $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      id,
      reference,
      `submission-${id}`,
      receivedAt,
      seed.status ?? 'new',
      triage.concerns,
      seed.childAge === undefined ? triage.childAge : seed.childAge,
      priority,
      JSON.stringify(seed.reasons ?? [{ code: 'test', text: 'A test reason', priority }]),
      deadlineAt,
      queuesFor(priority, receivedAt, londonOffice),
      JSON.stringify(
        seed.jurisdiction ?? jurisdictionIn(seed.policeForce ?? 'F1', seed.localAuthority ?? 'LA1'),
      ),
      sealed.keyId,
      sealed.wrappedKey,
      sealed.ciphertext,
      seed.claimedBy ?? null,
      seed.claimedBy ? receivedAt : null,
      triage.audience,
      triage.immediateDanger,
      triage.stillHappening,
      triage.otherPersonAge,
    ],
  )
  return { id, reference }
}
