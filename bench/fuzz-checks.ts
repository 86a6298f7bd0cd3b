import { MARK, type FuzzRequest, type JsonValue } from './fuzz-requests.js'

/**
 * What `npm run fuzz` accepts as an answer, and how it turns a generated request into bytes.
 * Pure; bench/fuzz.ts sends the requests and keeps the counts.
 */

/** A status code, the server hanging up without an answer (allowed only for broken framing), or no answer in time. */
export type Answer = number | 'closed' | 'timeout'

const FORM_ROUTE_KINDS = new Set(['report-page', 'check-answers'])
const FORM_BODIES = new Set(['form', 'form-variant', 'form-raw'])

/** The answers a request may get. Anything else, and any 5xx, is a finding. */
export function allowedAnswers(request: FuzzRequest): ReadonlySet<Answer> {
  const { wire } = request
  if (wire.via === 'socket' && wire.framing === 'broken')
    // 415: a content type the route does not take is refused before the body is read.
    return new Set<Answer>([400, 408, 413, 415, 'closed'])
  const allowed = routeAnswers(request)
  if (wire.via === 'socket' && wire.framing === 'absurd-headers')
    for (const status of [400, 413, 431]) allowed.add(status)
  return allowed
}

function routeAnswers(request: FuzzRequest): Set<Answer> {
  const allowed = new Set<Answer>()
  const add = (...statuses: number[]) => {
    for (const status of statuses) allowed.add(status)
  }
  // An unknown slug is not found; a broken escape is a bad request; a slug longer than the
  // router takes is a URI too long.
  if (request.hostilePath) add(400, 404, 414)
  if (request.method === 'GET' || request.method === 'HEAD') {
    switch (request.kind) {
      case 'content':
      case 'health':
        add(200)
        break
      case 'report-page':
      case 'check-answers':
      case 'confirmation':
        // the page, or a redirect to the page the reporter may be on
        add(200, 302, 303)
        break
      case 'asset':
        add(200, 304)
        if (request.hostilePath) add(403)
        break
      case 'unknown':
        add(404)
        break
      case 'api':
        // a report's status needs a key; the list of reports is no route
        add(401, 404)
        break
    }
    return allowed
  }
  // Bodies are read before the route's handler runs: too big, unreadable or of a type the
  // route does not take are refused, on any route.
  add(400, 413, 415)
  // Without a key the API refuses whatever the body; other methods are no route.
  if (request.kind === 'api') {
    add(request.method === 'POST' ? 401 : 404)
    return allowed
  }
  // Every POST under /report/ meets the report pages' route, which checks the CSRF token and
  // the rate limit before it finds (or not) the page.
  if (request.method === 'POST' && /^\/report\/[^/?]*(?:\?|$)/.test(request.url)) add(403, 429)
  // A partner's acknowledgement button checks the CSRF token too (the fuzz sends none there).
  if (request.method === 'POST' && request.url.startsWith('/referrals/acknowledge/')) add(403)
  if (request.method !== 'POST' || !FORM_ROUTE_KINDS.has(request.kind)) {
    add(404)
    return allowed
  }
  // A form route: an error summary (400) or a 303 onwards.
  if (FORM_BODIES.has(request.bodyClass)) {
    add(303)
    // "Add another account" re-shows the page
    if (request.kind === 'report-page') add(200)
    // The canonical form content type must never be refused as a type.
    if (request.bodyClass !== 'form-variant' && request.contentType !== undefined)
      allowed.delete(415)
  }
  return allowed
}

/** True when the marker appears in the body as markup, not as escaped text. */
export function echoesUnescaped(body: string, marker: string): boolean {
  // The marker is `<x-sc-...>`; an escaped echo reads `&lt;x-sc-...`.
  return body.includes(marker.slice(0, -1))
}

export interface EncodedBody {
  body: string | undefined
  contentType: string | undefined
}

/** The request's body as bytes would carry it, with the session's CSRF token and the marker. */
export function encodeBody(request: FuzzRequest, token: string, marker: string): EncodedBody {
  const mark = (text: string) => text.split(MARK).join(marker)
  const csrf = csrfMembers(request.csrf, token)
  switch (request.bodyClass) {
    case 'none':
      return { body: undefined, contentType: undefined }
    case 'form':
    case 'form-variant':
    case 'untyped': {
      const params = new URLSearchParams()
      for (const [name, value] of csrf)
        params.append(name, typeof value === 'string' ? value : token)
      for (const [name, value] of request.fields) params.append(mark(name), mark(asText(value)))
      return { body: params.toString(), contentType: request.contentType }
    }
    case 'json': {
      const members = [
        ...csrf,
        ...request.fields.map(([k, v]): [string, JsonValue] => [mark(k), marked(v, mark)]),
      ]
      // Written by hand so that `__proto__` and repeated keys reach the server as sent.
      const body = `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`
      return { body, contentType: request.contentType }
    }
    case 'multipart': {
      const boundary = '----sc-fuzz'
      const parts = [...csrf.map(([k]): [string, JsonValue] => [k, token]), ...request.fields].map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${mark(name).replace(/["\r\n]/g, '')}"\r\n\r\n${mark(asText(value))}\r\n`,
      )
      return { body: `${parts.join('')}--${boundary}--\r\n`, contentType: request.contentType }
    }
    case 'form-raw':
      return {
        body: `${mark(request.raw)}${request.csrf === 'valid' ? `&_csrf=${encodeURIComponent(token)}` : ''}`,
        contentType: request.contentType,
      }
    case 'json-broken':
    case 'text':
    case 'other-type':
      return { body: mark(request.raw), contentType: request.contentType }
  }
}

function csrfMembers(csrf: FuzzRequest['csrf'], token: string): [string, JsonValue][] {
  switch (csrf) {
    case 'valid':
      return [['_csrf', token]]
    case 'forged':
      return [['_csrf', 'forged-token-value']]
    case 'missing':
      return []
    case 'repeated':
      return [
        ['_csrf', token],
        ['_csrf', token],
      ]
    case 'object':
      return [['_csrf', { token }]]
  }
}

function asText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function marked(value: JsonValue, mark: (text: string) => string): JsonValue {
  if (typeof value === 'string') return mark(value)
  if (Array.isArray(value)) return value.map((v) => marked(v, mark))
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [mark(k), marked(v, mark)]))
  return value
}

/** Does a route pattern (`:param`, `*`) match a concrete path? */
export function routeMatches(pattern: string, path: string): boolean {
  const source = pattern
    .split(/(:[^/]+|\*)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part.startsWith(':')
          ? '[^/]+'
          : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('')
  return new RegExp(`^${source}$`).test(path.split('?')[0] ?? '')
}

/** The own property names of the built-in prototypes a polluting input would change. */
export function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype]
    .map((proto) => Reflect.ownKeys(proto).map(String).sort().join(','))
    .join('|')
}
