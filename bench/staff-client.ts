import assert from 'node:assert/strict'
import http from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { totpCode } from '../src/staff/factors.js'
import { staffPaths } from '../src/web/paths.js'

/** One response as a browser would have it: the page decompressed, the time to its last byte. */
export interface Page {
  status: number
  location: string | undefined
  body: string
  /** Bytes on the wire (compressed), headers not counted. */
  bytes: number
  ms: number
}

/**
 * A member of staff's browser over real HTTP: one keep-alive connection, cookies kept as the
 * server sets them (whatever their Secure flag: the harness talks plain HTTP to 127.0.0.1),
 * the CSRF token read from each page and posted back with forms, pages asked for compressed
 * as browsers do. Requests go one at a time, so each time is one page's latency.
 */
export class StaffClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  private readonly cookies = new Map<string, string>()
  private csrf = ''

  constructor(private origin: string) {}

  /** The same browser, cookies and all, sent to another instance behind the load balancer. */
  useOrigin(origin: string): void {
    this.origin = origin
  }

  get(path: string): Promise<Page> {
    return this.send('GET', path)
  }

  post(path: string, form: Record<string, string | readonly string[]>): Promise<Page> {
    const body = new URLSearchParams({ _csrf: this.csrf })
    for (const [key, value] of Object.entries(form))
      for (const v of typeof value === 'string' ? [value] : value) body.append(key, v)
    return this.send('POST', path, body.toString())
  }

  close(): void {
    this.agent.destroy()
  }

  private send(method: 'GET' | 'POST', path: string, body?: string): Promise<Page> {
    const headers: Record<string, string> = {
      accept: 'text/html',
      'accept-encoding': 'br, gzip',
      'user-agent': 'safety-centre bench:queue',
    }
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    if (cookie) headers.cookie = cookie
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      headers['content-length'] = String(Buffer.byteLength(body))
    }
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint()
      const request = http.request(
        new URL(path, this.origin),
        { method, agent: this.agent, headers },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('error', reject)
          response.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6
            const raw = Buffer.concat(chunks)
            const encoding = response.headers['content-encoding']
            const text = (
              encoding === 'br'
                ? brotliDecompressSync(raw)
                : encoding === 'gzip'
                  ? gunzipSync(raw)
                  : raw
            ).toString('utf8')
            this.remember(response.headers['set-cookie'] ?? [], text)
            resolve({
              status: response.statusCode ?? 0,
              location: response.headers.location,
              body: text,
              bytes: raw.length,
              ms,
            })
          })
        },
      )
      request.on('error', reject)
      request.end(body)
    })
  }

  private remember(setCookies: readonly string[], body: string): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      if (at < 1) continue
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      // A cleared cookie comes back empty, or with Max-Age=0 or an expiry in 1970.
      const cleared =
        value === '' ||
        attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a))
      if (cleared) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(body)
    if (token?.[1]) this.csrf = token[1]
  }
}

export interface StaffMember {
  email: string
  password: string
  totpSecret: string
}

/**
 * Signs in through the real door: the password, then a code from the authenticator app for the
 * server's time (`serverNow`, as its clock may have been moved).
 */
export async function signIn(
  client: StaffClient,
  person: StaffMember,
  serverNow: () => Date,
): Promise<void> {
  assert.equal((await client.get(staffPaths.signIn)).status, 200, 'the sign-in page')
  const password = await client.post(staffPaths.signIn, {
    email: person.email,
    password: person.password,
  })
  assert.equal(password.status, 303, `password refused: ${password.body.slice(0, 300)}`)
  assert.equal(password.location, staffPaths.secondFactor)
  assert.equal((await client.get(staffPaths.secondFactor)).status, 200, 'the second factor page')
  const code = await client.post(staffPaths.secondFactorCode, {
    code: totpCode(person.totpSecret, serverNow()),
    next: staffPaths.home,
  })
  assert.equal(code.status, 303, `code refused: ${code.body.slice(0, 300)}`)
  const home = await client.get(staffPaths.home)
  assert.equal(home.status, 200, `signed in, the staff home page: ${home.status}`)
}
