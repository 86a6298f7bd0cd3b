import { ALL_VARIANTS, buttonFile } from '../src/report-button/buttons.js'
import { paths } from '../src/web/paths.js'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { randomInt } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { connect } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Audience } from '../src/reports/model.js'
import { buildTestApp } from '../test/app.js'
import { reportSteps, type Form } from '../test/reports.js'
import {
  allowedAnswers,
  echoesUnescaped,
  encodeBody,
  prototypeSnapshot,
  routeMatches,
  type Answer,
} from './fuzz-checks.js'
import { fuzzRequests, MARK, REPORT_SLUGS, type FuzzRequest, type Wire } from './fuzz-requests.js'
import { fuzzStaff, newStaffFindings, staffUnreached, type StaffFindings } from './fuzz-staff.js'
import { percentile } from './stats.js'
import { TRUST_PAGES } from '../src/content/routes.js'

/**
 * `npm run fuzz`: fast-check generates hostile requests to every public route (hostile
 * Unicode, huge strings, wrong types and content types, `__proto__` keys, injection strings,
 * repeated fields, broken framing) and sends most through app.inject() and a share through
 * real sockets, to the real app on PGlite. It counts 5xx answers, answers outside each
 * route's allow-list, prototype pollution, unescaped echoes of a marker and error-level log
 * lines (all must be 0), and prints the p99 handling time. See docs/reliability.md.
 */
const BATCH = 1000
const SOCKET_TIMEOUT_MS = 10_000

interface Settings {
  runs: number
  /** Requests to the staff routes at random, after one to each route as each role. */
  staffRuns: number
  seed: number
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '100000' },
      'staff-runs': { type: 'string' },
      seed: { type: 'string' },
    },
  })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')
  const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed)
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer')
  const staffRuns =
    values['staff-runs'] === undefined ? Math.ceil(runs / 5) : Number(values['staff-runs'])
  if (!Number.isInteger(staffRuns) || staffRuns < 0)
    throw new Error('--staff-runs must be a non-negative integer')
  return { runs, staffRuns, seed }
}

/** A reporter part-way through the form, whose cookies and CSRF token requests can borrow. */
interface Session {
  cookie: string
  token: string
}

interface Findings {
  sent: number
  serverErrors: number
  /** Request class -> count, with the first example of each. */
  unexpected: Map<string, { count: number; example: string }>
  pollutedBatches: number
  pollution: string[]
  echoes: number
  echoExamples: string[]
  timeouts: number
  errorLogs: Map<string, number>
  /** Requests the harness itself could not send (an invalid header for the client library). */
  unsendable: number
  injectMs: number[]
  socketMs: number[]
  byStatus: Map<Answer, number>
}

async function main(): Promise<number> {
  const settings = readSettings()
  const findings: Findings = {
    sent: 0,
    serverErrors: 0,
    unexpected: new Map(),
    pollutedBatches: 0,
    pollution: [],
    echoes: 0,
    echoExamples: [],
    timeouts: 0,
    errorLogs: new Map(),
    unsendable: 0,
    injectMs: [],
    socketMs: [],
    byStatus: new Map(),
  }
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue
        const entry = JSON.parse(line) as {
          level?: number
          msg?: string
          err?: { type?: string; code?: string; stack?: string }
          /** A staff route's pattern (never its address or content), where one is logged. */
          route?: string
        }
        if ((entry.level ?? 0) < 50) continue
        // The message, the error's type and code and the function it came from: never content.
        const origin = /\n\s+at (\S+)/.exec(entry.err?.stack ?? '')?.[1]
        const key = [
          entry.msg,
          entry.route,
          entry.err?.type,
          entry.err?.code,
          origin && `at ${origin}`,
        ]
          .filter(Boolean)
          .join(' / ')
        findings.errorLogs.set(key, (findings.errorLogs.get(key) ?? 0) + 1)
      }
      done()
    },
  })
  const test = await buildTestApp({
    config: { reportRateLimitPerMinute: 1_000_000_000, logLevel: 'error' },
    logStream,
  })
  try {
    const { app, deps } = test
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address === 'string') throw new Error('Not listening on TCP')
    // Advice pages only: the pages about the service have addresses of their own.
    const trustPages: readonly string[] = Object.values(TRUST_PAGES)
    const contentPages = [...deps.content.pages.keys()].filter((s) => !trustPages.includes(s))
    const assets = await assetFiles()
    // The other public pages: about the service, the guides for professionals, the button.
    const otherPages = [
      ...Object.keys(TRUST_PAGES),
      paths.reportButton,
      ...ALL_VARIANTS.map(buttonFile),
      '/professionals/resources',
      // A partner's acknowledgement link, with a token that was never issued.
      paths.acknowledgeReferral('not-a-real-link'),
      '/api/v1/docs',
      '/api/v1/openapi.json',
      ...[...deps.content.resources.keys()].flatMap((slug) => [
        `/professionals/resources/${slug}`,
        `/professionals/resources/${slug}/download`,
      ]),
    ]
    const uncovered = unfuzzedRoutes(app, [...contentPages], assets, otherPages)
    printHeader(settings, assets.length)

    const arbitrary = fuzzRequests(contentPages, assets, SESSIONS.length, otherPages)
    const baseline = prototypeSnapshot()
    const started = performance.now()
    // SIGINT or SIGTERM stops after the batch in hand; the figures so far are still printed.
    const stop = { requested: false }
    const interrupt = () => {
      stop.requested = true
    }
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt)
    for (let done = 0, batch = 0; done < settings.runs && !stop.requested; batch++) {
      const size = Math.min(BATCH, settings.runs - done)
      const requests = fc.sample(arbitrary, { numRuns: size, seed: settings.seed + batch })
      const sessions = await prepareSessions(app)
      for (const [i, request] of requests.entries()) {
        await send(
          app,
          address.port,
          request,
          sessions,
          `${settings.seed.toString(36)}-${batch}-${i}`,
          findings,
        )
      }
      const after = prototypeSnapshot()
      const planted = ({} as Record<string, unknown>).polluted
      if (after !== baseline || planted !== undefined) {
        findings.pollutedBatches++
        findings.pollution.push(
          `batch ${batch}: ${after === baseline ? 'polluted property readable' : 'prototype keys changed'}`,
        )
      }
      done += size
      if (batch % 10 === 9) console.log(`  ${done} requests`)
    }
    const staff = newStaffFindings()
    if (!stop.requested) await fuzzStaff(test, settings.staffRuns, settings.seed, staff)
    const seconds = (performance.now() - started) / 1000
    return report(settings, findings, uncovered, seconds, staff, staffUnreached(app, staff))
  } finally {
    await test.close()
  }
}

const SESSIONS: readonly { audience: Audience; pages: number; submit?: boolean }[] = [
  { audience: 'parent-carer', pages: 0 },
  { audience: 'young-person', pages: 0 },
  { audience: 'parent-carer', pages: 3 },
  { audience: 'young-person', pages: 5 },
  { audience: 'professional', pages: 6 },
  { audience: 'parent-carer', pages: 99 },
  { audience: 'concerned-adult', pages: 99 },
  { audience: 'young-person', pages: 99, submit: true },
]

/**
 * Fresh reporters at several points of the form (none answered, some, all, sent), so that
 * requests with their cookies and token get past the CSRF check into each page's parser.
 */
async function prepareSessions(app: FastifyInstance): Promise<Session[]> {
  return Promise.all(
    SESSIONS.map(async ({ audience, pages, submit }) => {
      const cookies = new Map<string, string>()
      let token = ''
      const call = async (method: 'GET' | 'POST', url: string, form?: Form) => {
        const body = new URLSearchParams({ _csrf: token })
        for (const [k, v] of Object.entries(form ?? {}))
          for (const value of Array.isArray(v) ? v : [v]) body.append(k, value)
        const response = await app.inject({
          method,
          url,
          headers: {
            cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(method === 'POST' ? { payload: body.toString() } : {}),
        })
        for (const c of response.cookies) {
          if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()))
            cookies.delete(c.name)
          else cookies.set(c.name, c.value)
        }
        token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? token
      }
      await call('GET', '/report/who-are-you')
      for (const [slug, form] of reportSteps[audience].slice(0, pages)) {
        await call('GET', `/report/${slug}`)
        await call('POST', `/report/${slug}`, form)
      }
      if (submit) {
        await call('GET', '/report/check-your-answers')
        await call('POST', '/report/check-your-answers')
      }
      return { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), token }
    }),
  )
}

async function send(
  app: FastifyInstance,
  port: number,
  request: FuzzRequest,
  sessions: readonly Session[],
  id: string,
  findings: Findings,
): Promise<void> {
  const marker = `<x-sc-${id}>`
  const session = sessions[request.session]
  const { body, contentType } = encodeBody(request, session?.token ?? 'no-session-token', marker)
  const url = request.url.split(MARK).join(encodeURIComponent(marker))
  const headers: [string, string][] = request.headers.map(([k, v]) => [
    k,
    v.split(MARK).join(marker),
  ])
  if (session?.cookie) headers.push(['cookie', session.cookie])
  if (contentType !== undefined) headers.push(['content-type', contentType])

  const started = performance.now()
  let answer: Answer
  let text: string
  if (request.wire.via === 'inject') {
    try {
      const response = await app.inject({
        method: request.method as 'GET',
        url,
        headers: Object.fromEntries(headers),
        ...(body === undefined ? {} : { payload: body }),
      })
      answer = response.statusCode
      text = response.body
    } catch {
      findings.unsendable++
      return
    }
    findings.injectMs.push(performance.now() - started)
  } else {
    const result = await overSocket(port, request.method, url, headers, body, request.wire)
    if (result === 'timeout') {
      findings.timeouts++
      record(findings, request, 'timeout', url, body)
      return
    }
    answer = result.answer
    text = result.text
    findings.socketMs.push(performance.now() - started)
  }
  findings.sent++
  findings.byStatus.set(answer, (findings.byStatus.get(answer) ?? 0) + 1)
  if (typeof answer === 'number' && answer >= 500) findings.serverErrors++
  if (!allowedAnswers(request).has(answer)) record(findings, request, answer, url, body)
  if (echoesUnescaped(text, marker)) {
    findings.echoes++
    if (findings.echoExamples.length < 5) findings.echoExamples.push(describe(request, url, body))
  }
}

function record(
  findings: Findings,
  request: FuzzRequest,
  answer: Answer,
  url: string,
  body: string | undefined,
) {
  const key = `${wireLabel(request.wire)} ${request.method} ${request.kind}${request.hostilePath ? ' (hostile path)' : ''} body=${request.bodyClass} csrf=${request.csrf} -> ${String(answer)}`
  const seen = findings.unexpected.get(key)
  if (seen) seen.count++
  else findings.unexpected.set(key, { count: 1, example: describe(request, url, body) })
}

function describe(request: FuzzRequest, url: string, body: string | undefined): string {
  const clip = (s: string) => JSON.stringify(s.length > 160 ? `${s.slice(0, 160)}...` : s)
  return `${request.method} ${clip(url)} content-type ${String(request.contentType)} body ${clip(body ?? '')}`
}

function wireLabel(wire: Wire): string {
  if (wire.via === 'inject') return 'inject'
  if (wire.framing === 'broken') return `socket broken:${wire.breakage}`
  if (wire.framing === 'absurd-headers') return `socket absurd:${wire.absurdity}`
  return `socket ${wire.framing}`
}

/**
 * Sends one request over a fresh TCP connection, framed as `wire` says, and reads the answer
 * until the server closes the connection.
 */
function overSocket(
  port: number,
  method: string,
  url: string,
  headers: readonly [string, string][],
  body: string | undefined,
  wire: Exclude<Wire, { via: 'inject' }>,
): Promise<{ answer: Answer; text: string } | 'timeout'> {
  // Broken framing needs a body to break: an empty one would make "no last chunk" complete.
  const empty = body === undefined || body === ''
  const payload = Buffer.from(empty && wire.framing === 'broken' ? 'a=1' : (body ?? ''), 'utf8')
  const lines = [`${method} ${url} HTTP/1.1`, `host: 127.0.0.1:${port}`, 'connection: close']
  for (const [k, v] of headers) lines.push(`${k}: ${v.replace(/[^\x20-\x7e]/g, '?')}`)
  let bytes: Buffer
  let halfClose = false
  const head = (extra: string[], ending = '\r\n') =>
    Buffer.from([...lines, ...extra].join(ending) + ending + ending, 'latin1')
  const chunked = (data: Buffer) =>
    Buffer.concat([
      Buffer.from(`${data.length.toString(16)}\r\n`),
      data,
      Buffer.from('\r\n0\r\n\r\n'),
    ])
  if (wire.framing === 'length') {
    bytes = Buffer.concat([
      head(body === undefined ? [] : [`content-length: ${payload.length}`]),
      payload,
    ])
  } else if (wire.framing === 'chunked') {
    bytes =
      body === undefined
        ? head([])
        : Buffer.concat([head(['transfer-encoding: chunked']), chunked(payload)])
  } else if (wire.framing === 'broken') {
    halfClose = true
    const te = ['transfer-encoding: chunked']
    switch (wire.breakage) {
      case 'bad-chunk-size':
        bytes = Buffer.concat([head(te), Buffer.from('zz\r\nabc\r\n0\r\n\r\n')])
        break
      case 'chunk-longer-than-data':
        bytes = Buffer.concat([head(te), Buffer.from('ff\r\nabc\r\n')])
        break
      case 'huge-chunk-size':
        bytes = Buffer.concat([head(te), Buffer.from('fffffffffffffffffff\r\nabc\r\n0\r\n\r\n')])
        break
      case 'missing-chunk-crlf':
        bytes = Buffer.concat([head(te), Buffer.from('3\r\nabcdef\r\n0\r\n\r\n')])
        break
      case 'no-last-chunk':
        bytes = Buffer.concat([
          head(te),
          Buffer.from(`${payload.length.toString(16)}\r\n`),
          payload,
          Buffer.from('\r\n'),
        ])
        break
      case 'truncated-body':
        bytes = Buffer.concat([head([`content-length: ${payload.length + 100}`]), payload])
        break
      case 'content-length-and-chunked':
        bytes = Buffer.concat([
          head([...te, `content-length: ${payload.length}`]),
          chunked(payload),
        ])
        break
      case 'two-content-lengths':
        bytes = Buffer.concat([
          head([`content-length: ${payload.length}`, `content-length: ${payload.length + 1}`]),
          payload,
        ])
        break
      case 'negative-content-length':
        bytes = Buffer.concat([head(['content-length: -1']), payload])
        break
      case 'garbage-request-line':
        bytes = Buffer.from(`${method} ${url} HTTP/9.9 trailing\r\n\r\n`, 'latin1')
        break
      case 'bad-header-name':
        bytes = Buffer.concat([
          head(['bad header: x', `content-length: ${payload.length}`]),
          payload,
        ])
        break
      case 'bare-lf-line-endings':
        bytes = Buffer.concat([head(['content-length: 3', 'x: a\rb'], '\n'), Buffer.from('a=1')])
        break
      case 'no-host':
        bytes = Buffer.from(`${method} ${url} HTTP/1.1\r\ncontent-length: 0\r\n\r\n`, 'latin1')
        break
      case 'http-2-preface':
        bytes = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')
        break
    }
  } else {
    const length = body === undefined ? [] : [`content-length: ${payload.length}`]
    switch (wire.absurdity) {
      case 'huge-header-value':
        bytes = Buffer.concat([head([...length, `x-fuzz: ${'a'.repeat(20_000)}`]), payload])
        break
      case 'many-headers':
        bytes = Buffer.concat([
          head([...length, ...Array.from({ length: 150 }, (_, i) => `x-fuzz-${i}: ${i}`)]),
          payload,
        ])
        break
      case 'huge-cookie':
        bytes = Buffer.concat([head([...length, `cookie: sc_fuzz=${'c'.repeat(12_000)}`]), payload])
        break
      case 'repeated-cookie-headers':
        bytes = Buffer.concat([
          head([...length, 'cookie: sc_report=x', 'cookie: sc_csrf=y', 'cookie: =']),
          payload,
        ])
        break
      case 'odd-transfer-encoding':
        bytes =
          body === undefined
            ? head(length)
            : Buffer.concat([head(['transfer-encoding: gzip, chunked']), chunked(payload)])
        break
      case 'absurd-content-length':
        halfClose = true
        bytes = Buffer.concat([head(['content-length: 1000000000000']), payload])
        break
    }
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1')
    const timer = setTimeout(() => {
      socket.destroy()
      resolve('timeout')
    }, SOCKET_TIMEOUT_MS)
    socket.on('connect', () => {
      socket.write(bytes)
      if (halfClose) socket.end()
    })
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('utf8')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]
      resolve({ answer: status ? Number(status) : 'closed', text })
    })
  })
}

/** The built stylesheet and scripts, if `npm run build` has made them; else none. */
async function assetFiles(): Promise<string[]> {
  const dir = fileURLToPath(new URL('../public/assets/', import.meta.url))
  const files = await readdir(dir, { recursive: true }).catch(() => [])
  return files.filter((f) => /\.(css|js|svg|png|woff2?)$/.test(f)).slice(0, 20)
}

/**
 * Every route the app registered (GET and POST) that the generator never sends to: the fuzz
 * fails until a new route is added here, so nothing public goes unfuzzed.
 */
function unfuzzedRoutes(
  app: FastifyInstance,
  contentPages: readonly string[],
  assets: readonly string[],
  otherPages: readonly string[],
): string[] {
  const reached: [string, string][] = [
    ...otherPages.map((p): [string, string] => ['GET', p]),
    ['POST', paths.acknowledgeReferral('not-a-real-link')],
    ...[
      '/',
      '/get-help',
      '/report',
      '/report/answers-cleared',
      '/report/confirmation',
      '/health',
    ].map((p): [string, string] => ['GET', p]),
    ...contentPages.map((slug): [string, string] => ['GET', `/advice/${slug}`]),
    ...[...REPORT_SLUGS, 'check-your-answers'].flatMap((slug): [string, string][] => [
      ['GET', `/report/${slug}`],
      ['POST', `/report/${slug}`],
    ]),
    ['GET', `/assets/${assets[0] ?? 'app.css'}`],
    ['POST', '/api/v1/reports'],
    ['GET', '/api/v1/reports/SC-000-000-0000'],
    ['GET', '/no-such-page'],
  ]
  return app.registeredRoutes
    .flatMap((route) =>
      (Array.isArray(route.method) ? route.method : [route.method])
        .filter((m) => m === 'GET' || m === 'POST')
        .map((m) => `${m} ${route.url}`),
    )
    .filter((route) => {
      const [method, pattern = ''] = route.split(' ')
      // The public surface only: staff routes are fuzzed signed in as each role (issue 15).
      if (pattern.startsWith('/staff')) return false
      return !reached.some(([m, path]) => m === method && routeMatches(pattern, path))
    })
}

function printHeader(settings: Settings, assets: number): void {
  const cpu = cpus()
  console.log(`Safety Centre fuzz, ${new Date().toISOString()}`)
  console.log(`load average (1 min) at the start: ${loadavg()[0]?.toFixed(1) ?? '?'}`)
  console.log(
    `machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
  )
  console.log(
    `app: buildTestApp on PGlite (test/app.ts), rate limit raised; ${assets} built assets found; ` +
      `${settings.runs} public requests, then every staff route as each role and ` +
      `${settings.staffRuns} staff requests at random, seed ${settings.seed} ` +
      `(--seed ${settings.seed} repeats this run)\n`,
  )
}

function report(
  settings: Settings,
  f: Findings,
  uncovered: string[],
  seconds: number,
  staff: StaffFindings,
  staffUncovered: string[],
): number {
  const line = (label: string, value: string | number) => {
    console.log(`${label.padEnd(40)}${String(value)}`)
  }
  const ms = (values: number[]) =>
    values.length === 0 ? '-' : `${percentile(values, 0.99).toFixed(1)} ms`
  const unexpected = [...f.unexpected.values()].reduce((sum, u) => sum + u.count, 0)
  const errorLines = [...f.errorLogs.values()].reduce((a, b) => a + b, 0)
  console.log('')
  line('5xx answers', f.serverErrors)
  line('unexpected statuses', unexpected)
  line('prototype pollution (batches)', f.pollutedBatches)
  line('unescaped echoes', f.echoes)
  line('error-level log lines', errorLines)
  line('no answer within 10 s (sockets)', f.timeouts)
  line('routes not fuzzed', uncovered.length)
  line('p99 handling time, all', ms([...f.injectMs, ...f.socketMs]))
  line('p99 handling time, app.inject', ms(f.injectMs))
  line('p99 handling time, real sockets', ms(f.socketMs))
  line(
    'requests answered',
    `${f.sent} of ${settings.runs} (${f.injectMs.length} inject, ${f.socketMs.length} socket)`,
  )
  line('not sendable by the harness (skipped)', f.unsendable)
  line(
    'answers',
    [...f.byStatus]
      .sort(([a], [b]) => String(a).localeCompare(String(b)))
      .map(([s, n]) => `${String(s)}: ${n}`)
      .join(', '),
  )
  console.log('\nstaff routes, signed in as each role:')
  line('5xx answers', staff.serverErrors)
  line('unescaped echoes', staff.echoes)
  line('routes x roles not fuzzed', staffUncovered.length)
  line('requests answered', `${staff.sent} (${staff.reached.size} routes x roles)`)
  line('p99 handling time', ms(staff.ms))
  line(
    'answers',
    [...staff.byStatus]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', '),
  )
  console.log('')
  line('seconds', seconds.toFixed(1))
  line('load average (1 min) at the end', loadavg()[0]?.toFixed(1) ?? '?')
  const sorted = [...f.unexpected].sort(([, a], [, b]) => b.count - a.count)
  if (sorted.length > 0)
    console.log('\nunexpected answers, by request class (first example of each):')
  for (const [key, { count, example }] of sorted.slice(0, 40))
    console.log(`  ${count} x ${key}\n      e.g. ${example}`)
  if (sorted.length > 40) console.log(`  ... and ${sorted.length - 40} more classes`)
  for (const [key, count] of f.errorLogs) console.log(`  error log: ${count} x ${key}`)
  for (const example of f.echoExamples) console.log(`  echo: ${example}`)
  for (const p of f.pollution.slice(0, 5)) console.log(`  pollution: ${p}`)
  for (const route of uncovered) console.log(`  not fuzzed: ${route}`)
  for (const example of staff.serverErrorExamples) console.log(`  staff 5xx: ${example}`)
  for (const example of staff.echoExamples) console.log(`  staff echo: ${example}`)
  for (const route of staffUncovered.slice(0, 20)) console.log(`  staff not fuzzed: ${route}`)

  const failed =
    f.serverErrors +
      unexpected +
      f.pollutedBatches +
      f.echoes +
      errorLines +
      f.timeouts +
      uncovered.length +
      staff.serverErrors +
      staff.echoes +
      staffUncovered.length >
    0
  console.log(failed ? `\nFAILED (seed ${settings.seed})` : '\nall checks held')
  return failed ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exitCode = 1
  },
)
