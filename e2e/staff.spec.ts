import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext } from 'playwright-core'
import { totpCode } from '../src/staff/factors.js'
import {
  Journey,
  PageObject,
  assertQuiet,
  closeContext,
  launchBrowser,
  newContext,
  startApp,
  type StartedApp,
} from './support/browser.js'

/** The staff side, page by page: each page arrives (one h1, axe WCAG 2.2 AA, a screenshot). */
class StaffPages extends PageObject {
  /** A link in the MoJ primary navigation. */
  nav(name: string) {
    return this.page
      .getByRole('navigation', { name: 'Staff navigation' })
      .getByRole('link', { name, exact: true })
  }

  async choosePassword(password: string): Promise<void> {
    await this.arrive('Create a password')
    await this.page.getByLabel('Password', { exact: true }).fill(password)
    await this.page.getByLabel('Confirm password', { exact: true }).fill(password)
    await this.follow(this.button('Continue'))
  }

  /** Enrols an authenticator app; returns its secret, read from the page as a person would. */
  async enrolAuthenticatorApp(now: () => Date): Promise<string> {
    await this.arrive('Set up a second way to prove it is you')
    await this.follow(this.link('Set up an authenticator app'))
    await this.arrive('Set up an authenticator app')
    const secret = (await this.page.locator('#secret-key').innerText()).replace(/\s/g, '')
    assert.match(secret, /^[A-Z2-7]{32}$/)
    await this.page.getByLabel('Code from the app').fill(totpCode(secret, now()))
    await this.follow(this.button('Continue'))
    return secret
  }

  async signInWithPassword(email: string, password: string): Promise<void> {
    await this.page.goto('/staff/sign-in')
    await this.arrive('Sign in')
    await this.page.getByLabel('Email address').fill(email)
    await this.page.getByLabel('Password', { exact: true }).fill(password)
    await this.follow(this.button('Continue'))
    await this.arrive('Prove it is you')
  }

  async signOut(): Promise<void> {
    await this.follow(this.button('Sign out'))
    await this.arrive('Sign in', 'signed-out')
    assert.equal(await this.page.getByText('You have signed out.').count(), 1)
  }

  async addStaff(name: string, email: string, role: string): Promise<string> {
    await this.follow(this.nav('Staff'))
    await this.arrive('Staff accounts')
    await this.follow(this.button('Add a member of staff'))
    await this.arrive('Add a member of staff')
    await this.follow(this.button('Add member of staff'))
    await this.arrive('Add a member of staff', 'error')
    await this.page.getByLabel('Full name').fill(name)
    await this.page.getByLabel('Email address').fill(email)
    await this.page.getByLabel(role).check()
    await this.follow(this.button('Add member of staff'))
    await this.arrive('Account created')
    return new URL(await this.page.locator('#set-up-link').innerText()).pathname
  }
}

describe('staff accounts in Chromium', () => {
  let browser: Browser
  let app: StartedApp
  const contexts: BrowserContext[] = []
  const now = () => app.test.deps.now()

  before(async () => {
    browser = await launchBrowser()
    app = await startApp({ hostname: 'localhost' })
  })

  after(async () => {
    for (const context of contexts) await closeContext(context)
    await browser.close()
    await app.close()
  })

  async function person(name: string) {
    const context = await newContext(browser, app)
    contexts.push(context)
    const journey = await Journey.start(context, `staff-${name}`)
    return { context, journey, pages: new StaffPages(journey) }
  }

  it('the set-up command makes an administrator, who adds an advisor and an auditor; the advisor uses a passkey, the auditor an app', async () => {
    // The command (`npm run staff -- create-admin`) calls this, on the test's database.
    const created = await app.test.deps.staff.createFirstAdministrator({
      email: 'ada.admin@example.org',
      name: 'Ada Admin',
    })
    assert.ok(created.kind === 'created')

    const admin = await person('administrator')
    await admin.journey.page.goto(new URL(created.link).pathname)
    await admin.pages.choosePassword('lantern orchard velvet admin')
    const adminSecret = await admin.pages.enrolAuthenticatorApp(now)
    await admin.pages.arrive('Staff home')
    const advisorLink = await admin.pages.addStaff(
      'Sam Advisor',
      'sam.advisor@example.org',
      'Child Protection Advisor',
    )
    const auditorLink = await admin.pages.addStaff(
      'Ash Auditor',
      'ash.auditor@example.org',
      'Auditor',
    )
    await admin.pages.follow(admin.pages.link('Go to their account'))
    await admin.pages.arrive('Ash Auditor')
    await admin.pages.follow(admin.pages.nav('Your account'))
    await admin.pages.arrive('Your account')
    await admin.pages.signOut()
    assertQuiet(admin.journey.watched)

    // The advisor: a passkey on Chromium's virtual authenticator, with user verification.
    const advisor = await person('advisor')
    const cdp = await advisor.context.newCDPSession(advisor.journey.page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    })
    await advisor.journey.page.goto(advisorLink)
    await advisor.pages.choosePassword('copper meadow lantern advisor')
    await advisor.pages.arrive('Set up a second way to prove it is you')
    await Promise.all([
      advisor.journey.page.waitForURL('**/staff'),
      advisor.pages.button('Set up a passkey').click(),
    ])
    await advisor.pages.arrive('Staff home', 'passkey-enrolled')
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    assert.equal(credentials.length, 1)
    await advisor.pages.signOut()
    await advisor.pages.signInWithPassword(
      'sam.advisor@example.org',
      'copper meadow lantern advisor',
    )
    await Promise.all([
      advisor.journey.page.waitForURL('**/staff'),
      advisor.pages.button('Use your passkey').click(),
    ])
    await advisor.pages.arrive('Staff home', 'passkey-signed-in')
    await advisor.pages.follow(advisor.pages.nav('Your account'))
    await advisor.pages.arrive('Your account')
    assert.equal(await advisor.pages.page.getByText(/^Added /).count(), 1)
    await advisor.journey.page.goto('/staff/audit')
    await advisor.pages.arrive('You do not have access to this page')
    assertQuiet(advisor.journey.watched)

    // The auditor: an authenticator app, then signing in again with a generated code.
    const auditor = await person('auditor')
    await auditor.journey.page.goto(auditorLink)
    await auditor.pages.choosePassword('harbour willow canvas auditor')
    const auditorSecret = await auditor.pages.enrolAuthenticatorApp(now)
    await auditor.pages.arrive('Staff home')
    await auditor.pages.signOut()
    await auditor.pages.signInWithPassword(
      'ash.auditor@example.org',
      'harbour willow canvas auditor',
    )
    app.advanceClock(30_000) // a code is accepted once: the next one
    await auditor.journey.page.getByLabel('Code from your authenticator app').fill('123')
    await auditor.pages.follow(auditor.pages.button('Continue'))
    await auditor.pages.arrive('Prove it is you', 'error')
    await auditor.journey.page
      .getByLabel('Code from your authenticator app')
      .fill(totpCode(auditorSecret, now()))
    await auditor.pages.follow(auditor.pages.button('Continue'))
    await auditor.pages.arrive('Staff home', 'app-signed-in')
    await auditor.pages.follow(auditor.pages.nav('Audit trail'))
    await auditor.pages.arrive('Audit trail')
    assert.ok((await auditor.journey.page.locator('tbody tr').count()) > 5)
    await auditor.journey.page.getByLabel('Event', { exact: true }).selectOption('staff.signed-in')
    await auditor.pages.follow(auditor.pages.button('Show events'))
    await auditor.pages.arrive('Audit trail', 'filtered')
    assertQuiet(auditor.journey.watched)

    // The administrator signs in again with a code from the app and reaches a member's page.
    await admin.pages.signInWithPassword('ada.admin@example.org', 'lantern orchard velvet admin')
    app.advanceClock(30_000)
    await admin.journey.page
      .getByLabel('Code from your authenticator app')
      .fill(totpCode(adminSecret, now()))
    await admin.pages.follow(admin.pages.button('Continue'))
    await admin.pages.arrive('Staff home', 'again')
    await admin.pages.follow(admin.pages.nav('Staff'))
    await admin.pages.arrive('Staff accounts', 'three')
    await admin.pages.follow(admin.pages.link('Sam Advisor'))
    await admin.pages.arrive('Sam Advisor')
    assertQuiet(admin.journey.watched)
  })
})
