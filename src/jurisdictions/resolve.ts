import { parse, validOutcode } from 'postcode'
import type { Area, ChildLocation, Jurisdiction, JurisdictionCandidate } from './model.js'

/**
 * Deciding a jurisdiction from what the reporter told us and the rows looked up for it. No I/O:
 * the service looks the rows up, this decides. The rule throughout is that an unclear answer goes
 * to a person ("to-confirm" or "national"), never to a guess.
 */

export interface AuthorityRecord {
  code: string
  name: string
  childrenServicesCode: string
  childrenServicesName: string
  policeForceCode: string
  policeForceName: string | null
}

/** A local authority's part of a postcode area; names are null when no table supplied them. */
export interface AreaAuthorityRecord {
  localAuthorityCode: string
  localAuthorityName: string | null
  childrenServicesCode: string | null
  childrenServicesName: string | null
  policeForceCode: string
  policeForceName: string | null
  share: number
}

export interface AreaPoliceForceRecord {
  policeForceCode: string
  policeForceName: string | null
  share: number
}

export interface PostcodeQuery {
  /** The full postcode, normalised; null when only a district (outward code) was given. */
  postcode: string | null
  district: string
}

export interface LocationQuery {
  councilAreaCode: string | null
  postcode: PostcodeQuery | null
  town: string | null
  /** Something was typed or chosen, even if it was not a readable postcode. */
  given: boolean
}

/**
 * The rows for one postcode. `basis` is 'postcode-district' while only district tables exist; a
 * full-postcode table would answer with 'postcode' before the district is consulted.
 */
export interface PostcodeAreaRecords {
  basis: 'postcode' | 'postcode-district'
  authorities: readonly AreaAuthorityRecord[]
  policeForces: readonly AreaPoliceForceRecord[]
}

export interface LookedUp {
  hasData: boolean
  councilArea: AuthorityRecord | null
  postcodeArea: PostcodeAreaRecords | null
  /** Every local authority, read only when a town was given (names are matched here). */
  authorities: readonly AuthorityRecord[]
  /** The authorities' names already turned into keys, when the caller keeps them. */
  towns?: readonly TownEntry[]
}

/** An authority with its name as a place key, and that key without "city of", "council"... */
export interface TownEntry {
  authority: AuthorityRecord
  key: string
  core: string
}

export function indexTowns(authorities: readonly AuthorityRecord[]): TownEntry[] {
  return authorities.map((authority) => {
    const key = placeKey(authority.name)
    return { authority, key, core: stripQualifiers(key) }
  })
}

export const REASONS = {
  noData: 'No jurisdiction data is loaded: national, to be confirmed by a person.',
  noLocation: 'No location was given for the child: national, to be confirmed by a person.',
  notFound:
    'The location given matches no local authority or postcode district in the loaded data: national, to be confirmed by a person.',
  councilArea: 'The council area chosen on the form.',
  districtOneAuthority: "The postcode's district lies in one local authority.",
  districtOneRoute:
    "The postcode's district spans several local authorities, all served by the same children's services and police force.",
  postcodeOneAuthority: 'The postcode lies in one local authority.',
  forcesOnly: "The postcode's district is known only by police force: confirm the local authority.",
  noChildrenServices:
    "The postcode's local authority has no children's services authority in the loaded data: confirm it.",
  townExact: 'The town given is the name of a local authority.',
  townNear: 'The town given is close to the name of a local authority: confirm it.',
} as const

export function readLocation(location: ChildLocation): LocationQuery {
  const councilAreaCode = present(location.councilAreaCode)
  const postcodeText = present(location.postcode)
  const town = present(location.town)
  const postcode = postcodeText === null ? null : readPostcode(postcodeText)
  // One free-text "town or postcode" answer may hold a postcode: use it as one.
  const townAsPostcode = postcode === null && town !== null ? readPostcode(town) : null
  return {
    councilAreaCode,
    postcode: postcode ?? townAsPostcode,
    town: townAsPostcode === null ? town : null,
    given: councilAreaCode !== null || postcodeText !== null || town !== null,
  }
}

export function readPostcode(text: string): PostcodeQuery | null {
  const full = parse(text)
  if (full.valid) return { postcode: full.postcode, district: full.outcode }
  const compact = text.replace(/\s+/g, '').toUpperCase()
  return validOutcode(compact) ? { postcode: null, district: compact } : null
}

export function decideJurisdiction(query: LocationQuery, found: LookedUp): Jurisdiction {
  if (!found.hasData) return national(REASONS.noData)
  return (
    fromCouncilArea(found.councilArea) ??
    fromPostcodeArea(query.postcode, found.postcodeArea) ??
    fromTown(query.town, found.towns ?? indexTowns(found.authorities)) ??
    national(query.given ? REASONS.notFound : REASONS.noLocation)
  )
}

function fromCouncilArea(authority: AuthorityRecord | null): Jurisdiction | null {
  if (authority === null) return null
  return {
    status: 'resolved',
    basis: 'council-area',
    candidates: [authorityCandidate(authority, 1)],
    reason: REASONS.councilArea,
  }
}

function fromPostcodeArea(
  query: PostcodeQuery | null,
  records: PostcodeAreaRecords | null,
): Jurisdiction | null {
  if (query === null || records === null) return null
  if (records.authorities.length > 0) return fromAreaAuthorities(records)
  if (records.policeForces.length > 0) {
    return {
      status: 'to-confirm',
      basis: records.basis,
      candidates: sortCandidates(records.policeForces.map(forceOnlyCandidate)),
      reason: REASONS.forcesOnly,
    }
  }
  return null
}

function fromAreaAuthorities(records: PostcodeAreaRecords): Jurisdiction {
  const candidates = sortCandidates(records.authorities.map(areaAuthorityCandidate))
  const only = candidates.length === 1 ? candidates[0] : undefined
  if (only?.childrenServices) {
    return {
      status: 'resolved',
      basis: records.basis,
      candidates,
      reason:
        records.basis === 'postcode' ? REASONS.postcodeOneAuthority : REASONS.districtOneAuthority,
    }
  }
  // What a referral needs is the children's services and the police force: when every part of
  // the district shares both, the route is certain even though the local authority is not.
  if (candidates.length > 1 && sameRoute(candidates)) {
    return {
      status: 'resolved',
      basis: records.basis,
      candidates,
      reason: REASONS.districtOneRoute,
    }
  }
  return { status: 'to-confirm', basis: records.basis, candidates, reason: straddles(candidates) }
}

function sameRoute(candidates: readonly JurisdictionCandidate[]): boolean {
  const [first] = candidates
  return (
    first?.childrenServices != null &&
    candidates.every(
      (c) =>
        c.childrenServices?.code === first.childrenServices?.code &&
        c.policeForce.code === first.policeForce.code,
    )
  )
}

function straddles(candidates: readonly JurisdictionCandidate[]): string {
  if (candidates.length === 1) return REASONS.noChildrenServices
  const authorities = new Set(candidates.map((c) => c.localAuthority?.code)).size
  const forces = new Set(candidates.map((c) => c.policeForce.code)).size
  return `The postcode's district spans ${plural(authorities, 'local authority', 'local authorities')} and ${plural(forces, 'police force', 'police forces')}: confirm which applies.`
}

function fromTown(town: string | null, towns: readonly TownEntry[]): Jurisdiction | null {
  if (town === null) return null
  const { matches, exact } = matchTownIn(town, towns)
  if (matches.length === 0) return null
  const share = 1 / matches.length
  const candidates = sortCandidates(matches.map((a) => authorityCandidate(a, share)))
  if (exact && matches.length === 1) {
    return { status: 'resolved', basis: 'town', candidates, reason: REASONS.townExact }
  }
  const reason =
    matches.length === 1
      ? REASONS.townNear
      : `The town given matches ${matches.length} local authorities: confirm which applies.`
  return { status: 'to-confirm', basis: 'town', candidates, reason }
}

/**
 * Matches a typed place against authority names in three steps, stopping at the first that
 * matches: the whole name; the typed text without words such as "city of" or "council"; then
 * both sides without them. Only the first two are exact: stripping an authority's own name
 * could turn "City of London" into "London", which is 33 authorities, so the third only
 * suggests candidates for a person to confirm.
 */
export function matchTown(
  town: string,
  authorities: readonly AuthorityRecord[],
): { matches: AuthorityRecord[]; exact: boolean } {
  return matchTownIn(town, indexTowns(authorities))
}

function matchTownIn(
  town: string,
  towns: readonly TownEntry[],
): { matches: AuthorityRecord[]; exact: boolean } {
  const typed = placeKey(town)
  const typedCore = stripQualifiers(typed)
  if (typed === '') return { matches: [], exact: false }
  const where = (keep: (t: TownEntry) => boolean) => towns.filter(keep).map((t) => t.authority)
  const byName = where((t) => t.key === typed)
  if (byName.length > 0) return { matches: byName, exact: true }
  const byTypedCore = where((t) => t.key === typedCore)
  if (byTypedCore.length > 0) return { matches: byTypedCore, exact: true }
  return { matches: where((t) => t.core === typedCore), exact: false }
}

/** Case, accents and punctuation do not distinguish places: "St. Helens" = "st helens". */
export function placeKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

const LEADING_QUALIFIERS = [
  'the',
  'city and county of',
  'city of',
  'county of',
  'county',
  'royal borough of',
  'london borough of',
  'metropolitan borough of',
  'borough of',
]
const TRAILING_QUALIFIERS = [
  'city council',
  'county council',
  'borough council',
  'district council',
  'council',
  'city',
  'county',
  'borough',
  'district',
]

function stripQualifiers(key: string): string {
  let current = key
  for (;;) {
    const next = stripOnce(current)
    if (next === current || next === '') return current
    current = next
  }
}

function stripOnce(key: string): string {
  for (const word of LEADING_QUALIFIERS) {
    if (key.startsWith(`${word} `)) return key.slice(word.length + 1)
  }
  for (const word of TRAILING_QUALIFIERS) {
    if (key.endsWith(` ${word}`)) return key.slice(0, -(word.length + 1))
  }
  return key
}

function authorityCandidate(authority: AuthorityRecord, share: number): JurisdictionCandidate {
  return {
    localAuthority: { code: authority.code, name: authority.name },
    childrenServices: {
      code: authority.childrenServicesCode,
      name: authority.childrenServicesName,
    },
    policeForce: area(authority.policeForceCode, authority.policeForceName),
    share,
  }
}

function areaAuthorityCandidate(record: AreaAuthorityRecord): JurisdictionCandidate {
  return {
    localAuthority: area(record.localAuthorityCode, record.localAuthorityName),
    childrenServices:
      record.childrenServicesCode === null
        ? null
        : area(record.childrenServicesCode, record.childrenServicesName),
    policeForce: area(record.policeForceCode, record.policeForceName),
    share: record.share,
  }
}

function forceOnlyCandidate(record: AreaPoliceForceRecord): JurisdictionCandidate {
  return {
    localAuthority: null,
    childrenServices: null,
    policeForce: area(record.policeForceCode, record.policeForceName),
    share: record.share,
  }
}

/** A code no table names is still shown, by its code, rather than dropped. */
function area(code: string, name: string | null): Area {
  return { code, name: name ?? code }
}

function sortCandidates(candidates: JurisdictionCandidate[]): JurisdictionCandidate[] {
  return candidates.sort(
    (a, b) =>
      b.share - a.share ||
      (a.localAuthority?.name ?? '').localeCompare(b.localAuthority?.name ?? '') ||
      a.policeForce.name.localeCompare(b.policeForce.name),
  )
}

function national(reason: string): Jurisdiction {
  return { status: 'national', basis: 'none', candidates: [], reason }
}

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}
