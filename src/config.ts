import { isIP } from 'node:net'
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js'
import { z } from 'zod'
import {
  collectProblems,
  parseDeadlinePolicy,
  parseOfficeHours,
  parseTimeZone,
  parseWorkingDays,
  type OfficeCalendarSettings,
} from './triage/calendar-settings.js'
import { defaultDeadlinePolicy, type DeadlinePolicy } from './triage/deadlines.js'

/**
 * The only reader of the environment. Every problem is reported at once, and insecure
 * defaults are refused in production. Development secrets are not defaulted here: the
 * server generates them on first start (see secrets.ts) so nothing secret is committed.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const positiveInt = z.coerce.number().int().positive()

const isAddressOrRange = (entry: string): boolean => {
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  const bits = Number(prefix)
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128)
}

/**
 * Who may tell us a client's address in X-Forwarded-For: nobody ('false'), the proxies at these
 * addresses or ranges (only their entries are believed, so a client cannot name an address by
 * writing the header itself), or, outside production, anyone ('true').
 */
const trustedProxies = z.string().transform((value, context): boolean | string[] => {
  const flag = bool.safeParse(value)
  if (flag.success) return flag.data
  const entries = value.split(',').map((entry) => entry.trim())
  if (entries.length > 0 && entries.every(isAddressOrRange)) return entries
  context.addIssue({
    code: 'custom',
    message:
      "must be 'false', or the proxies' addresses or ranges (10.0.0.5, 10.0.0.0/8), comma-separated",
  })
  return z.NEVER
})
const offOrCount = z.coerce.number().int().min(0)

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_MIGRATION_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  ENCRYPTION_KEYS: z.string().optional(),
  ENCRYPTION_ACTIVE_KEY_ID: z.string().optional(),
  IDENTIFIER_KEYS: z.string().optional(),
  IDENTIFIER_ACTIVE_KEY_ID: z.string().optional(),
  PHONE_DEFAULT_COUNTRY: z
    .string()
    .refine((code) => isSupportedCountry(code), 'must be a country code such as GB')
    .default('GB'),
  COOKIE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DRAFT_TTL_MINUTES: positiveInt.default(120),
  REPORT_RATE_LIMIT_PER_MINUTE: positiveInt.default(300),
  API_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  API_KEY_GRACE_HOURS: positiveInt.default(24),
  API_IDEMPOTENCY_KEY_HOURS: positiveInt.default(24),
  REQUEST_TIMEOUT_SECONDS: positiveInt.default(30),
  HEADERS_TIMEOUT_SECONDS: positiveInt.default(10),
  KEEP_ALIVE_TIMEOUT_SECONDS: positiveInt.default(5),
  MAX_CONNECTIONS: positiveInt.default(1000),
  SHED_MAX_IN_PROGRESS: offOrCount.default(100),
  SHED_EVENT_LOOP_DELAY_MS: offOrCount.default(100),
  SHED_POOL_WAITING: offOrCount.default(50),
  SHED_RETRY_AFTER_SECONDS: positiveInt.default(5),
  CONTENT_DIR: z.string().min(1).default('./content'),
  EXIT_PAGE_URL: z.url({ protocol: /^https?$/ }).default('https://www.bbc.co.uk/weather'),
  TRUST_PROXY: trustedProxies.default(false),
  OFFICE_TIME_ZONE: z.string().min(1).default('Europe/London'),
  OFFICE_HOURS: z.string().min(1).default('09:00-17:00'),
  OFFICE_DAYS: z.string().min(1).default('Mon-Fri'),
  HOLIDAYS_FILE: z.string().min(1).optional(),
  TRIAGE_DEADLINES: z.string().min(1).default('P1=15m,P2=4h,P3=2wd,out-of-scope=5wd'),
  TRIAGE_RULES_FILE: z.string().min(1).optional(),
  SERVICE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  STAFF_SESSION_IDLE_MINUTES: positiveInt.default(15),
  STAFF_SESSION_MAX_HOURS: positiveInt.default(10),
  STAFF_ALLOW_TOTP: bool.default(true),
  CASE_FAILED_CONTACTS_BEFORE_TASK: positiveInt.max(20).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UNSAFE_TEST_ACK_BEFORE_COMMIT: bool.default(false),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().min(3).default('Safety Centre <no-reply@localhost>'),
  SMTP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  SMS_PROVIDER: z.enum(['log', 'http']).default('log'),
  SMS_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMS_HTTP_TOKEN: z.string().min(1).optional(),
  OUTBOX_MAX_ATTEMPTS: positiveInt.default(8),
  OUTBOX_RETRY_BASE_SECONDS: positiveInt.default(30),
  URGENT_REFERRAL_ACK_MINUTES: positiveInt.default(30),
  WORKER_IN_PROCESS: bool.default(true),
  OUTBOX_LEASE_SECONDS: positiveInt.default(120),
  UNSAFE_TEST_ENQUEUE_AFTER_COMMIT: bool.default(false),
})

export interface KeyRingConfig {
  activeKeyId: string
  keys: ReadonlyMap<string, Buffer>
}

export interface Config {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  /**
   * The tables' owner, for migrations only, so that the service (DATABASE_URL) can run as a
   * role that cannot rewrite the audit trail. Undefined: migrations run through DATABASE_URL.
   */
  databaseMigrationUrl: string | undefined
  databasePoolSize: number
  /** Undefined outside production means "generate and keep in DATA_DIR on first start". */
  encryptionKeys: KeyRingConfig | undefined
  /**
   * Keys of the keyed hashes that link reports naming the same identifier (src/links/).
   * Undefined outside production means "generate and keep in DATA_DIR on first start".
   */
  identifierKeys: KeyRingConfig | undefined
  /** Phone numbers written without an international prefix are read as this country's. */
  phoneDefaultCountry: CountryCode
  cookieSecret: string | undefined
  draftTtlMinutes: number
  reportRateLimitPerMinute: number
  /** The platform API: requests a minute per client, and how long rotated keys and idempotency keys last. */
  api: { rateLimitPerMinute: number; keyGraceHours: number; idempotencyKeyHours: number }
  /** How long a slow or silent client may hold a connection (see web/timeouts in app.ts). */
  connections: ConnectionLimits
  /** When this instance turns requests away as overloaded (web/load-shedding.ts). */
  shedding: SheddingSettings
  contentDir: string
  exitPageUrl: string
  /** Whose X-Forwarded-For entries are believed: nobody, the proxies at these addresses, or (not in production) anyone. */
  trustProxy: boolean | string[]
  logLevel: string
  secureCookies: boolean
  office: OfficeCalendarSettings
  deadlines: DeadlinePolicy
  /** Undefined means the rules shipped in content/triage/rules.json. */
  triageRulesFile: string | undefined
  /** The address people use, without a trailing slash: set-up links and passkeys are bound to it. */
  serviceUrl: string
  staff: StaffSettings
  /** Failed contact attempts in a row on a case that raise a task for a supervisor. */
  caseFailedContactsBeforeTask: number
  /**
   * Breaks intake on purpose: reports (from the form and the API) are acknowledged before they
   * are stored. Only for the negative control of `npm run bench:crash`, which must catch the
   * loss; refused in production.
   */
  unsafeTestAckBeforeCommit: boolean
  delivery: DeliverySettings
}

export interface DeliverySettings {
  smtpUrl: string | undefined
  smtpFrom: string
  /** false only in tests, to trust the test SMTP server's own certificate. */
  smtpRejectUnauthorized: boolean
  sms: { provider: 'log' } | { provider: 'http'; url: string; token: string }
  maxAttempts: number
  retryBaseMs: number
  /** How long a worker's claim on a message lasts; a crashed worker's messages wait this long. */
  leaseMs: number
  urgentAcknowledgeMinutes: number
  /** Whether the service runs the outbox worker itself (else run `npm run worker`). */
  workerInProcess: boolean
  /**
   * Breaks the outbox on purpose: a referral's delivery is written after the referral commits,
   * not with it. Only for the negative control of `npm run bench:outbox`; refused in production.
   */
  unsafeEnqueueAfterCommit: boolean
}

export interface SheddingSettings {
  /** Requests in progress on one instance beyond which new ones are shed; 0 turns this off. */
  maxInProgress: number
  /** Mean event-loop delay (ms) above which requests are shed; 0 turns this sign off. */
  maxEventLoopDelayMs: number
  /** Requests queued for a database connection above which requests are shed; 0: off. */
  maxPoolWaiting: number
  retryAfterSeconds: number
}

export interface StaffSettings {
  sessionIdleMinutes: number
  sessionMaxHours: number
  /** Whether an authenticator app (TOTP) may be the second factor, besides passkeys. */
  allowTotp: boolean
}

export interface ConnectionLimits {
  /** The whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number
  /** The request's headers must arrive within this. */
  headersTimeoutMs: number
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number
  /** Open connections beyond this are refused at once. */
  maxConnections: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env)
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  // The settings below are checked on the raw values too, so that every problem is reported in
  // one go even when some variable already failed its basic format check.
  const setting = (name: keyof typeof schema.shape) => {
    const fallback = schema.shape[name].safeParse(undefined)
    return env[name] ?? (fallback.success ? String(fallback.data) : undefined)
  }
  const encryptionKeys = parseKeyRing(env.ENCRYPTION_KEYS, env.ENCRYPTION_ACTIVE_KEY_ID, problems)
  const identifierKeys = parseKeyRing(
    env.IDENTIFIER_KEYS,
    env.IDENTIFIER_ACTIVE_KEY_ID,
    problems,
    IDENTIFIER_KEY_SETTINGS,
  )
  const deadlines = collectProblems(problems, () =>
    parseDeadlinePolicy(setting('TRIAGE_DEADLINES') ?? ''),
  )
  if (Number(setting('HEADERS_TIMEOUT_SECONDS')) > Number(setting('REQUEST_TIMEOUT_SECONDS')))
    problems.push('HEADERS_TIMEOUT_SECONDS: must not be more than REQUEST_TIMEOUT_SECONDS')
  collectProblems(problems, () => parseTimeZone(setting('OFFICE_TIME_ZONE') ?? ''))
  collectProblems(problems, () => parseOfficeHours(setting('OFFICE_HOURS') ?? ''))
  collectProblems(problems, () => parseWorkingDays(setting('OFFICE_DAYS') ?? ''))
  if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
    problems.push('DATABASE_MIGRATION_URL: needs DATABASE_URL, the connection the service uses')
  }
  if (env.NODE_ENV === 'production') {
    if (!encryptionKeys) problems.push('ENCRYPTION_KEYS: required in production')
    if (!identifierKeys) problems.push('IDENTIFIER_KEYS: required in production')
    if (!env.COOKIE_SECRET) problems.push('COOKIE_SECRET: required in production')
    if (!env.SERVICE_URL?.startsWith('https://'))
      problems.push('SERVICE_URL: required in production, starting https://')
    if (bool.safeParse(env.UNSAFE_TEST_ACK_BEFORE_COMMIT).data === true)
      problems.push('UNSAFE_TEST_ACK_BEFORE_COMMIT: loses reports; never allowed in production')
    if (bool.safeParse(env.UNSAFE_TEST_ENQUEUE_AFTER_COMMIT).data === true)
      problems.push(
        'UNSAFE_TEST_ENQUEUE_AFTER_COMMIT: loses referrals; never allowed in production',
      )
    if (bool.safeParse(env.TRUST_PROXY).data === true)
      problems.push(
        "TRUST_PROXY: name the proxies' addresses or ranges in production; 'true' believes any address a client writes in X-Forwarded-For",
      )
    if (bool.safeParse(env.SMTP_TLS_REJECT_UNAUTHORIZED).data === false)
      problems.push('SMTP_TLS_REJECT_UNAUTHORIZED: must not be false in production')
  }
  if (env.SMS_PROVIDER === 'http' && (!env.SMS_HTTP_URL || !env.SMS_HTTP_TOKEN))
    problems.push('SMS_PROVIDER: http needs SMS_HTTP_URL and SMS_HTTP_TOKEN')
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems)
  const e = parsed.data
  const office = {
    timeZone: e.OFFICE_TIME_ZONE,
    officeHours: e.OFFICE_HOURS,
    workingDays: e.OFFICE_DAYS,
    ...(e.HOLIDAYS_FILE ? { holidaysFile: e.HOLIDAYS_FILE } : {}),
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databaseMigrationUrl: e.DATABASE_MIGRATION_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    encryptionKeys,
    identifierKeys,
    phoneDefaultCountry: e.PHONE_DEFAULT_COUNTRY,
    cookieSecret: e.COOKIE_SECRET,
    draftTtlMinutes: e.DRAFT_TTL_MINUTES,
    reportRateLimitPerMinute: e.REPORT_RATE_LIMIT_PER_MINUTE,
    api: {
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      keyGraceHours: e.API_KEY_GRACE_HOURS,
      idempotencyKeyHours: e.API_IDEMPOTENCY_KEY_HOURS,
    },
    connections: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      headersTimeoutMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
      maxConnections: e.MAX_CONNECTIONS,
    },
    shedding: {
      maxInProgress: e.SHED_MAX_IN_PROGRESS,
      maxEventLoopDelayMs: e.SHED_EVENT_LOOP_DELAY_MS,
      maxPoolWaiting: e.SHED_POOL_WAITING,
      retryAfterSeconds: e.SHED_RETRY_AFTER_SECONDS,
    },
    contentDir: e.CONTENT_DIR,
    exitPageUrl: e.EXIT_PAGE_URL,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    secureCookies: e.NODE_ENV === 'production',
    office,
    deadlines: deadlines ?? defaultDeadlinePolicy,
    triageRulesFile: e.TRIAGE_RULES_FILE,
    serviceUrl: e.SERVICE_URL.replace(/\/+$/, ''),
    staff: {
      sessionIdleMinutes: e.STAFF_SESSION_IDLE_MINUTES,
      sessionMaxHours: e.STAFF_SESSION_MAX_HOURS,
      allowTotp: e.STAFF_ALLOW_TOTP,
    },
    caseFailedContactsBeforeTask: e.CASE_FAILED_CONTACTS_BEFORE_TASK,
    unsafeTestAckBeforeCommit: e.UNSAFE_TEST_ACK_BEFORE_COMMIT,
    delivery: {
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
      smtpRejectUnauthorized: e.SMTP_TLS_REJECT_UNAUTHORIZED,
      sms:
        e.SMS_PROVIDER === 'http' && e.SMS_HTTP_URL && e.SMS_HTTP_TOKEN
          ? { provider: 'http', url: e.SMS_HTTP_URL, token: e.SMS_HTTP_TOKEN }
          : { provider: 'log' },
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.OUTBOX_RETRY_BASE_SECONDS * 1000,
      leaseMs: e.OUTBOX_LEASE_SECONDS * 1000,
      urgentAcknowledgeMinutes: e.URGENT_REFERRAL_ACK_MINUTES,
      workerInProcess: e.WORKER_IN_PROCESS,
      unsafeEnqueueAfterCommit: e.UNSAFE_TEST_ENQUEUE_AFTER_COMMIT,
    },
  }
}

const ENCRYPTION_KEY_SETTINGS = { keys: 'ENCRYPTION_KEYS', active: 'ENCRYPTION_ACTIVE_KEY_ID' }
const IDENTIFIER_KEY_SETTINGS = { keys: 'IDENTIFIER_KEYS', active: 'IDENTIFIER_ACTIVE_KEY_ID' }

/** `ENCRYPTION_KEYS` is `id:base64key,id:base64key`; each key is 32 random bytes. */
export function parseKeyRing(
  value: string | undefined,
  activeKeyId: string | undefined,
  problems: string[],
  settings: { keys: string; active: string } = ENCRYPTION_KEY_SETTINGS,
): KeyRingConfig | undefined {
  if (!value) return undefined
  const keys = new Map<string, Buffer>()
  for (const entry of value.split(',').map((s) => s.trim())) {
    const [id, key] = entry.split(':')
    const bytes = key ? Buffer.from(key, 'base64') : Buffer.alloc(0)
    if (!id || !/^[\w-]+$/.test(id) || bytes.length !== 32) {
      problems.push(`${settings.keys}: each entry must be id:base64 of 32 bytes`)
      return undefined
    }
    keys.set(id, bytes)
  }
  const active = activeKeyId ?? [...keys.keys()][0]
  if (!active || !keys.has(active)) {
    problems.push(`${settings.active}: must name one of ${settings.keys}`)
    return undefined
  }
  return { activeKeyId: active, keys }
}
