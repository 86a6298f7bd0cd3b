import { totpCode } from '../../src/staff/factors.js'
import type { TestPerson } from '../../test/staff.js'
import { PageObject, type StartedApp } from './browser.js'

/** The staff side's page-object base: its navigation, and signing in as set-up leaves people. */
export class StaffPages extends PageObject {
  nav(name: string) {
    return this.page
      .getByRole('navigation', { name: 'Staff navigation' })
      .getByRole('link', { name, exact: true })
  }

  /** Signs in with a password and the next authenticator code, arriving at the staff home. */
  async signIn(person: TestPerson, app: StartedApp): Promise<void> {
    await this.page.goto('/staff/sign-in')
    await this.arrive('Sign in')
    await this.page.getByLabel('Email address').fill(person.email)
    await this.page.getByLabel('Password', { exact: true }).fill(person.password)
    await this.follow(this.button('Continue'))
    await this.arrive('Prove it is you')
    app.advanceClock(30_000) // a code is accepted once: each sign-in uses the next one
    await this.page
      .getByLabel('Code from your authenticator app')
      .fill(totpCode(person.totpSecret, app.test.deps.now()))
    await this.follow(this.button('Continue'))
    await this.arrive('Staff home')
  }
}
