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
  /** The audit trail: references and staff, never the personal data of reports. */
  'audit.view': ['auditor'],
  'audit.export': ['auditor'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof GRANTS
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
