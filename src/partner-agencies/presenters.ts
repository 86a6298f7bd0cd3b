import type { PartnerAgency, PartnerAgencyFilter } from './repository.js'
import {
  ADDED_KINDS,
  JURISDICTION_KINDS,
  PARTNER_LIMITS,
  type PartnerAgencyKind,
} from './validation.js'

/** Pure shaping of partner agencies for the administrators' pages. */

export const KIND_NAMES: Record<PartnerAgencyKind, string> = {
  'police-force': 'Police force',
  'children-services': 'Children’s services',
  'school-trust': 'School trust',
  'health-team': 'Health team',
  helpline: 'Helpline',
  other: 'Other',
}

const ALL_KINDS: readonly PartnerAgencyKind[] = [...JURISDICTION_KINDS, ...ADDED_KINDS]

export interface PartnerAgencyQuery {
  kind?: unknown
  name?: unknown
}

export type ReadListQuery =
  | { ok: true; filter: PartnerAgencyFilter; values: { kind: string; name: string } }
  | { ok: false; errors: Record<string, string>; values: { kind: string; name: string } }

/** The list's filter as typed in the address: each field checked, nothing half-applied. */
export function readListQuery(query: PartnerAgencyQuery): ReadListQuery {
  const values = {
    kind: typeof query.kind === 'string' ? query.kind.trim() : '',
    name: typeof query.name === 'string' ? query.name.trim() : '',
  }
  const errors: Record<string, string> = {}
  const filter: PartnerAgencyFilter = {}
  if (values.kind !== '') {
    const kind = ALL_KINDS.find((k) => k === values.kind)
    if (kind) filter.kinds = [kind]
    else errors.kind = 'Select a kind of agency from the list'
  }
  if (values.name.length > PARTNER_LIMITS.name)
    errors.name = `Name must be ${PARTNER_LIMITS.name.toLocaleString('en-GB')} characters or less`
  else if (values.name !== '') filter.nameContains = values.name
  return Object.keys(errors).length > 0
    ? { ok: false, errors, values }
    : { ok: true, filter, values }
}

export function kindItems(selected: string, options: { any?: boolean; added?: boolean } = {}) {
  const kinds = options.added ? ADDED_KINDS : ALL_KINDS
  return [
    ...(options.any ? [{ value: '', text: 'Any kind', selected: selected === '' }] : []),
    ...kinds.map((kind) => ({ value: kind, text: KIND_NAMES[kind], selected: selected === kind })),
  ]
}

/** Radios for the kind of an agency an administrator adds. */
export function addedKindRadios(selected: string) {
  return ADDED_KINDS.map((kind) => ({
    value: kind,
    text: KIND_NAMES[kind],
    checked: selected === kind,
  }))
}

/** One row of the list: withdrawn agencies are still listed, and say so. */
export function agencyRow(agency: PartnerAgency) {
  return {
    id: agency.id,
    name: agency.name,
    kind: KIND_NAMES[agency.kind],
    urgentPhone: agency.urgentPhone ?? '',
    email: agency.email ?? '',
    withdrawn: agency.withdrawnAt !== null,
    fromJurisdictions: agency.jurisdictionCode !== null,
  }
}

/** The form's values: what was posted when it is shown again, else what is stored. */
export function formValues(agency: PartnerAgency | undefined, posted?: Record<string, unknown>) {
  const pick = (name: string, stored: string | null | undefined) => {
    const value = posted?.[name]
    return posted ? (typeof value === 'string' ? value : '') : (stored ?? '')
  }
  return {
    name: pick('name', agency?.name),
    kind: pick('kind', agency?.kind),
    urgentPhone: pick('urgentPhone', agency?.urgentPhone),
    email: pick('email', agency?.email),
    openingHours: pick('openingHours', agency?.openingHours),
    notes: pick('notes', agency?.notes),
  }
}
