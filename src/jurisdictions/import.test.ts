import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import type { JurisdictionTables } from './import.js'
import { detectKind, JurisdictionFileError, readJurisdictionFile } from './import.js'

function read(csv: string): Promise<JurisdictionTables> {
  return readJurisdictionFile(Readable.from([csv]))
}

function csv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.join(',')).join('\n') + '\n'
}

// The columns of an ONS postcode lookup that matter, among some that do not, in NSPL order.
const NSPL_HEADER = ['pcd', 'pcd2', 'pcds', 'dointr', 'doterm', 'usertype', 'laua', 'ctry', 'pfa']

function nsplRow(pcds: string, doterm: string, laua: string, pfa: string): string[] {
  const compact = pcds.replace(' ', '')
  return [compact, compact, pcds, '199801', doterm, '0', laua, 'E92000001', pfa]
}

describe('telling a file’s kind from its header', () => {
  const headers: [string, string][] = [
    ['pfa_code,ons_pfa_name,force_name,police_uk_id,nation,kind,note', 'police-forces'],
    [
      'lad_gss,lad_name,lad_type,nation,upper_tier_gss,upper_tier_name,pfa_code,pfa_name,note',
      'local-authorities',
    ],
    [
      'postcode_district,lad_code_nspl_nov2021,current_la_gss,current_la_name,upper_tier_gss,upper_tier_name,pfa_code,live_postcodes,share_of_district',
      'postcode-district-authorities',
    ],
    [
      'postcode_district,postcode_area,pfa_code,pfa_name,live_postcodes,share_of_district,forces_in_district',
      'postcode-district-police-forces',
    ],
    [NSPL_HEADER.join(','), 'ons-postcode-lookup'],
    ['PCDS,DOTERM,LAD23CD,PFA23CD', 'ons-postcode-lookup'],
    ['pcd,pcds,doterm,oslaua,pfa', 'ons-postcode-lookup'],
  ]
  for (const [header, kind] of headers) {
    it(`reads ${header.slice(0, 40)}… as ${kind}`, () => {
      assert.equal(detectKind(header.split(',')).kind, kind)
    })
  }

  it('refuses an unknown header, naming the columns it expected', () => {
    assert.throws(
      () => detectKind(['name', 'postcode', 'area']),
      (error: unknown) =>
        error instanceof JurisdictionFileError &&
        error.message.includes('pcds, doterm') &&
        error.message.includes('lad_gss, lad_name, upper_tier_gss, upper_tier_name, pfa_code') &&
        error.message.includes('pfa_code, force_name'),
    )
  })

  it('refuses an empty file', async () => {
    await assert.rejects(read(''), JurisdictionFileError)
  })
})

describe('aggregating an ONS postcode lookup to districts', () => {
  const lookup = csv([
    NSPL_HEADER,
    nsplRow('AB1 1AA', '', 'LA-ONE', 'PF-A'),
    nsplRow('AB1 1AB', '', 'LA-ONE', 'PF-A'),
    nsplRow('AB1 1AD', '', 'LA-ONE', 'PF-A'),
    nsplRow('AB1 2AA', '', 'LA-TWO', 'PF-B'),
    // terminated postcodes: not where anyone lives now
    nsplRow('AB1 9ZZ', '200512', 'LA-TWO', 'PF-B'),
    nsplRow('AB1 9ZY', '201901', 'LA-TWO', 'PF-B'),
    nsplRow('CD10 1AA', '', 'LA-TWO', 'PF-B'),
    // ONS's "no authority" code: the force is still known
    nsplRow('XY1 1AA', '', 'L99999999', 'L99999999'),
    nsplRow('not a postcode', '', 'LA-ONE', 'PF-A'),
  ])

  it('counts live postcodes per district, authority and force, with shares', async () => {
    const tables = await read(lookup)
    assert.equal(tables.kind, 'ons-postcode-lookup')
    assert.deepEqual(
      tables.districtAuthorities.map((r) => [
        r.district,
        r.localAuthorityCode,
        r.policeForceCode,
        r.livePostcodes,
        r.share,
      ]),
      [
        ['AB1', 'LA-ONE', 'PF-A', 3, 0.75],
        ['AB1', 'LA-TWO', 'PF-B', 1, 0.25],
        ['CD10', 'LA-TWO', 'PF-B', 1, 1],
      ],
    )
  })

  it('keeps the police forces of districts outside any authority', async () => {
    const tables = await read(lookup)
    assert.deepEqual(
      tables.districtPoliceForces.map((r) => [r.district, r.policeForceCode, r.share]),
      [
        ['AB1', 'PF-A', 0.75],
        ['AB1', 'PF-B', 0.25],
        ['CD10', 'PF-B', 1],
        ['XY1', 'L99999999', 1],
      ],
    )
  })

  it('skips terminated postcodes and unreadable ones', async () => {
    const tables = await read(lookup)
    assert.equal(tables.recordsRead, 9)
    assert.equal(tables.skipped, 3)
  })
})

describe('reading the district and register tables', () => {
  it('merges rows of former authorities that now fold into one', async () => {
    const tables = await read(
      csv([
        [
          'postcode_district',
          'current_la_gss',
          'current_la_name',
          'pfa_code',
          'live_postcodes',
          'share_of_district',
        ],
        ['hg 4', 'LA-NY', 'North Yorkshire', 'PF-NY', '928', '0.9317'],
        ['HG4', 'LA-NY', 'North Yorkshire', 'PF-NY', '51', '0.0512'],
        ['HG4', 'LA-NY', 'North Yorkshire', 'PF-NY', '17', '0.0171'],
        ['HG4', '', '', '', '1', '0.0001'],
      ]),
    )
    assert.equal(tables.kind, 'postcode-district-authorities')
    assert.equal(tables.districtAuthorities.length, 1)
    assert.deepEqual(tables.districtAuthorities[0], {
      district: 'HG4',
      localAuthorityCode: 'LA-NY',
      localAuthorityName: 'North Yorkshire',
      childrenServicesCode: null,
      childrenServicesName: null,
      policeForceCode: 'PF-NY',
      livePostcodes: 996,
      share: 1,
    })
    assert.equal(tables.skipped, 1)
  })

  it('skips forces with no code, which cover no place', async () => {
    const tables = await read(
      csv([
        ['pfa_code', 'force_name', 'police_uk_id'],
        ['PF-1', 'Force One', 'one'],
        ['', 'Railway Police', 'rail'],
      ]),
    )
    assert.deepEqual(
      tables.policeForces.map((f) => f.code),
      ['PF-1'],
    )
    assert.equal(tables.skipped, 1)
  })

  it('reads quoted names with commas', async () => {
    const tables = await read(
      'lad_gss,lad_name,upper_tier_gss,upper_tier_name,pfa_code\n' +
        'LA-1,"Bournemouth, Christchurch and Poole",LA-1,"Bournemouth, Christchurch and Poole",PF-1\n',
    )
    assert.equal(tables.localAuthorities[0]?.name, 'Bournemouth, Christchurch and Poole')
    assert.equal(tables.localAuthorities[0].policeForceName, null)
  })

  it('names the line of a malformed share', async () => {
    await assert.rejects(
      read(
        csv([
          ['postcode_district', 'pfa_code', 'live_postcodes', 'share_of_district'],
          ['AB1', 'PF-1', '10', '1.0'],
          ['AB2', 'PF-1', '10', 'lots'],
        ]),
      ),
      { name: 'JurisdictionFileError', message: /Line 3: share_of_district/ },
    )
  })

  it('refuses an authority with no children’s services authority', async () => {
    await assert.rejects(
      read(
        csv([
          ['lad_gss', 'lad_name', 'upper_tier_gss', 'upper_tier_name', 'pfa_code'],
          ['LA-1', 'One', '', '', 'PF-1'],
        ]),
      ),
      { message: /Line 2: upper_tier_gss is empty/ },
    )
  })
})
