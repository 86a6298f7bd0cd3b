/**
 * Sign-in throttling: after a few free failures, each further try must wait, twice as long each
 * time. Per account the wait stops growing at a minute, so someone hammering a colleague's
 * email can slow them down but never lock them out; per address it grows to a quarter of an
 * hour, which stops one machine trying passwords against many accounts. Accounts are keyed by
 * a hash of the email typed, known or not, so throttling says nothing about who has an account.
 */
export interface ThrottlePolicy {
  freeFailures: number
  maxWaitSeconds: number
}

export const ACCOUNT_THROTTLE: ThrottlePolicy = { freeFailures: 5, maxWaitSeconds: 60 }
export const ADDRESS_THROTTLE: ThrottlePolicy = { freeFailures: 20, maxWaitSeconds: 15 * 60 }

export function waitSeconds(
  state: { failures: number; lastFailureAt: Date } | undefined,
  policy: ThrottlePolicy,
  now: Date,
): number {
  if (!state || state.failures < policy.freeFailures) return 0
  const wait = Math.min(2 ** (state.failures - policy.freeFailures), policy.maxWaitSeconds)
  const waited = (now.getTime() - state.lastFailureAt.getTime()) / 1000
  return Math.max(0, Math.ceil(wait - waited))
}
