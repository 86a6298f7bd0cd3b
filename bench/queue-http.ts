import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { staffPaths } from '../src/web/paths.js'
import type {
  ServerClock,
  ServerCommand,
  ServerCpu,
  ServerQueries,
  ServerReady,
  ServerStart,
} from './protocol.js'
import { signIn, StaffClient, type Page, type StaffMember } from './staff-client.js'
import { percentile } from './stats.js'

/**
 * The HTTP half of `npm run bench:queue`: the production app (bench/server.ts, its own process)
 * on the loaded schema, a supervisor signed in through the real door, and the queue pages and
 * report pages timed one request at a time over a keep-alive connection. After each case the
 * server hands over the statements its last request ran, and each is run again under
 * `EXPLAIN (ANALYZE, BUFFERS)` (in a transaction rolled back, as some write).
 */
export interface HttpCase {
  name: string
  /** The page, or a function giving each run's page (opening a different report each time). */
  path: string | (() => string)
  /** What the page must hold for a run to count (a check that the page did its work). */
  check?: (page: Page) => string | undefined
}

export interface HttpResult {
  name: string
  runs: number
  p50: number
  p95: number
  p99: number
  /** Reports listed on the page (links to a report), or 1 for a report's page. */
  rows: number
  /** Compressed size of the page in KB. */
  kb: number
  /** The server process's CPU time per request (it was busy with nothing else), in ms. */
  serverCpuMs: number
  statements: number
  /** The request's statements' execution times from their plans, added up, and the slowest. */
  dbMs: number
  slowest: { ms: number; sql: string }
}

export interface ExplainedStatement {
  sql: string
  params: unknown[]
  plan: string
  executionMs: number
}

export interface QueueServer {
  origin: string
  /** The server's clock now (it runs in real time from where it was last set). */
  now(): Date
  setClock(at: Date): Promise<void>
  /** The server process's CPU time so far (user and system), in milliseconds. */
  cpuMs(): Promise<number>
  lastRequestStatements(): Promise<ServerQueries['queries']>
  stop(): Promise<void>
}

export async function startQueueServer(start: ServerStart): Promise<QueueServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
    // BENCH_CPU_PROF_DIR: where the server writes a V8 CPU profile when it stops.
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
        : []),
    ],
    // Production logging, one line a request, sent nowhere so the terminal stays readable.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // Dates and buffers in the captured parameters survive the trip.
    serialization: 'advanced',
  })
  const exited = once(child, 'exit')
  child.send(start)
  const ready = await Promise.race([
    once(child, 'message').then(([message]) => message as ServerReady),
    exited.then(([code]) => {
      throw new Error(`The benchmark server exited (${String(code)}) before listening`)
    }),
  ])
  const ask = async <T>(command: ServerCommand): Promise<T> => {
    const answer = once(child, 'message')
    child.send(command)
    return (await answer)[0] as T
  }
  let clock: ServerClock = { clockMs: Date.now(), realMs: Date.now() }
  return {
    origin: `http://127.0.0.1:${ready.port}`,
    now: () => new Date(clock.clockMs + (Date.now() - clock.realMs)),
    async setClock(at) {
      clock = await ask<ServerClock>({ clock: at.toISOString() })
    },
    async cpuMs() {
      return (await ask<ServerCpu>('cpu')).cpuMicros / 1000
    },
    async lastRequestStatements() {
      return (await ask<ServerQueries>('queries')).queries
    },
    async stop() {
      if (child.exitCode === null) child.send('stop')
      await exited
    },
  }
}

const REPORT_LINK = /href="\/staff\/reports\/([0-9a-f-]{36})"/g

/** The reports a queue page lists: the links in its table (the urgent alert links to some too). */
export const reportsListed = (body: string) => {
  const table = /<tbody[\s\S]*?<\/tbody>/.exec(body)?.[0] ?? ''
  return new Set([...table.matchAll(REPORT_LINK)].map((m) => m[1])).size
}

/** A statement's text and parameters with the instants left out, to print each plan once. */
const planKey = (sql: string, params: readonly unknown[]) =>
  `${sql.replace(/\s+/g, ' ').trim()} ${JSON.stringify(params).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')}`

/** The queue page's "next" link (keyset: its href carries `after=`), or undefined on the last. */
export function nextPageOf(body: string): string | undefined {
  const links = [...body.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)]
    .map((m) => {
      const attributes = m[1] ?? ''
      const href = /href="([^"]*)"/.exec(attributes)?.[1]?.replace(/&amp;/g, '&')
      return { href, attributes, text: m[2] ?? '' }
    })
    .filter((l): l is { href: string; attributes: string; text: string } =>
      Boolean(l.href && /[?&]after=/.test(l.href)),
    )
  const next = links.find((l) => l.attributes.includes('rel="next"') || /next/i.test(l.text))
  return (next ?? links.at(-1))?.href
}

/**
 * A page the harness can trust: the status, and no "There is a problem" summary (a filter
 * refused, the default queue shown instead). The urgent-report alert looks like an error
 * summary too, and is expected.
 */
function problemWith(page: Page): string | undefined {
  if (page.status !== 200) return `status ${page.status}: ${page.body.slice(0, 300)}`
  const problem = /govuk-error-summary__title">\s*There is a problem[\s\S]*?<\/ul>/.exec(page.body)
  if (problem) return `the page says: ${problem[0].replace(/<[^>]+>|\s+/g, ' ').trim()}`
  return undefined
}

export class HttpBench {
  readonly results: HttpResult[] = []
  readonly plans = new Map<string, ExplainedStatement & { firstCase: string }>()

  constructor(
    private readonly client: StaffClient,
    private readonly server: QueueServer,
    private readonly explainer: pg.Client,
    private readonly settings: { iterations: number; warmUp: number },
  ) {}

  /** Times one page `iterations` times after `warmUp` untimed runs, then explains its SQL. */
  async measure(spec: HttpCase): Promise<HttpResult> {
    const pathOf = () => (typeof spec.path === 'string' ? spec.path : spec.path())
    const run = async () => {
      const page = await this.client.get(pathOf())
      const problem = problemWith(page) ?? spec.check?.(page)
      if (problem) throw new Error(`${spec.name}: ${problem}`)
      return page
    }
    for (let i = 0; i < this.settings.warmUp; i++) await run()
    const times: number[] = []
    let last: Page | undefined
    const cpuBefore = await this.server.cpuMs()
    for (let i = 0; i < this.settings.iterations; i++) {
      last = await run()
      times.push(last.ms)
    }
    const serverCpuMs = ((await this.server.cpuMs()) - cpuBefore) / this.settings.iterations
    const explained = await this.explainLastRequest(spec.name)
    const slowest = explained.reduce(
      (worst, s) => (s.executionMs > worst.ms ? { ms: s.executionMs, sql: s.sql } : worst),
      { ms: 0, sql: '' },
    )
    const result: HttpResult = {
      name: spec.name,
      runs: times.length,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      p99: percentile(times, 0.99),
      rows: last ? (typeof spec.path === 'string' ? reportsListed(last.body) : 1) : 0,
      kb: (last?.bytes ?? 0) / 1024,
      serverCpuMs,
      statements: explained.length,
      dbMs: explained.reduce((sum, s) => sum + s.executionMs, 0),
      slowest,
    }
    this.results.push(result)
    return result
  }

  /**
   * Runs the statements of the server's last request again under EXPLAIN ANALYZE, each in a
   * transaction that is rolled back, so the writes (the session's last use, the claim, the
   * audit event) are measured without being made twice.
   */
  private async explainLastRequest(caseName: string): Promise<ExplainedStatement[]> {
    const statements = await this.server.lastRequestStatements()
    const explained: ExplainedStatement[] = []
    for (const { sql, params } of statements) {
      if (!/^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b/i.test(sql)) continue
      const values = params.map((p) =>
        p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p,
      )
      await this.explainer.query('BEGIN')
      try {
        const rows = await this.explainer.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
          values,
        )
        const plan = rows.rows.map((r) => r['QUERY PLAN']).join('\n')
        const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN)
        const statement = { sql, params, plan, executionMs }
        explained.push(statement)
        const key = planKey(sql, params)
        if (!this.plans.has(key)) this.plans.set(key, { ...statement, firstCase: caseName })
      } catch (error) {
        explained.push({
          sql,
          params,
          plan: `(could not be explained: ${error instanceof Error ? error.message : String(error)})`,
          executionMs: NaN,
        })
      } finally {
        await this.explainer.query('ROLLBACK')
      }
    }
    return explained
  }
}

/** Walks the queue by its "next" links to page `page`; returns that page's URL and the page reached. */
export async function walkToPage(
  client: StaffClient,
  first: string,
  page: number,
): Promise<{ path: string; reached: number }> {
  let path = first
  let reached = 1
  while (reached < page) {
    const shown = await client.get(path)
    const problem = problemWith(shown)
    if (problem) throw new Error(`walking the queue, page ${reached}: ${problem}`)
    const next = nextPageOf(shown.body)
    if (!next) break
    path = next
    reached += 1
  }
  return { path, reached }
}

export { signIn, StaffClient, type StaffMember }
export const queuePath = (query: Record<string, string | string[]> = {}) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v)
  }
  const text = search.toString()
  return text ? `${staffPaths.queue}?${text}` : staffPaths.queue
}
