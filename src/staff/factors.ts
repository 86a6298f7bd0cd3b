import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import type * as WebAuthn from '@simplewebauthn/server'
import { Secret, TOTP } from 'otpauth'
import { renderSVG } from 'uqr'
import type { StoredPasskey } from './repository.js'

/**
 * The two kinds of second factor: an authenticator app (TOTP, RFC 6238: 6 digits, 30 seconds)
 * and passkeys or security keys (WebAuthn, user verification required). Both are bound to the
 * service's address (SERVICE_URL), never to whatever Host a request claims.
 */
export interface FactorSettings {
  serviceName: string
  serviceUrl: string
}

const PERIOD = 30

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

function totp(secret: string, settings: FactorSettings, email: string): TOTP {
  return new TOTP({
    issuer: settings.serviceName,
    label: email,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
  })
}

/** What the enrolment page shows: the secret in groups of four, and as a QR code. */
export function totpEnrolment(secret: string, settings: FactorSettings, email: string) {
  const uri = totp(secret, settings, email).toString()
  const svg = renderSVG(uri, { border: 2 })
  return {
    secretGroups: secret.match(/.{1,4}/g) ?? [secret],
    qrCodeDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  }
}

/**
 * The time step of a valid code (now, or one step either side for a slow clock), or undefined.
 * The caller accepts each step once, so a code seen over someone's shoulder cannot be replayed.
 */
export function totpStep(
  secret: string,
  code: string,
  now: Date,
  settings: FactorSettings,
): number | undefined {
  const token = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(token)) return undefined
  const delta = totp(secret, settings, '').validate({ token, timestamp: now.getTime(), window: 1 })
  if (delta === null) return undefined
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta
}

/** Only for tests and the browser tests' "authenticator app". */
export function totpCode(secret: string, now: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: now.getTime() })
}

/**
 * The WebAuthn library, loaded when a passkey is first used: importing it takes longer than
 * the rest of the app's start-up together, which every process paid (each test file, each
 * worker, each instance restarting), most of which never meet a passkey.
 */
let webAuthnLibrary: Promise<typeof WebAuthn> | undefined
const webAuthn = () => (webAuthnLibrary ??= import('@simplewebauthn/server'))

const rpId = (settings: FactorSettings) => new URL(settings.serviceUrl).hostname
const origin = (settings: FactorSettings) => new URL(settings.serviceUrl).origin

export async function passkeyRegistrationOptions(
  settings: FactorSettings,
  person: { id: string; email: string; name: string },
  existing: readonly StoredPasskey[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await webAuthn()
  return generateRegistrationOptions({
    rpName: settings.serviceName,
    rpID: rpId(settings),
    userName: person.email,
    userDisplayName: person.name,
    userID: new TextEncoder().encode(person.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  })
}

export async function verifyPasskeyRegistration(
  settings: FactorSettings,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
): Promise<{
  credentialId: string
  publicKey: Uint8Array
  signCount: number
  transports: string[]
}> {
  const { verifyRegistrationResponse } = await webAuthn()
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge,
    expectedOrigin: origin(settings),
    expectedRPID: rpId(settings),
    requireUserVerification: true,
  })
  if (!result.verified) throw new Error('passkey registration not verified')
  const { credential } = result.registrationInfo
  return {
    credentialId: credential.id,
    publicKey: credential.publicKey,
    signCount: credential.counter,
    transports: credential.transports ?? [],
  }
}

export async function passkeyAuthenticationOptions(
  settings: FactorSettings,
  passkeys: readonly StoredPasskey[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await webAuthn()
  return generateAuthenticationOptions({
    rpID: rpId(settings),
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    userVerification: 'required',
  })
}

/** The passkey's new signature count when the response is genuine; throws when it is not. */
export async function verifyPasskeyAuthentication(
  settings: FactorSettings,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  passkey: StoredPasskey,
): Promise<number> {
  const { verifyAuthenticationResponse } = await webAuthn()
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: origin(settings),
    expectedRPID: rpId(settings),
    credential: {
      id: passkey.credentialId,
      publicKey: new Uint8Array(passkey.publicKey),
      counter: passkey.signCount,
      transports: passkey.transports,
    },
    requireUserVerification: true,
  })
  if (!result.verified) throw new Error('passkey authentication not verified')
  return result.authenticationInfo.newCounter
}
