/**
 * When to try a message again after a failed attempt: exponential backoff with "full jitter"
 * in its upper half, so that many messages failing together (a partner's server down) do not
 * all come back at the same moment. Pure: the random number is passed in.
 */
export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60_000 }

/** The delay after attempt number `attempt` (1 = the first) failed; `random` in [0, 1). */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exponential * (0.5 + random / 2))
}
