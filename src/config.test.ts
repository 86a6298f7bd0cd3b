import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig, parseKeyRing } from './config.js'

const KEY_A = randomBytes(32).toString('base64')
const KEY_B = randomBytes(32).toString('base64')
const COOKIE_SECRET = randomBytes(32).toString('base64url')

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    assert.ok(error instanceof ConfigError)
    return error.problems
  }
  return assert.fail('expected the configuration to be refused')
}

describe('configuration', () => {
  it('starts with safe defaults for development when nothing is set', () => {
    const config = loadConfig({})
    assert.equal(config.env, 'development')
    assert.equal(config.port, 3000)
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.dataDir, './data')
    assert.equal(config.databaseUrl, undefined)
    assert.equal(config.databaseMigrationUrl, undefined)
    assert.equal(config.databasePoolSize, 10)
    assert.equal(config.encryptionKeys, undefined)
    assert.equal(config.cookieSecret, undefined)
    assert.equal(config.draftTtlMinutes, 120)
    assert.equal(config.reportRateLimitPerMinute, 300)
    assert.equal(config.exitPageUrl, 'https://www.bbc.co.uk/weather')
    assert.equal(config.trustProxy, false)
    assert.equal(config.logLevel, 'info')
    assert.equal(config.secureCookies, false)
    assert.deepEqual(config.connections, {
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1000,
    })
    assert.deepEqual(config.shedding, {
      maxInProgress: 100,
      maxEventLoopDelayMs: 100,
      maxPoolWaiting: 50,
      retryAfterSeconds: 5,
    })
  })

  it('turns off each sign of overload at 0, and refuses a Retry-After of 0', () => {
    const config = loadConfig({
      SHED_MAX_IN_PROGRESS: '0',
      SHED_EVENT_LOOP_DELAY_MS: '0',
      SHED_POOL_WAITING: '0',
    })
    assert.equal(config.shedding.maxInProgress, 0)
    assert.equal(config.shedding.maxEventLoopDelayMs, 0)
    assert.equal(config.shedding.maxPoolWaiting, 0)
    assert.throws(() => loadConfig({ SHED_RETRY_AFTER_SECONDS: '0' }), /SHED_RETRY_AFTER_SECONDS/)
    assert.throws(() => loadConfig({ SHED_POOL_WAITING: '-1' }), /SHED_POOL_WAITING/)
  })

  it('refuses a headers timeout longer than the whole request may take', () => {
    const problems = problemsOf({ HEADERS_TIMEOUT_SECONDS: '60', REQUEST_TIMEOUT_SECONDS: '30' })
    assert.ok(
      problems.some((p) => p.startsWith('HEADERS_TIMEOUT_SECONDS')),
      problems.join('\n'),
    )
    assert.throws(() => loadConfig({ MAX_CONNECTIONS: '0' }), /MAX_CONNECTIONS/)
  })

  it('reads numbers, flags and addresses from their text', () => {
    const config = loadConfig({
      PORT: '8080',
      DRAFT_TTL_MINUTES: '30',
      TRUST_PROXY: '1',
      DATABASE_URL: 'postgres://app@db.internal:5432/safety',
      DATABASE_MIGRATION_URL: 'postgresql://owner@db.internal:5432/safety',
    })
    assert.equal(config.port, 8080)
    assert.equal(config.draftTtlMinutes, 30)
    assert.equal(config.trustProxy, true)
    assert.equal(config.databaseUrl, 'postgres://app@db.internal:5432/safety')
    assert.equal(config.databaseMigrationUrl, 'postgresql://owner@db.internal:5432/safety')
  })

  it('believes X-Forwarded-For only from the proxies it names, and never from anyone in production', () => {
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16, ::1' }).trustProxy, [
      '10.0.0.5',
      '10.1.0.0/16',
      '::1',
    ])
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false)
    for (const wrong of ['10.0.0.300', '10.0.0.0/33', 'proxy.internal', '10.0.0.5,', 'yes'])
      assert.throws(() => loadConfig({ TRUST_PROXY: wrong }), /TRUST_PROXY/, wrong)
    const production = problemsOf({ NODE_ENV: 'production', TRUST_PROXY: 'true' })
    assert.ok(
      production.some((p) => p.startsWith('TRUST_PROXY:')),
      production.join('; '),
    )
    assert.equal(
      problemsOf({ NODE_ENV: 'production', TRUST_PROXY: '10.0.0.0/8' }).some((p) =>
        p.startsWith('TRUST_PROXY:'),
      ),
      false,
    )
  })

  it('reports every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DRAFT_TTL_MINUTES: '-5',
      DATABASE_URL: 'mysql://db/safety',
      EXIT_PAGE_URL: 'javascript:alert(1)',
      COOKIE_SECRET: 'short',
      TRUST_PROXY: 'maybe',
      DATABASE_MIGRATION_URL: 'http://db/safety',
    })
    for (const name of [
      'DATABASE_MIGRATION_URL',
      'PORT',
      'DRAFT_TTL_MINUTES',
      'DATABASE_URL',
      'EXIT_PAGE_URL',
      'COOKIE_SECRET',
      'TRUST_PROXY',
    ])
      assert.ok(
        problems.some((p) => p.startsWith(`${name}:`)),
        `${name} in ${problems.join('; ')}`,
      )
  })

  it('refuses a migration connection without the service connection it is there to restrict', () => {
    const problems = problemsOf({
      DATABASE_MIGRATION_URL: 'postgres://owner@db.internal/safety',
      PORT: 'eighty',
    })
    assert.ok(
      problems.includes(
        'DATABASE_MIGRATION_URL: needs DATABASE_URL, the connection the service uses',
      ),
    )
    assert.ok(problems.some((p) => p.startsWith('PORT:')))
  })

  it('puts every problem in the error message', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.match(error.message, /PORT/)
        assert.match(error.message, /LOG_LEVEL/)
        return true
      },
    )
  })

  it('refuses to start in production without encryption keys or a cookie secret', () => {
    const problems = problemsOf({ NODE_ENV: 'production' })
    assert.ok(problems.includes('ENCRYPTION_KEYS: required in production'))
    assert.ok(problems.includes('IDENTIFIER_KEYS: required in production'))
    assert.ok(problems.includes('COOKIE_SECRET: required in production'))
    assert.ok(problems.includes('SERVICE_URL: required in production, starting https://'))
  })

  it('reads the staff session settings, and refuses a plain-http service address in production', () => {
    const config = loadConfig({
      STAFF_SESSION_IDLE_MINUTES: '20',
      STAFF_SESSION_MAX_HOURS: '8',
      STAFF_ALLOW_TOTP: 'false',
      SERVICE_URL: 'http://localhost:3000/',
    })
    assert.deepEqual(config.staff, { sessionIdleMinutes: 20, sessionMaxHours: 8, allowTotp: false })
    assert.equal(config.serviceUrl, 'http://localhost:3000')
    assert.ok(problemsOf({ STAFF_SESSION_IDLE_MINUTES: '0' }).some((p) => p.startsWith('STAFF_')))
    const problems = problemsOf({ NODE_ENV: 'production', SERVICE_URL: 'http://example.org' })
    assert.ok(problems.includes('SERVICE_URL: required in production, starting https://'))
  })

  it('reports a bad port together with the missing production secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: 'eighty' })
    assert.ok(problems.some((p) => p.startsWith('PORT:')))
    assert.ok(problems.includes('ENCRYPTION_KEYS: required in production'))
  })

  it('starts in production with real secrets, and then uses secure cookies', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEYS: `k1:${KEY_A}`,
      IDENTIFIER_KEYS: `links-1:${KEY_B}`,
      COOKIE_SECRET,
      SERVICE_URL: 'https://safety-centre.example.org',
    })
    assert.equal(config.secureCookies, true)
    assert.equal(config.encryptionKeys?.activeKeyId, 'k1')
    assert.equal(config.identifierKeys?.activeKeyId, 'links-1')
    assert.equal(config.cookieSecret, COOKIE_SECRET)
  })

  it('reads the identifier keys as a ring of their own, and the country phone numbers are from', () => {
    const config = loadConfig({
      IDENTIFIER_KEYS: `old:${KEY_A},new:${KEY_B}`,
      IDENTIFIER_ACTIVE_KEY_ID: 'new',
      PHONE_DEFAULT_COUNTRY: 'IE',
    })
    assert.ok(config.identifierKeys)
    assert.equal(config.identifierKeys.activeKeyId, 'new')
    assert.deepEqual([...config.identifierKeys.keys.keys()], ['old', 'new'])
    assert.equal(config.phoneDefaultCountry, 'IE')
    assert.equal(loadConfig({}).phoneDefaultCountry, 'GB')
    assert.deepEqual(
      problemsOf({
        IDENTIFIER_KEYS: 'k1:short',
        IDENTIFIER_ACTIVE_KEY_ID: 'k2',
        PHONE_DEFAULT_COUNTRY: 'Narnia',
      }).sort(),
      [
        'IDENTIFIER_KEYS: each entry must be id:base64 of 32 bytes',
        'PHONE_DEFAULT_COUNTRY: must be a country code such as GB',
      ],
    )
  })

  it('keeps the negative control of the crash benchmark off unless asked, and never in production', () => {
    assert.equal(loadConfig({}).unsafeTestAckBeforeCommit, false)
    assert.equal(
      loadConfig({ NODE_ENV: 'test', UNSAFE_TEST_ACK_BEFORE_COMMIT: 'true' })
        .unsafeTestAckBeforeCommit,
      true,
    )
    const problems = problemsOf({
      NODE_ENV: 'production',
      ENCRYPTION_KEYS: `k1:${KEY_A}`,
      IDENTIFIER_KEYS: `links-1:${KEY_B}`,
      COOKIE_SECRET,
      SERVICE_URL: 'https://safety.example.org',
      UNSAFE_TEST_ACK_BEFORE_COMMIT: 'true',
    })
    assert.deepEqual(problems, [
      'UNSAFE_TEST_ACK_BEFORE_COMMIT: loses reports; never allowed in production',
    ])
  })
})

describe('the encryption key ring', () => {
  const parse = (value: string | undefined, active?: string) => {
    const problems: string[] = []
    return { ring: parseKeyRing(value, active, problems), problems }
  }

  it('reads several keys and makes the named one active', () => {
    const { ring, problems } = parse(`2026-01:${KEY_A}, 2026-07:${KEY_B}`, '2026-07')
    assert.deepEqual(problems, [])
    assert.ok(ring)
    assert.equal(ring.activeKeyId, '2026-07')
    assert.deepEqual([...ring.keys.keys()], ['2026-01', '2026-07'])
    assert.deepEqual(ring.keys.get('2026-01'), Buffer.from(KEY_A, 'base64'))
  })

  it('makes the first key active when none is named', () => {
    assert.equal(parse(`first:${KEY_A},second:${KEY_B}`).ring?.activeKeyId, 'first')
  })

  it('has no ring when the variable is not set', () => {
    assert.deepEqual(parse(undefined), { ring: undefined, problems: [] })
  })

  for (const value of [
    `k1:${randomBytes(16).toString('base64')}`,
    'k1',
    `:${KEY_A}`,
    `bad id!:${KEY_A}`,
    `k1:${KEY_A},k2`,
  ]) {
    it(`refuses "${value.slice(0, 12)}…" as a key ring`, () => {
      assert.deepEqual(parse(value), {
        ring: undefined,
        problems: ['ENCRYPTION_KEYS: each entry must be id:base64 of 32 bytes'],
      })
    })
  }

  it('refuses an active key id that is not in the ring', () => {
    assert.deepEqual(parse(`k1:${KEY_A}`, 'k2'), {
      ring: undefined,
      problems: ['ENCRYPTION_ACTIVE_KEY_ID: must name one of ENCRYPTION_KEYS'],
    })
  })

  it('reports a bad key ring together with the other problems', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      ENCRYPTION_KEYS: 'k1:tooshort',
    })
    assert.ok(problems.includes('ENCRYPTION_KEYS: each entry must be id:base64 of 32 bytes'))
    assert.ok(problems.includes('COOKIE_SECRET: required in production'))
  })
})
