import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseAddedAgency, parsePartnerContacts } from './validation.js'

describe('partner agency details', () => {
  it('reads contacts, with empty fields as none', () => {
    assert.deepEqual(
      parsePartnerContacts({
        urgentPhone: ' 01632 960 001 ',
        email: 'referrals@example.org',
        openingHours: 'Any time, day or night',
        notes: '',
      }),
      {
        ok: true,
        value: {
          urgentPhone: '01632 960 001',
          email: 'referrals@example.org',
          openingHours: 'Any time, day or night',
          notes: null,
        },
      },
    )
    assert.deepEqual(parsePartnerContacts({}), {
      ok: true,
      value: { urgentPhone: null, email: null, openingHours: null, notes: null },
    })
  })

  it('accepts the ways people write phone numbers', () => {
    for (const phone of ['+44 (0)1632 960001', '01632-960-001', '101', '999']) {
      assert.equal(parsePartnerContacts({ urgentPhone: phone }).ok, true, phone)
    }
  })

  it('refuses a phone number or email address that is not one', () => {
    assert.deepEqual(
      parsePartnerContacts({ urgentPhone: 'call the desk', email: 'desk at police' }),
      {
        ok: false,
        errors: {
          urgentPhone: 'Enter a phone number, like 01632 960 001 or +44 1632 960 001',
          email: 'Enter an email address in the correct format, like name@example.org',
        },
      },
    )
    assert.equal(parsePartnerContacts({ urgentPhone: '1'.repeat(16) }).ok, false)
    assert.equal(parsePartnerContacts({ email: 'a@b' }).ok, false)
  })

  it('refuses text that is too long', () => {
    assert.deepEqual(parsePartnerContacts({ notes: 'x'.repeat(2001) }), {
      ok: false,
      errors: { notes: 'Notes must be 2,000 characters or less' },
    })
    assert.deepEqual(parsePartnerContacts({ openingHours: 'x'.repeat(501) }), {
      ok: false,
      errors: { openingHours: 'Opening hours must be 500 characters or less' },
    })
  })

  it('asks for the name and kind of an agency an administrator adds', () => {
    assert.deepEqual(parseAddedAgency({ email: 'nope' }), {
      ok: false,
      errors: {
        name: 'Enter the name of the agency',
        kind: 'Select what kind of agency it is',
        email: 'Enter an email address in the correct format, like name@example.org',
      },
    })
    assert.deepEqual(parseAddedAgency({ name: 'Northfield Schools Trust', kind: 'school-trust' }), {
      ok: true,
      value: {
        name: 'Northfield Schools Trust',
        kind: 'school-trust',
        urgentPhone: null,
        email: null,
        openingHours: null,
        notes: null,
      },
    })
  })

  it('does not let an administrator add a police force or children’s services by hand', () => {
    assert.deepEqual(parseAddedAgency({ name: 'A force', kind: 'police-force' }), {
      ok: false,
      errors: { kind: 'Select what kind of agency it is' },
    })
  })
})
