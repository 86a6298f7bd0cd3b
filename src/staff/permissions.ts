import { QUEUES } from '../queue/membership.js'
import type { Queue } from '../triage/queues.js'

/**
 * The whole access policy, read in one place: which role may do what. A person may hold several
 * roles and may do what any of them grants. Anything not granted here is refused: every staff
 * route names one of these permissions when it is registered (see src/web/staff-routes.ts).
 */
export const ROLES = ['advisor', 'operator', 'supervisor', 'administrator', 'auditor'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_NAMES: Record<Role, string> = {
  advisor: 'Child Protection Advisor',
  operator: 'Control Centre operator',
  supervisor: 'Supervisor',
  administrator: 'Administrator',
  auditor: 'Auditor',
}

const EVERYONE: readonly Role[] = ROLES

export const GRANTS = {
  /** The staff home page and their own account: passkeys and authenticator app. */
  'home.view': EVERYONE,
  'own-account.view': EVERYONE,
  'own-account.add-factor': EVERYONE,
  /** The staff back office. Administrators see staff names and emails, never reports. */
  'staff.list': ['administrator'],
  'staff.view': ['administrator'],
  'staff.create': ['administrator'],
  'staff.change-roles': ['administrator'],
  'staff.disable': ['administrator'],
  'staff.enable': ['administrator'],
  'staff.reset-factor': ['administrator'],
  /** The triage queue and the reports in it (which queue each role sees: QUEUES_BY_ROLE). */
  'queue.view': ['advisor', 'operator', 'supervisor'],
  'report.view': ['advisor', 'operator', 'supervisor'],
  /** Give back a report you have open. */
  'report.release': ['advisor', 'operator', 'supervisor'],
  'report.reassign': ['supervisor'],
  /** Correct the priority or the jurisdiction, with a reason. */
  'report.correct': ['advisor', 'operator', 'supervisor'],
  /** Record a risk assessment; which decisions each role may record is below. */
  'report.assess': ['advisor', 'operator', 'supervisor'],
  'report.reopen': ['supervisor'],
  /** Keep a report (and the case holding it) beyond its retention period, or stop keeping it. */
  'report.legal-hold': ['supervisor'],
  /** Out of hours the Control Centre refers urgent reports; the rest wait for the advisors. */
  'decision.urgent-referral': ['advisor', 'operator', 'supervisor'],
  'decision.open-case': ['advisor', 'supervisor'],
  'decision.close-with-advice': ['advisor', 'supervisor'],
  'decision.close-with-signposting': ['advisor', 'supervisor'],
  /** Cases: advisors and supervisors work them; nobody else reads them. */
  'cases.list': ['advisor', 'supervisor'],
  'tasks.list': ['advisor', 'supervisor'],
  'case.view': ['advisor', 'supervisor'],
  /** Contacts, notes, the plan, tasks, status, adding and moving reports, linking cases. */
  'case.work': ['advisor', 'supervisor'],
  /** Only the case's owner asks (see src/cases/service.ts); a supervisor decides. */
  'case.request-closure': ['advisor', 'supervisor'],
  'case.decide-closure': ['supervisor'],
  'case.reassign': ['supervisor'],
  'case.reopen': ['supervisor'],
  /** Refer a case to partner agencies (src/referrals/case-routes.ts). */
  'case.refer': ['advisor', 'supervisor'],
  /** How often advisors agree with the automatic triage: counts only. */
  'triage-agreement.view': ['supervisor'],
  /** Partner agencies and their contacts. */
  'partner-agencies.list': ['administrator'],
  'partner-agencies.create': ['administrator'],
  'partner-agencies.update': ['administrator'],
  /** Referrals to partner agencies: urgent ones go at once; others wait for a supervisor. */
  'referral.create': ['advisor', 'operator', 'supervisor'],
  'referral.view': ['advisor', 'operator', 'supervisor'],
  'referral.approve': ['supervisor'],
  'referral.review': ['supervisor'],
  /** Messages to reporters, from the templates in content/messages/. */
  'reporter-message.send': ['advisor', 'operator', 'supervisor'],
  /** Deliveries that failed after their last attempt, and sending them again. */
  'deliveries.view': ['supervisor', 'administrator'],
  'deliveries.retry': ['supervisor', 'administrator'],
  /** The websites and apps that carry the report button. */
  'report-sources.list': ['administrator'],
  'report-sources.create': ['administrator'],
  'report-sources.update': ['administrator'],
  /** The platforms that send reports through the API, and their keys. */
  'api-clients.list': ['administrator'],
  'api-clients.create': ['administrator'],
  'api-clients.update': ['administrator'],
  /** The audit trail: references and staff, never the personal data of reports. */
  'audit.view': ['auditor'],
  'audit.export': ['auditor'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof GRANTS

/**
 * Which queues each role works: advisors theirs, the Control Centre its own (every P1 at any
 * hour, and what arrives out of hours until the office opens), supervisors every queue. A
 * report outside a person's queues is refused to them as surely as a route they may not open.
 */
export const QUEUES_BY_ROLE: Readonly<Record<Role, readonly Queue[]>> = {
  advisor: ['advisors'],
  operator: ['control-centre'],
  supervisor: ['advisors', 'control-centre'],
  administrator: [],
  auditor: [],
}

export function queuesOf(roles: readonly Role[]): Queue[] {
  return QUEUES.filter((queue) => roles.some((role) => QUEUES_BY_ROLE[role].includes(queue)))
}
export type Grants = Readonly<Record<Permission, readonly Role[]>>

export const PERMISSIONS = Object.keys(GRANTS) as Permission[]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Whether someone holding `roles` may do `permission` under `grants` (the table above). */
export function allows(
  roles: readonly Role[],
  permission: Permission,
  grants: Grants = GRANTS,
): boolean {
  const granted = grants[permission] as readonly Role[] | undefined
  return granted !== undefined && roles.some((role) => granted.includes(role))
}

/** The roles a person holds, named as staff call them, for the header and lists. */
export function roleNames(roles: readonly Role[]): string {
  return ROLES.filter((role) => roles.includes(role))
    .map((role) => ROLE_NAMES[role])
    .join(', ')
}
