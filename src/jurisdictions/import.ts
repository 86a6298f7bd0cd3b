import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { toOutcode } from 'postcode'

/**
 * Reading an agency's jurisdiction tables from CSV. Each file's kind is told by its header row.
 * Codes are opaque strings; the only country-specific part is the ONS postcode lookup (NSPL or
 * ONSPD), which is aggregated here to the same postcode-district rows as the district tables.
 */

export type JurisdictionFileKind =
  | 'police-forces'
  | 'local-authorities'
  | 'postcode-district-authorities'
  | 'postcode-district-police-forces'
  | 'ons-postcode-lookup'

export interface PoliceForceRow {
  code: string
  name: string
  areaName: string | null
  policeUkId: string | null
  nation: string | null
  kind: string | null
  note: string | null
}

export interface LocalAuthorityRow {
  code: string
  name: string
  authorityType: string | null
  nation: string | null
  childrenServicesCode: string
  childrenServicesName: string
  policeForceCode: string
  policeForceName: string | null
  note: string | null
}

export interface DistrictAuthorityRow {
  district: string
  localAuthorityCode: string
  localAuthorityName: string | null
  childrenServicesCode: string | null
  childrenServicesName: string | null
  policeForceCode: string
  livePostcodes: number
  share: number
}

export interface DistrictPoliceForceRow {
  district: string
  policeForceCode: string
  policeForceName: string | null
  livePostcodes: number
  share: number
}

export interface JurisdictionTables {
  kind: JurisdictionFileKind
  policeForces: PoliceForceRow[]
  localAuthorities: LocalAuthorityRow[]
  districtAuthorities: DistrictAuthorityRow[]
  districtPoliceForces: DistrictPoliceForceRow[]
  /** Data records read (the header excluded). */
  recordsRead: number
  /** Records not loaded: rows with no code, terminated postcodes, postcodes with no district. */
  skipped: number
}

export class JurisdictionFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JurisdictionFileError'
  }
}

/** A required column: its name, or a pattern for columns renamed in each release. */
interface Column {
  label: string
  matches: (header: string) => boolean
}

interface KindSpec {
  kind: JurisdictionFileKind
  label: string
  required: Column[]
  optional: string[]
}

const named = (name: string): Column => ({ label: name, matches: (h) => h === name })
const pattern = (label: string, test: RegExp): Column => ({ label, matches: (h) => test.test(h) })

// Most specific first: the district-by-authority header also holds every district-by-force column.
const KINDS: readonly KindSpec[] = [
  {
    kind: 'ons-postcode-lookup',
    label: 'ONS postcode lookup (NSPL or ONSPD)',
    required: [
      named('pcds'),
      named('doterm'),
      pattern('laua or lad<yy>cd', /^(os)?laua$|^lad\d*cd$/),
      pattern('pfa or pfa<yy>cd', /^pfa(\d*cd)?$/),
    ],
    optional: [],
  },
  {
    kind: 'postcode-district-authorities',
    label: 'postcode districts by local authority',
    required: [
      'postcode_district',
      'current_la_gss',
      'pfa_code',
      'live_postcodes',
      'share_of_district',
    ].map(named),
    optional: ['current_la_name', 'upper_tier_gss', 'upper_tier_name'],
  },
  {
    kind: 'postcode-district-police-forces',
    label: 'postcode districts by police force',
    required: ['postcode_district', 'pfa_code', 'live_postcodes', 'share_of_district'].map(named),
    optional: ['pfa_name'],
  },
  {
    kind: 'local-authorities',
    label: 'local authorities',
    required: ['lad_gss', 'lad_name', 'upper_tier_gss', 'upper_tier_name', 'pfa_code'].map(named),
    optional: ['pfa_name', 'lad_type', 'nation', 'note'],
  },
  {
    kind: 'police-forces',
    label: 'police forces',
    required: ['pfa_code', 'force_name'].map(named),
    optional: ['ons_pfa_name', 'police_uk_id', 'nation', 'kind', 'note'],
  },
]

/** Looks a field up by column name; missing columns and blank cells read as ''. */
type Fields = (column: string) => string

export interface TableReader {
  readonly kind: JurisdictionFileKind
  add(record: readonly string[], line: number): void
  finish(): JurisdictionTables
}

export function detectKind(header: readonly string[]): {
  kind: JurisdictionFileKind
  columns: Map<string, number>
} {
  const names = header.map((h) => h.trim().toLowerCase())
  for (const spec of KINDS) {
    const columns = new Map<string, number>()
    for (const column of spec.required) {
      const index = names.findIndex(column.matches)
      if (index >= 0) columns.set(column.label, index)
    }
    if (columns.size < spec.required.length) continue
    for (const name of spec.optional) {
      const index = names.indexOf(name)
      if (index >= 0) columns.set(name, index)
    }
    return { kind: spec.kind, columns }
  }
  throw new JurisdictionFileError(unknownHeaderMessage())
}

function unknownHeaderMessage(): string {
  const lines = KINDS.map((spec) => {
    const optional = spec.optional.length > 0 ? ` (optional: ${spec.optional.join(', ')})` : ''
    return `  - ${spec.label}: ${spec.required.map((c) => c.label).join(', ')}${optional}`
  })
  return [
    'Its header row matches no known jurisdiction table. Expected the columns of one of:',
    ...lines,
  ].join('\n')
}

export function createTableReader(header: readonly string[]): TableReader {
  const { kind, columns } = detectKind(header)
  const fieldsOf =
    (record: readonly string[]): Fields =>
    (column) => {
      const index = columns.get(column)
      return index === undefined ? '' : (record[index] ?? '').trim()
    }
  const collector = COLLECTORS[kind]()
  let recordsRead = 0
  return {
    kind,
    add(record, line) {
      recordsRead += 1
      collector.add(fieldsOf(record), line)
    },
    finish: () => ({ ...emptyTables(kind), ...collector.finish(), recordsRead }),
  }
}

interface ParsedRecord {
  record: string[]
  info: { lines: number }
}

/** Reads one CSV file (already opened by the caller) into rows ready to load. */
export async function readJurisdictionFile(
  input: Readable | AsyncIterable<string | Buffer>,
): Promise<JurisdictionTables> {
  const source = input instanceof Readable ? input : Readable.from(input)
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true })
  source.on('error', (error) => parser.destroy(error))
  source.pipe(parser)
  let reader: TableReader | null = null
  for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
    if (reader === null) reader = createTableReader(record)
    else reader.add(record, info.lines)
  }
  if (reader === null) throw new JurisdictionFileError('The file is empty: it has no header row.')
  return reader.finish()
}

type Collected = Partial<
  Pick<
    JurisdictionTables,
    'policeForces' | 'localAuthorities' | 'districtAuthorities' | 'districtPoliceForces'
  >
> & { skipped: number }

interface Collector {
  add(fields: Fields, line: number): void
  finish(): Collected
}

const COLLECTORS: Record<JurisdictionFileKind, () => Collector> = {
  'police-forces': () => rowCollector(toPoliceForce, (rows) => ({ policeForces: rows })),
  'local-authorities': () => rowCollector(toLocalAuthority, (rows) => ({ localAuthorities: rows })),
  'postcode-district-authorities': () =>
    rowCollector(toDistrictAuthority, (rows) => ({
      districtAuthorities: mergeDistrictAuthorities(rows),
    })),
  'postcode-district-police-forces': () =>
    rowCollector(toDistrictPoliceForce, (rows) => ({
      districtPoliceForces: mergeDistrictPoliceForces(rows),
    })),
  'ons-postcode-lookup': () => createPostcodeAggregator(),
}

function rowCollector<T>(
  toRow: (fields: Fields, line: number) => T | null,
  finish: (rows: T[]) => Omit<Collected, 'skipped'>,
): Collector {
  const rows: T[] = []
  let skipped = 0
  return {
    add(fields, line) {
      const row = toRow(fields, line)
      if (row === null) skipped += 1
      else rows.push(row)
    },
    finish: () => ({ ...finish(rows), skipped }),
  }
}

function emptyTables(kind: JurisdictionFileKind): JurisdictionTables {
  return {
    kind,
    policeForces: [],
    localAuthorities: [],
    districtAuthorities: [],
    districtPoliceForces: [],
    recordsRead: 0,
    skipped: 0,
  }
}

/** Forces with no code (e.g. non-territorial forces) cover no place, so they are skipped. */
export function toPoliceForce(get: Fields): PoliceForceRow | null {
  const code = get('pfa_code')
  const name = get('force_name') || get('ons_pfa_name')
  if (code === '' || name === '') return null
  return {
    code,
    name,
    areaName: orNull(get('ons_pfa_name')),
    policeUkId: orNull(get('police_uk_id')),
    nation: orNull(get('nation')),
    kind: orNull(get('kind')),
    note: orNull(get('note')),
  }
}

export function toLocalAuthority(get: Fields, line: number): LocalAuthorityRow | null {
  const code = get('lad_gss')
  if (code === '') return null
  return {
    code,
    name: required(get, 'lad_name', line),
    authorityType: orNull(get('lad_type')),
    nation: orNull(get('nation')),
    childrenServicesCode: required(get, 'upper_tier_gss', line),
    childrenServicesName: required(get, 'upper_tier_name', line),
    policeForceCode: required(get, 'pfa_code', line),
    policeForceName: orNull(get('pfa_name')),
    note: orNull(get('note')),
  }
}

/** Parts of a district outside any authority or force (blank codes) cannot be routed. */
export function toDistrictAuthority(get: Fields, line: number): DistrictAuthorityRow | null {
  const localAuthorityCode = get('current_la_gss')
  const policeForceCode = get('pfa_code')
  if (localAuthorityCode === '' || policeForceCode === '') return null
  return {
    district: districtKey(required(get, 'postcode_district', line)),
    localAuthorityCode,
    localAuthorityName: orNull(get('current_la_name')),
    childrenServicesCode: orNull(get('upper_tier_gss')),
    childrenServicesName: orNull(get('upper_tier_name')),
    policeForceCode,
    livePostcodes: count(get('live_postcodes'), 'live_postcodes', line),
    share: share(get('share_of_district'), line),
  }
}

export function toDistrictPoliceForce(get: Fields, line: number): DistrictPoliceForceRow | null {
  const policeForceCode = get('pfa_code')
  if (policeForceCode === '') return null
  return {
    district: districtKey(required(get, 'postcode_district', line)),
    policeForceCode,
    policeForceName: orNull(get('pfa_name')),
    livePostcodes: count(get('live_postcodes'), 'live_postcodes', line),
    share: share(get('share_of_district'), line),
  }
}

/**
 * Several source rows can fold into one (two former authorities now merged share a district),
 * so rows with the same key are summed.
 */
export function mergeDistrictAuthorities(
  rows: readonly DistrictAuthorityRow[],
): DistrictAuthorityRow[] {
  return mergeRows(
    rows,
    (r) => `${r.district}\u0000${r.localAuthorityCode}\u0000${r.policeForceCode}`,
  )
}

export function mergeDistrictPoliceForces(
  rows: readonly DistrictPoliceForceRow[],
): DistrictPoliceForceRow[] {
  return mergeRows(rows, (r) => `${r.district}\u0000${r.policeForceCode}`)
}

function mergeRows<T extends { livePostcodes: number; share: number }>(
  rows: readonly T[],
  keyOf: (row: T) => string,
): T[] {
  const merged = new Map<string, T>()
  for (const row of rows) {
    const key = keyOf(row)
    const seen = merged.get(key)
    merged.set(
      key,
      seen === undefined
        ? { ...row }
        : {
            ...seen,
            livePostcodes: seen.livePostcodes + row.livePostcodes,
            share: Math.min(1, roundShare(seen.share + row.share)),
          },
    )
  }
  return [...merged.values()]
}

// ONS marks "no authority" (Channel Islands, Isle of Man, unassigned) with codes such as
// L99999999; their police force pseudo codes are kept, since a force table can name them.
const ONS_PSEUDO_CODE = /^[A-Z]99999999$/

/**
 * Aggregates an ONS postcode lookup to districts: live postcodes only (no termination date),
 * counted per district, authority and force; shares are of the district's live postcodes.
 */
export function createPostcodeAggregator(): Collector {
  const byAuthority = new Map<string, number>()
  const byForce = new Map<string, number>()
  const liveInDistrict = new Map<string, number>()
  let skipped = 0
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
  return {
    add(get) {
      const district = get('doterm') === '' ? toOutcode(get('pcds')) : null
      if (district === null) {
        skipped += 1
        return
      }
      const authority = get('laua or lad<yy>cd')
      const force = get('pfa or pfa<yy>cd')
      bump(liveInDistrict, district)
      if (force !== '') bump(byForce, `${district}\u0000${force}`)
      if (force !== '' && authority !== '' && !ONS_PSEUDO_CODE.test(authority)) {
        bump(byAuthority, `${district}\u0000${authority}\u0000${force}`)
      }
    },
    finish() {
      const shareOf = (district: string, n: number) =>
        roundShare(n / (liveInDistrict.get(district) ?? n))
      const districtAuthorities = [...byAuthority].map(([key, n]): DistrictAuthorityRow => {
        const [district = '', localAuthorityCode = '', policeForceCode = ''] = key.split('\u0000')
        return {
          district,
          localAuthorityCode,
          localAuthorityName: null,
          childrenServicesCode: null,
          childrenServicesName: null,
          policeForceCode,
          livePostcodes: n,
          share: shareOf(district, n),
        }
      })
      const districtPoliceForces = [...byForce].map(([key, n]): DistrictPoliceForceRow => {
        const [district = '', policeForceCode = ''] = key.split('\u0000')
        const row = { district, policeForceCode, policeForceName: null, livePostcodes: n }
        return { ...row, share: shareOf(district, n) }
      })
      return { districtAuthorities, districtPoliceForces, skipped }
    },
  }
}

/** District keys are compared without spaces and in capitals, whatever the source wrote. */
export function districtKey(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase()
}

function roundShare(value: number): number {
  return Math.round(value * 1e6) / 1e6
}

function required(get: Fields, column: string, line: number): string {
  const value = get(column)
  if (value === '') throw new JurisdictionFileError(`Line ${line}: ${column} is empty.`)
  return value
}

function count(text: string, column: string, line: number): number {
  const value = Number(text)
  if (text === '' || !Number.isInteger(value) || value < 0) {
    throw new JurisdictionFileError(`Line ${line}: ${column} must be a whole number.`)
  }
  return value
}

function share(text: string, line: number): number {
  const value = Number(text)
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new JurisdictionFileError(`Line ${line}: share_of_district must be between 0 and 1.`)
  }
  return value
}

function orNull(value: string): string | null {
  return value === '' ? null : value
}
