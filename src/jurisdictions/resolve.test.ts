import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type {
  AreaAuthorityRecord,
  AuthorityRecord,
  LocationQuery,
  LookedUp,
  PostcodeAreaRecords,
} from './resolve.js'
import { decideJurisdiction, matchTown, placeKey, readLocation, REASONS } from './resolve.js'

// Synthetic tables, shaped like the UK ones but small enough to read in the test.
const authority = (
  code: string,
  name: string,
  force: [string, string],
  childrenServices: [string, string] = [code, name],
): AuthorityRecord => ({
  code,
  name,
  childrenServicesCode: childrenServices[0],
  childrenServicesName: childrenServices[1],
  policeForceCode: force[0],
  policeForceName: force[1],
})

const CLEVELAND: [string, string] = ['PF-CLE', 'Cleveland Police']
const NORTH_YORKSHIRE: [string, string] = ['PF-NY', 'North Yorkshire Police']
const WEST_YORKSHIRE: [string, string] = ['PF-WY', 'West Yorkshire Police']

const AUTHORITIES: AuthorityRecord[] = [
  authority('LA-HAR', 'Hartlepool', CLEVELAND),
  authority('LA-YOR', 'York', NORTH_YORKSHIRE),
  authority('LA-LEE', 'Leeds', WEST_YORKSHIRE),
  authority('LA-COL', 'City of London', ['PF-COL', 'City of London Police']),
  authority('LA-GLA', 'Glasgow City', ['PF-SCO', 'Police Scotland']),
  authority('LA-STH', 'St. Helens', ['PF-MER', 'Merseyside Police']),
  authority('LA-EDV', 'East Devon', ['PF-DC', 'Devon and Cornwall Police'], ['CS-DEV', 'Devon']),
]

const districtPart = (
  code: string,
  name: string,
  force: [string, string],
  share: number,
): AreaAuthorityRecord => ({
  localAuthorityCode: code,
  localAuthorityName: name,
  childrenServicesCode: code,
  childrenServicesName: name,
  policeForceCode: force[0],
  policeForceName: force[1],
  share,
})

function district(authorities: AreaAuthorityRecord[]): PostcodeAreaRecords {
  return { basis: 'postcode-district', authorities, policeForces: [] }
}

const NOTHING: LookedUp = { hasData: true, councilArea: null, postcodeArea: null, authorities: [] }

function decide(location: Parameters<typeof readLocation>[0], found: Partial<LookedUp>) {
  return decideJurisdiction(readLocation(location), { ...NOTHING, ...found })
}

describe('reading the location', () => {
  it('normalises a full postcode and keeps its district', () => {
    const query: LocationQuery = readLocation({ postcode: ' ts24  7ab ' })
    assert.deepEqual(query.postcode, { postcode: 'TS24 7AB', district: 'TS24' })
  })

  it('accepts a district on its own', () => {
    assert.deepEqual(readLocation({ postcode: 'dt7' }).postcode, {
      postcode: null,
      district: 'DT7',
    })
  })

  it('treats a postcode typed as the town as a postcode', () => {
    const query = readLocation({ town: 'TS24 7AB' })
    assert.equal(query.postcode?.district, 'TS24')
    assert.equal(query.town, null)
  })

  it('ignores text that is not a postcode in the postcode field', () => {
    const query = readLocation({ postcode: 'not known' })
    assert.equal(query.postcode, null)
    assert.equal(query.given, true)
  })
})

describe('deciding a jurisdiction', () => {
  it('resolves a council area chosen on the form exactly', () => {
    const hartlepool = AUTHORITIES[0] ?? assert.fail()
    const result = decide({ councilAreaCode: 'LA-HAR' }, { councilArea: hartlepool })
    assert.equal(result.status, 'resolved')
    assert.equal(result.basis, 'council-area')
    assert.deepEqual(result.candidates, [
      {
        localAuthority: { code: 'LA-HAR', name: 'Hartlepool' },
        childrenServices: { code: 'LA-HAR', name: 'Hartlepool' },
        policeForce: { code: 'PF-CLE', name: 'Cleveland Police' },
        share: 1,
      },
    ])
  })

  it('resolves a postcode whose district lies in one authority', () => {
    const result = decide(
      { postcode: 'TS24 7AB' },
      { postcodeArea: district([districtPart('LA-HAR', 'Hartlepool', CLEVELAND, 1)]) },
    )
    assert.equal(result.status, 'resolved')
    assert.equal(result.basis, 'postcode-district')
    assert.equal(result.candidates[0]?.localAuthority?.name, 'Hartlepool')
    assert.equal(result.reason, REASONS.districtOneAuthority)
  })

  it('offers every authority and force of a straddling district, with shares, to confirm', () => {
    const result = decide(
      { postcode: 'XX7 1AA' },
      {
        postcodeArea: district([
          districtPart('LA-EDV', 'East Devon', ['PF-DC', 'Devon and Cornwall Police'], 0.3251),
          districtPart('LA-DOR', 'Dorset Council', ['PF-DOR', 'Dorset Police'], 0.6749),
        ]),
      },
    )
    assert.equal(result.status, 'to-confirm')
    assert.deepEqual(
      result.candidates.map((c) => [c.localAuthority?.name, c.policeForce.name, c.share]),
      [
        ['Dorset Council', 'Dorset Police', 0.6749],
        ['East Devon', 'Devon and Cornwall Police', 0.3251],
      ],
    )
    assert.match(result.reason, /2 local authorities and 2 police forces/)
  })

  it('resolves a district split between authorities that share children’s services and a police force', () => {
    const county = (code: string, name: string, share: number): AreaAuthorityRecord => ({
      ...districtPart(code, name, ['PF-KENT', 'Kent Police'], share),
      childrenServicesCode: 'CS-KENT',
      childrenServicesName: 'Kent County Council',
    })
    const result = decide(
      { postcode: 'XK1 1AA' },
      { postcodeArea: district([county('LA-A', 'Ashford', 0.8), county('LA-B', 'Swale', 0.2)]) },
    )
    assert.equal(result.status, 'resolved')
    assert.equal(result.reason, REASONS.districtOneRoute)
    assert.deepEqual(
      result.candidates.map((c) => [c.localAuthority?.name, c.childrenServices?.name, c.share]),
      [
        ['Ashford', 'Kent County Council', 0.8],
        ['Swale', 'Kent County Council', 0.2],
      ],
    )
  })

  it('asks for the authority when a district is known only by police force', () => {
    const result = decide(
      { postcode: 'XY1 1AA' },
      {
        postcodeArea: {
          basis: 'postcode-district',
          authorities: [],
          policeForces: [{ policeForceCode: 'PF-X', policeForceName: null, share: 1 }],
        },
      },
    )
    assert.equal(result.status, 'to-confirm')
    assert.deepEqual(result.candidates, [
      {
        localAuthority: null,
        childrenServices: null,
        policeForce: { code: 'PF-X', name: 'PF-X' },
        share: 1,
      },
    ])
  })

  it('asks for the children’s services when the district names an authority no table knows', () => {
    const part: AreaAuthorityRecord = {
      ...districtPart('LA-OLD', 'LA-OLD', CLEVELAND, 1),
      localAuthorityName: null,
      childrenServicesCode: null,
      childrenServicesName: null,
    }
    const result = decide({ postcode: 'TS24 7AB' }, { postcodeArea: district([part]) })
    assert.equal(result.status, 'to-confirm')
    assert.equal(result.reason, REASONS.noChildrenServices)
  })

  it('prefers the council area to the postcode and the postcode to the town', () => {
    const [hartlepool, york] = AUTHORITIES
    const result = decide(
      { councilAreaCode: 'LA-HAR', postcode: 'YO1 1AA', town: 'York' },
      {
        councilArea: hartlepool ?? null,
        postcodeArea: district([districtPart('LA-YOR', 'York', NORTH_YORKSHIRE, 1)]),
        authorities: york ? [york] : [],
      },
    )
    assert.equal(result.basis, 'council-area')
  })

  it('falls back to the town when the postcode district is not in the data', () => {
    const result = decide({ postcode: 'ZZ99 9ZZ', town: 'Leeds' }, { authorities: AUTHORITIES })
    assert.equal(result.basis, 'town')
    assert.equal(result.candidates[0]?.localAuthority?.name, 'Leeds')
  })

  for (const [typed, expected] of [
    ['Leeds', 'Leeds'],
    ['  LEEDS ', 'Leeds'],
    ['city of york', 'York'],
    ['York City Council', 'York'],
    ['Hartlepool', 'Hartlepool'],
    ['hartlepool!', 'Hartlepool'],
    ['St Helens', 'St. Helens'],
    ['city of london', 'City of London'],
  ] as const) {
    it(`resolves the town "${typed}" to ${expected}`, () => {
      const result = decide({ town: typed }, { authorities: AUTHORITIES })
      assert.equal(result.status, 'resolved')
      assert.equal(result.basis, 'town')
      assert.deepEqual(
        result.candidates.map((c) => c.localAuthority?.name),
        [expected],
      )
    })
  }

  it('only suggests an authority whose name matches once its own "city" is dropped', () => {
    const result = decide({ town: 'Glasgow' }, { authorities: AUTHORITIES })
    assert.equal(result.status, 'to-confirm')
    assert.equal(result.candidates[0]?.localAuthority?.name, 'Glasgow City')
  })

  it('never resolves "London" to the City of London on its own', () => {
    const result = decide({ town: 'London' }, { authorities: AUTHORITIES })
    assert.notEqual(result.status, 'resolved')
  })

  it('offers every authority a town name matches, with equal shares', () => {
    const twins = [
      authority('LA-N1', 'Newport', ['PF-1', 'Force One']),
      authority('LA-N2', 'Newport', ['PF-2', 'Force Two']),
    ]
    const result = decide({ town: 'Newport' }, { authorities: twins })
    assert.equal(result.status, 'to-confirm')
    assert.deepEqual(
      result.candidates.map((c) => c.share),
      [0.5, 0.5],
    )
  })

  it('sends an unknown place to national, to be confirmed', () => {
    const result = decide({ town: 'Atlantis' }, { authorities: AUTHORITIES })
    assert.deepEqual(result, {
      status: 'national',
      basis: 'none',
      candidates: [],
      reason: REASONS.notFound,
    })
  })

  it('sends every location to national when no data is loaded', () => {
    const hartlepool = AUTHORITIES[0] ?? null
    const result = decide(
      { councilAreaCode: 'LA-HAR', town: 'Hartlepool' },
      { hasData: false, councilArea: hartlepool, authorities: AUTHORITIES },
    )
    assert.equal(result.status, 'national')
    assert.equal(result.reason, REASONS.noData)
  })

  it('sends a report with no location to national', () => {
    const result = decide({ councilAreaCode: null, postcode: '', town: '   ' }, {})
    assert.equal(result.status, 'national')
    assert.equal(result.reason, REASONS.noLocation)
  })

  it('never repeats the typed location in the reason', () => {
    const result = decide({ town: 'Somewhere Secret', postcode: 'AB1 2CD' }, {})
    assert.doesNotMatch(result.reason, /Somewhere|AB1/i)
  })
})

describe('place names', () => {
  it('ignores case, accents, apostrophes and punctuation', () => {
    assert.equal(placeKey("King's Lynn"), 'kings lynn')
    assert.equal(placeKey('Stoke-on-Trent'), 'stoke on trent')
    assert.equal(placeKey('Ynys Môn'), 'ynys mon')
    assert.equal(placeKey('Brighton & Hove'), 'brighton and hove')
  })

  it('matches nothing for an empty name', () => {
    assert.deepEqual(matchTown('  -- ', AUTHORITIES), { matches: [], exact: false })
  })
})
