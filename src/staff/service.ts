import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { recordAuditEvent } from '../audit/repository.js'
import type { AuditTrail } from '../audit/trail.js'
import type { Envelope, Sealed } from '../crypto/envelope.js'
import type { Db, Queryable } from '../db/db.js'
import {
  newTotpSecret,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  totpEnrolment,
  totpStep,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  type FactorSettings,
} from './factors.js'
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js'
import type { Role } from './permissions.js'
import * as repo from './repository.js'
import {
  clearThrottle,
  createSession,
  deleteSession,
  endSessionsOf,
  findLiveSession,
  hashSessionId,
  newSessionId,
  purgeDeadSessions,
  purgeThrottle,
  readThrottle,
  recordFailures,
  rotateSession,
  setChallenge,
  setPendingTotp,
  type SessionLimits,
  type SessionStage,
  type StaffSession,
} from './session-repository.js'
import { ACCOUNT_THROTTLE, ADDRESS_THROTTLE, waitSeconds } from './throttle.js'
import { normaliseEmail, passwordProblem } from './validation.js'

export const SETUP_LINK_HOURS = 24
/** Administration needs a second factor proven this recently. */
export const FRESH_FACTOR_MINUTES = 5

export interface StaffServiceOptions {
  db: Db
  envelope: Envelope
  now: () => Date
  factors: FactorSettings
  sessions: SessionLimits
  allowTotp: boolean
}

export type Factor = 'passkey' | 'authenticator-app'

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')
const accountKey = (email: string) => `account:${hashToken(email)}`
const addressKey = (address: string) => `address:${address}`
const factorKey = (staffId: string) => `factor:${staffId}`
const subjectOf = (staffId: string) => ({ type: 'staff', id: staffId })

const sealToJson = (s: Sealed) => ({
  keyId: s.keyId,
  wrappedKey: s.wrappedKey.toString('base64'),
  ciphertext: s.ciphertext.toString('base64'),
})
const sealFromJson = (j: { keyId: string; wrappedKey: string; ciphertext: string }): Sealed => ({
  keyId: j.keyId,
  wrappedKey: Buffer.from(j.wrappedKey, 'base64'),
  ciphertext: Buffer.from(j.ciphertext, 'base64'),
})

/**
 * Staff accounts and the door to the staff side: set-up links, passwords, second factors,
 * sessions and administration. Every change and every view of staff data is audited in the
 * transaction that makes it. Nothing here knows about HTTP: routes pass an AuditTrail that
 * carries the request's declared event, actor and address.
 */
export function staffService(options: StaffServiceOptions) {
  const { db, envelope, now, factors } = options
  const totpAad = (staffId: string) => `staff-totp:${staffId}`

  async function issueSetupLink(tx: Queryable, staffId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    const createdAt = now()
    await repo.insertSetupLink(tx, {
      tokenHash: hashToken(token),
      staffId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + SETUP_LINK_HOURS * 3_600_000),
    })
    return `${factors.serviceUrl}/staff/set-up/${token}`
  }

  async function startSession(tx: Queryable, staffId: string, stage: SessionStage) {
    const id = newSessionId()
    await createSession(tx, { idHash: hashSessionId(id), staffId, stage, now: now() })
    return id
  }

  /** Moves a session up a stage under a new id; returns the id for the cookie. */
  async function promote(
    tx: Queryable,
    session: StaffSession,
    stage: SessionStage,
    factorVerified: boolean,
  ): Promise<string> {
    const id = newSessionId()
    await rotateSession(tx, session.idHash, {
      newIdHash: hashSessionId(id),
      stage,
      ...(factorVerified ? { factorVerifiedAt: now() } : {}),
    })
    return id
  }

  async function throttleWait(keys: { account?: string; address?: string; factor?: string }) {
    const state = await readThrottle(db, Object.values(keys))
    const at = now()
    return Math.max(
      keys.account ? waitSeconds(state.get(keys.account), ACCOUNT_THROTTLE, at) : 0,
      keys.factor ? waitSeconds(state.get(keys.factor), ACCOUNT_THROTTLE, at) : 0,
      keys.address ? waitSeconds(state.get(keys.address), ADDRESS_THROTTLE, at) : 0,
    )
  }

  async function methodsOf(q: Queryable, staffId: string) {
    const [passkeys, totp] = await Promise.all([
      repo.listPasskeys(q, staffId),
      repo.findTotp(q, staffId),
    ])
    return { passkeys, totp: options.allowTotp ? totp : undefined }
  }

  return {
    allowTotp: options.allowTotp,

    /** The command-line way in: only while no active administrator exists. */
    async createFirstAdministrator(details: { email: string; name: string }) {
      return db.transaction(async (tx) => {
        if ((await repo.countAdministrators(tx)) > 0) return { kind: 'exists' as const }
        const id = randomUUID()
        await repo.insertStaff(tx, {
          id,
          email: normaliseEmail(details.email),
          name: details.name.trim(),
          roles: ['administrator'],
          createdAt: now(),
        })
        const link = await issueSetupLink(tx, id)
        await recordAuditEvent(tx, {
          occurredAt: now(),
          actor: 'command-line',
          event: 'staff.created',
          subjectType: 'staff',
          subjectId: id,
          details: { roles: 'administrator' },
        })
        return { kind: 'created' as const, id, link }
      })
    },

    async createStaff(audit: AuditTrail, details: { email: string; name: string; roles: Role[] }) {
      return db.transaction(async (tx) => {
        const id = randomUUID()
        await repo.insertStaff(tx, { id, ...details, createdAt: now() })
        const link = await issueSetupLink(tx, id)
        await audit.record(tx, subjectOf(id), { details: { roles: details.roles.join(' ') } })
        return { id, link }
      })
    },

    /** Names for the audit trail's people, and who may be given a report. */
    async people() {
      return (await repo.listStaff(db)).map((s) => ({
        id: s.id,
        name: s.name,
        roles: s.roles,
        active: s.status === 'active',
      }))
    },

    async listStaff(audit: AuditTrail) {
      return db.transaction(async (tx) => {
        const staff = await repo.listStaff(tx)
        await audit.record(tx, { type: 'staff', id: 'all' }, { details: { count: staff.length } })
        return staff
      })
    },

    async viewStaff(audit: AuditTrail, staffId: string) {
      return db.transaction(async (tx) => {
        const member = await repo.findStaff(tx, staffId)
        if (!member) return undefined
        const { passkeys, totp } = await methodsOf(tx, staffId)
        await audit.record(tx, subjectOf(staffId))
        return { member, passkeys: passkeys.length, authenticatorApp: totp !== undefined }
      })
    },

    /** Disable or enable; disabling ends every session of theirs at once. */
    async setStatus(audit: AuditTrail, staffId: string, status: repo.StaffStatus) {
      return db.transaction(async (tx) => {
        if (!(await repo.findStaff(tx, staffId))) return false
        await repo.setStatus(tx, staffId, status)
        const ended = status === 'disabled' ? await endSessionsOf(tx, staffId) : 0
        await audit.record(tx, subjectOf(staffId), { details: { sessionsEnded: ended } })
        return true
      })
    },

    /** New roles take effect at the person's next sign-in: their sessions end now. */
    async changeRoles(audit: AuditTrail, staffId: string, roles: Role[]) {
      return db.transaction(async (tx) => {
        const member = await repo.findStaff(tx, staffId)
        if (!member) return false
        await repo.setRoles(tx, staffId, roles)
        const ended = await endSessionsOf(tx, staffId)
        await audit.record(tx, subjectOf(staffId), {
          details: { from: member.roles.join(' '), to: roles.join(' '), sessionsEnded: ended },
        })
        return true
      })
    },

    /** Recovery: every factor removed, every session ended, and a new set-up link. */
    async resetSecondFactor(audit: AuditTrail, staffId: string) {
      return db.transaction(async (tx) => {
        if (!(await repo.findStaff(tx, staffId))) return undefined
        await repo.removeFactors(tx, staffId)
        const ended = await endSessionsOf(tx, staffId)
        const link = await issueSetupLink(tx, staffId)
        await audit.record(tx, subjectOf(staffId), { details: { sessionsEnded: ended } })
        return link
      })
    },

    /** The person a live set-up link is for, or undefined for a used, expired or unknown one. */
    async setupLinkFor(token: string) {
      const link = await repo.findLiveSetupLink(db, hashToken(token), now())
      return link ? repo.findStaff(db, link.staffId) : undefined
    },

    /**
     * Sets the password from a set-up link, using the link up, and starts a session whose
     * next step is enrolling a second factor.
     */
    async completeSetup(
      audit: AuditTrail,
      token: string,
      password: string,
      serviceName: string,
    ): Promise<
      | { kind: 'invalid-link' }
      | { kind: 'problem'; message: string }
      | { kind: 'done'; sessionId: string }
    > {
      const member = await this.setupLinkFor(token)
      if (!member) return { kind: 'invalid-link' }
      const problem = passwordProblem(password, { email: member.email, serviceName })
      if (problem) return { kind: 'problem', message: problem }
      const passwordHash = await hashPassword(password)
      return db.transaction(async (tx) => {
        const staffId = await repo.claimSetupLink(tx, hashToken(token), now())
        if (staffId !== member.id) return { kind: 'invalid-link' as const }
        await repo.setPassword(tx, staffId, passwordHash, now())
        await endSessionsOf(tx, staffId)
        const { passkeys, totp } = await methodsOf(tx, staffId)
        const stage = passkeys.length > 0 || totp ? 'second-factor' : 'enrol'
        const sessionId = await startSession(tx, staffId, stage)
        await audit.record(tx, subjectOf(staffId), { actor: `staff:${staffId}` })
        return { kind: 'done' as const, sessionId }
      })
    },

    /**
     * The first step of signing in. Unknown emails, wrong passwords, disabled accounts and
     * people who have not set a password all get the same answer after the same work.
     */
    async checkPassword(
      audit: AuditTrail,
      emailTyped: string,
      password: string,
      address: string,
    ): Promise<
      | { kind: 'wait'; seconds: number }
      | { kind: 'refused' }
      | { kind: 'accepted'; sessionId: string; stage: SessionStage }
    > {
      const email = normaliseEmail(emailTyped)
      const keys = { account: accountKey(email), address: addressKey(address) }
      const seconds = await throttleWait(keys)
      if (seconds > 0) return { kind: 'wait', seconds }
      const person = email ? await repo.findCredentialsByEmail(db, email) : undefined
      const matches = await verifyPassword(
        person?.passwordHash ?? (await dummyPasswordHash()),
        password,
      )
      const ok = matches && person?.passwordHash != null && person.status === 'active'
      if (!person || !ok) {
        await db.transaction(async (tx) => {
          await recordFailures(tx, [keys.account, keys.address], now())
          await audit.recordAs(
            tx,
            'staff.sign-in-failed',
            { type: 'staff', id: person?.id ?? 'unknown' },
            {
              actor: person ? `staff:${person.id}` : 'unknown',
              details: {
                why: !person
                  ? 'unknown-email'
                  : person.status !== 'active'
                    ? 'disabled'
                    : 'password',
              },
            },
          )
        })
        return { kind: 'refused' }
      }
      return db.transaction(async (tx) => {
        await clearThrottle(tx, keys.account)
        const { passkeys, totp } = await methodsOf(tx, person.id)
        const stage = passkeys.length > 0 || totp ? 'second-factor' : 'enrol'
        const sessionId = await startSession(tx, person.id, stage)
        await audit.record(tx, subjectOf(person.id), { actor: `staff:${person.id}` })
        return { kind: 'accepted' as const, sessionId, stage }
      })
    },

    /** The live session for a cookie value, checked against the database every time. */
    sessionFor(cookieValue: string | undefined): Promise<StaffSession | undefined> {
      if (!cookieValue) return Promise.resolve(undefined)
      return findLiveSession(db, hashSessionId(cookieValue), now(), options.sessions)
    },

    isFactorFresh(session: StaffSession): boolean {
      return (
        session.factorVerifiedAt !== null &&
        now().getTime() - session.factorVerifiedAt.getTime() <= FRESH_FACTOR_MINUTES * 60_000
      )
    },

    async factorsOf(staffId: string) {
      const { passkeys, totp } = await methodsOf(db, staffId)
      return { passkeys, authenticatorApp: totp !== undefined }
    },

    /** Ends a session without a trace of its own: the new one that replaces it is audited. */
    async endSession(session: StaffSession) {
      await deleteSession(db, session.idHash)
    },

    async viewOwnFactors(audit: AuditTrail, session: StaffSession) {
      return db.transaction(async (tx) => {
        const { passkeys, totp } = await methodsOf(tx, session.staff.id)
        await audit.record(tx, subjectOf(session.staff.id))
        return {
          passkeys: passkeys.map((p) => ({ createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
          authenticatorApp: totp !== undefined,
        }
      })
    },

    async signOut(audit: AuditTrail, session: StaffSession) {
      await db.transaction(async (tx) => {
        await deleteSession(tx, session.idHash)
        await audit.record(tx, subjectOf(session.staff.id))
      })
    },

    /**
     * A second factor proven with a code from the authenticator app: moves the session to
     * signed in (or refreshes it, for re-authentication) under a new id.
     */
    async proveWithCode(
      audit: AuditTrail,
      session: StaffSession,
      code: string,
    ): Promise<
      | { kind: 'wait'; seconds: number }
      | { kind: 'refused' }
      | { kind: 'proved'; sessionId: string }
    > {
      const staffId = session.staff.id
      const seconds = await throttleWait({ factor: factorKey(staffId) })
      if (seconds > 0) return { kind: 'wait', seconds }
      const stored = options.allowTotp ? await repo.findTotp(db, staffId) : undefined
      const step = stored
        ? totpStep(envelope.open(stored.secret, totpAad(staffId)), code, now(), factors)
        : undefined
      return db.transaction(async (tx) => {
        if (step === undefined || !(await repo.useTotpStep(tx, staffId, step))) {
          await recordFailures(tx, [factorKey(staffId)], now())
          await audit.recordAs(tx, 'staff.second-factor-failed', subjectOf(staffId), {
            details: { factor: 'authenticator-app' },
          })
          return { kind: 'refused' as const }
        }
        await clearThrottle(tx, factorKey(staffId))
        const sessionId = await promote(tx, session, 'signed-in', true)
        await audit.record(tx, subjectOf(staffId), { details: { factor: 'authenticator-app' } })
        return { kind: 'proved' as const, sessionId }
      })
    },

    async passkeyChallenge(session: StaffSession): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const passkeys = await repo.listPasskeys(db, session.staff.id)
      const challengeOptions = await passkeyAuthenticationOptions(factors, passkeys)
      await setChallenge(db, session.idHash, challengeOptions.challenge)
      return challengeOptions
    },

    async proveWithPasskey(
      audit: AuditTrail,
      session: StaffSession,
      response: AuthenticationResponseJSON,
    ): Promise<{ kind: 'refused' } | { kind: 'proved'; sessionId: string }> {
      const staffId = session.staff.id
      const passkey = await repo.findPasskey(db, response.id)
      let signCount: number | undefined
      if (passkey?.staffId === staffId && session.challenge) {
        signCount = await verifyPasskeyAuthentication(
          factors,
          response,
          session.challenge,
          passkey,
        ).catch(() => undefined)
      }
      return db.transaction(async (tx) => {
        await setChallenge(tx, session.idHash, null)
        if (!passkey || signCount === undefined) {
          await audit.recordAs(tx, 'staff.second-factor-failed', subjectOf(staffId), {
            details: { factor: 'passkey' },
          })
          return { kind: 'refused' as const }
        }
        await repo.recordPasskeyUse(tx, passkey.credentialId, signCount, now())
        const sessionId = await promote(tx, session, 'signed-in', true)
        await audit.record(tx, subjectOf(staffId), { details: { factor: 'passkey' } })
        return { kind: 'proved' as const, sessionId }
      })
    },

    /** Starts (or shows again) enrolling an authenticator app: the secret waits in the session. */
    async authenticatorAppEnrolment(session: StaffSession) {
      let secret: string
      if (session.pendingTotp) {
        secret = envelope.open(sealFromJson(session.pendingTotp), totpAad(session.staff.id))
      } else {
        secret = newTotpSecret()
        const sealed = envelope.seal(secret, totpAad(session.staff.id))
        await setPendingTotp(db, session.idHash, sealToJson(sealed))
      }
      return totpEnrolment(secret, factors, session.staff.email)
    },

    /** Enrols the app once its first code is right; finishing set-up signs the person in. */
    async enrolAuthenticatorApp(
      audit: AuditTrail,
      session: StaffSession,
      code: string,
    ): Promise<{ kind: 'refused' } | { kind: 'enrolled'; sessionId: string | undefined }> {
      const staffId = session.staff.id
      if (!session.pendingTotp) return { kind: 'refused' }
      const sealed = sealFromJson(session.pendingTotp)
      const secret = envelope.open(sealed, totpAad(staffId))
      const step = totpStep(secret, code, now(), factors)
      if (step === undefined) return { kind: 'refused' }
      return db.transaction(async (tx) => {
        await repo.saveTotp(tx, staffId, sealed, now())
        await repo.useTotpStep(tx, staffId, step)
        await setPendingTotp(tx, session.idHash, null)
        const sessionId =
          session.stage === 'enrol' ? await promote(tx, session, 'signed-in', true) : undefined
        await audit.record(tx, subjectOf(staffId), { details: { factor: 'authenticator-app' } })
        return { kind: 'enrolled' as const, sessionId }
      })
    },

    async passkeyRegistration(
      session: StaffSession,
    ): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const existing = await repo.listPasskeys(db, session.staff.id)
      const registration = await passkeyRegistrationOptions(factors, session.staff, existing)
      await setChallenge(db, session.idHash, registration.challenge)
      return registration
    },

    async enrolPasskey(
      audit: AuditTrail,
      session: StaffSession,
      response: RegistrationResponseJSON,
    ): Promise<{ kind: 'refused' } | { kind: 'enrolled'; sessionId: string | undefined }> {
      const staffId = session.staff.id
      const verified = session.challenge
        ? await verifyPasskeyRegistration(factors, response, session.challenge).catch(
            () => undefined,
          )
        : undefined
      return db.transaction(async (tx) => {
        await setChallenge(tx, session.idHash, null)
        if (!verified) {
          await audit.recordAs(tx, 'staff.factor-refused', subjectOf(staffId), {
            details: { factor: 'passkey' },
          })
          return { kind: 'refused' as const }
        }
        await repo.insertPasskey(tx, { ...verified, staffId, createdAt: now() })
        const sessionId =
          session.stage === 'enrol' ? await promote(tx, session, 'signed-in', true) : undefined
        await audit.record(tx, subjectOf(staffId), { details: { factor: 'passkey' } })
        return { kind: 'enrolled' as const, sessionId }
      })
    },

    /** Housekeeping: sessions past their limits and day-old throttle counts. */
    async purge() {
      const at = now()
      const sessions = await purgeDeadSessions(db, at, options.sessions)
      await purgeThrottle(db, at)
      return sessions
    },
  }
}

export type StaffService = ReturnType<typeof staffService>
