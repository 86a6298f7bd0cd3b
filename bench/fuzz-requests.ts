import fc from 'fast-check'
import { buildReportJourney } from '../src/reports/journey.js'

/**
 * The hostile requests `npm run fuzz` sends, as data: where they go, what they carry, how
 * they are framed. Pure (fast-check only); bench/fuzz.ts attaches sessions and sends them.
 */

/** The kinds of public route, each with its own list of allowed answers (fuzz-checks.ts). */
export type RouteKind =
  | 'content'
  | 'report-page'
  | 'check-answers'
  | 'confirmation'
  | 'health'
  | 'asset'
  | 'unknown'
  /** The platform API without a key: everything is refused before it is read (401). */
  | 'api'

export type BodyClass =
  /** urlencoded, the canonical content type */
  | 'form'
  /** urlencoded with an odd spelling or parameters of its content type */
  | 'form-variant'
  /** raw hostile text sent as urlencoded (broken escapes, stray separators) */
  | 'form-raw'
  | 'json'
  | 'json-broken'
  | 'multipart'
  | 'text'
  /** a form body with no content type */
  | 'untyped'
  /** some other or nonsensical content type */
  | 'other-type'
  | 'none'

/** How a request travels: through app.inject, or a real socket, well-framed or not. */
export type Wire =
  | { via: 'inject' }
  | { via: 'socket'; framing: 'length' }
  | { via: 'socket'; framing: 'chunked' }
  /** Broken at the HTTP level: the server must refuse it (4xx) or hang up, never crash. */
  | { via: 'socket'; framing: 'broken'; breakage: Breakage }
  /** Legal but absurd headers: the route answers as usual, or the server refuses them (4xx). */
  | { via: 'socket'; framing: 'absurd-headers'; absurdity: Absurdity }

export const BREAKAGES = [
  'bad-chunk-size',
  'chunk-longer-than-data',
  'huge-chunk-size',
  'missing-chunk-crlf',
  'no-last-chunk',
  'truncated-body',
  'content-length-and-chunked',
  'two-content-lengths',
  'negative-content-length',
  'garbage-request-line',
  'bad-header-name',
  'bare-lf-line-endings',
  'no-host',
  'http-2-preface',
] as const
export type Breakage = (typeof BREAKAGES)[number]

export const ABSURDITIES = [
  'huge-header-value',
  'many-headers',
  'huge-cookie',
  'repeated-cookie-headers',
  'odd-transfer-encoding',
  'absurd-content-length',
] as const
export type Absurdity = (typeof ABSURDITIES)[number]

/** Placeholder for the per-request echo marker; the runner puts `<x-sc-...>` in its place. */
export const MARK = '\uE000'

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export interface FuzzRequest {
  kind: RouteKind
  method: string
  /** Path and query; may hold MARK. */
  url: string
  /** True when the path itself is hostile (unknown slug, broken escapes, traversal). */
  hostilePath: boolean
  headers: [string, string][]
  bodyClass: BodyClass
  /** Form fields in order (repeats allowed), or JSON members; values may hold MARK. */
  fields: [string, JsonValue][]
  /** The raw body for the raw and broken classes. */
  raw: string
  contentType: string | undefined
  /** Which prepared session's cookies to send (-1: none), and what to do with its CSRF token. */
  session: number
  csrf: 'valid' | 'forged' | 'missing' | 'repeated' | 'object'
  wire: Wire
}

/** Every page of the report form, from the journey itself, so a renamed or new page is fuzzed. */
export const REPORT_SLUGS: readonly string[] = [
  ...buildReportJourney(() => new Date()).pages.keys(),
]

export const FIELD_NAMES = [
  'audience',
  'topic',
  'immediateDanger',
  'age',
  'followedPolicy',
  'reportedTo',
  'childName',
  'childAge',
  'dobDay',
  'dobMonth',
  'dobYear',
  'town',
  'postcode',
  'councilArea',
  'concerns',
  'description',
  'started',
  'stillHappening',
  'names',
  'accountPlatform-0',
  'accountUsername-0',
  'accountPlatform-1',
  'accountUsername-1',
  'accountPlatform-99',
  'profileLinks',
  'phoneNumbers',
  'otherPersonAge',
  'knownOffline',
  'name',
  'email',
  'phone',
  'contactWays',
  'safeTimes',
  'parentKnows',
  'action',
  '_csrf',
] as const

/** Values that pass validation somewhere, so some requests get past the first check. */
const PLAUSIBLE = [
  'parent-carer',
  'young-person',
  'professional',
  'concerned-adult',
  'sexual',
  'bullying',
  'no',
  'yes',
  'unsure',
  '13',
  '14',
  '10',
  'Leeds',
  'LS1 4AP',
  'asked-for-images',
  'this-week',
  'adult',
  'An adult in a game asked for a photo.',
  'Pat Example',
  'pat@example.com',
  '07700 900 982',
  'email',
  'add-account',
  'remove-account-0',
  'remove-account-99999999999999999999',
]

const POLLUTING_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  '__proto__.polluted',
  'hasOwnProperty',
  'toString',
  'valueOf',
]

const INJECTIONS = [
  `<script>alert(1)</script>${MARK}`,
  `"><img src=x onerror=alert(1)>${MARK}`,
  `'${MARK}'`,
  `{{ 7*7 }}${MARK}`,
  "{{ range.constructor('return process')() }}",
  '{% for x in range(99999999) %}x{% endfor %}',
  '${7*7}',
  "' OR 1=1 --",
  "'; DROP TABLE reports; --",
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '\r\nSet-Cookie: sc_report=x',
  'javascript:alert(1)',
  '%00',
  '\u0000',
  '\uFEFF',
  '\u202Eevil\u202C',
  '\u200D\u200D\u200D',
  'Z\u0334\u0327\u0347\u0336\u0335',
  '\uD800',
  '\uDFFF\uD800',
  '\uFFFF\uFFFE',
  '𝕾𝖆𝖒',
  'ｓｃｒｉｐｔ',
  '🧒🏽👨‍👩‍👧',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  'true',
  'null',
  '[]',
  '{}',
]

const hostileText = fc.oneof(
  { arbitrary: fc.constantFrom(...PLAUSIBLE), weight: 4 },
  { arbitrary: fc.constantFrom(...INJECTIONS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 20 }).map((s) => `${s}${MARK}${s}`), weight: 3 },
  {
    // Huge: around and beyond the form body limit (64 KiB) and the field limits.
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', 'é', '🧒', MARK, '&', '%'),
        fc.integer({ min: 1_000, max: 80_000 }),
      )
      .map(([unit, times]) => unit.repeat(Math.ceil(times / unit.length))),
    weight: 1,
  },
)

const fieldName = fc.oneof(
  { arbitrary: fc.constantFrom(...FIELD_NAMES), weight: 8 },
  { arbitrary: fc.constantFrom(...POLLUTING_NAMES), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
)

const jsonValue: fc.Arbitrary<JsonValue> = fc.oneof(
  { arbitrary: hostileText, weight: 3 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)), weight: 3 },
  { arbitrary: fc.array(hostileText, { maxLength: 4 }), weight: 2 },
  {
    arbitrary: fc.dictionary(fieldName, hostileText, { maxKeys: 3 }),
    weight: 1,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>, weight: 1 },
)

const FORM_TYPE = 'application/x-www-form-urlencoded'

type BodyShape = Pick<FuzzRequest, 'bodyClass' | 'fields' | 'raw' | 'contentType'>

const bodyShape: fc.Arbitrary<BodyShape> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.array(fc.tuple(fieldName, hostileText), { maxLength: 12 }).map((fields) => ({
      bodyClass: 'form' as const,
      fields,
      raw: '',
      contentType: FORM_TYPE,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.array(fc.tuple(fieldName, hostileText), { maxLength: 6 }),
        fc.constantFrom(
          'Application/X-WWW-Form-Urlencoded',
          `${FORM_TYPE}; charset=utf-8`,
          `${FORM_TYPE}; charset=utf-16`,
          `${FORM_TYPE}; charset="bogus"`,
          `${FORM_TYPE};;;`,
          ` ${FORM_TYPE}`,
          `${FORM_TYPE}, application/json`,
        ),
      )
      .map(([fields, contentType]) => ({
        bodyClass: 'form-variant' as const,
        fields,
        raw: '',
        contentType,
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom(
          '%',
          '%zz=1',
          'a=%E0%A4%A',
          '&&&==&=',
          '_csrf',
          '__proto__[polluted]=1&constructor[prototype][polluted]=1',
          `audience=${MARK}%3Cx%3E`,
          'a[]=1&a[]=2&a[0]=3',
          'a=1;b=2',
        ),
      )
      .map((raw) => ({
        bodyClass: 'form-raw' as const,
        fields: [],
        raw,
        contentType: FORM_TYPE,
      })),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.array(fc.tuple(fieldName, jsonValue), { maxLength: 8 }),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'),
      )
      .map(([fields, contentType]) => ({
        bodyClass: 'json' as const,
        fields,
        raw: '',
        contentType,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          '{',
          '{"__proto__":{"polluted":1}',
          '[1,2,',
          '"\\ud800"',
          '{"a":1e99999}',
          'nul',
          '{"constructor":{"prototype":{"polluted":1}}}',
          '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
        ),
        fc.string({ unit: 'binary', maxLength: 60 }),
      )
      .map((raw) => ({
        bodyClass: 'json-broken' as const,
        fields: [],
        raw,
        contentType: 'application/json',
      })),
  },
  {
    weight: 2,
    arbitrary: fc.array(fc.tuple(fieldName, hostileText), { maxLength: 4 }).map((fields) => ({
      bodyClass: 'multipart' as const,
      fields,
      raw: '',
      contentType: 'multipart/form-data; boundary=----sc-fuzz',
    })),
  },
  {
    weight: 1,
    arbitrary: hostileText.map((raw) => ({
      bodyClass: 'text' as const,
      fields: [],
      raw,
      contentType: 'text/plain',
    })),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.tuple(fieldName, hostileText), { maxLength: 4 }).map((fields) => ({
      bodyClass: 'untyped' as const,
      fields,
      raw: '',
      contentType: undefined,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        hostileText,
        fc.oneof(
          fc.constantFrom(
            'application/xml',
            'application/octet-stream',
            '*/*',
            '',
            ';',
            'text/html; charset=x',
            'application/x-www-form-urlencodedx',
            'application/jsonp',
            'application/csp-report',
          ),
          fc.string({ unit: 'binary-ascii', maxLength: 30 }),
        ),
      )
      .map(([raw, contentType]) => ({
        bodyClass: 'other-type' as const,
        fields: [],
        raw,
        contentType,
      })),
  },
  {
    weight: 2,
    arbitrary: fc.constant<BodyShape>({
      bodyClass: 'none',
      fields: [],
      raw: '',
      contentType: undefined,
    }),
  },
)

/** A raw `?` or `#` would end the path, so a hostile segment carries them escaped. */
const inPath = (segment: string) => segment.replace(/[?#]/g, encodeURIComponent)

const hostileSegment = fc
  .oneof(
    fc.constantFrom(
      '%zz',
      '%E0%A4%A',
      '..%2F..%2Fetc%2Fpasswd',
      '..',
      '%00',
      '%2e%2e',
      MARK,
      '%3Cx-sc%3E',
      '__proto__',
      'constructor',
      'a'.repeat(5000),
      '%F0%9F%A7%92',
    ),
    fc.webSegment(),
    fc.string({ unit: 'grapheme', maxLength: 16 }).map(encodeURIComponent),
  )
  .map(inPath)

const query = fc.oneof(
  { arbitrary: fc.constant(''), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      '?change=1',
      '?change=1&change=1',
      '?change[]=1',
      '?__proto__[polluted]=1',
      '?constructor[prototype][polluted]=1',
      `?q=${MARK}`,
      '?%zz',
      '?=&=&',
    ),
    weight: 3,
  },
  { arbitrary: fc.webQueryParameters().map((q) => `?${q}`), weight: 1 },
)

interface Target {
  kind: RouteKind
  path: string
  hostilePath: boolean
  methods: readonly string[]
}

const GET_ONLY = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']
const GET_POST = ['GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']

/**
 * Every public route, by kind. `contentPages` and `assets` come from the running app, so a
 * new advice page or stylesheet is fuzzed without a change here.
 */
export function targets(
  contentPages: readonly string[],
  assets: readonly string[],
  otherPages: readonly string[] = [],
): fc.Arbitrary<Target> {
  const fixed = (kind: RouteKind, path: string, methods: readonly string[]): fc.Arbitrary<Target> =>
    fc.constant({ kind, path, hostilePath: false, methods })
  return fc.oneof(
    { weight: 2, arbitrary: fixed('content', '/', GET_ONLY) },
    { weight: 1, arbitrary: fixed('content', '/get-help', GET_ONLY) },
    ...otherPages.map((path) => ({ weight: 1, arbitrary: fixed('content', path, GET_ONLY) })),
    { weight: 1, arbitrary: fixed('content', '/report', GET_ONLY) },
    { weight: 1, arbitrary: fixed('content', '/report/answers-cleared', GET_ONLY) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...contentPages).map((slug) => ({
        kind: 'content' as const,
        path: `/advice/${slug}`,
        hostilePath: false,
        methods: GET_ONLY,
      })),
    },
    {
      weight: 1,
      arbitrary: hostileSegment.map((slug) => ({
        kind: 'content' as const,
        path: `/advice/${slug}`,
        hostilePath: true,
        methods: GET_ONLY,
      })),
    },
    {
      weight: 30,
      arbitrary: fc.constantFrom(...REPORT_SLUGS).map((slug) => ({
        kind: 'report-page' as const,
        path: `/report/${slug}`,
        hostilePath: false,
        methods: GET_POST,
      })),
    },
    {
      weight: 3,
      arbitrary: hostileSegment.map((slug) => ({
        kind: 'report-page' as const,
        path: `/report/${slug}`,
        hostilePath: true,
        methods: GET_POST,
      })),
    },
    { weight: 8, arbitrary: fixed('check-answers', '/report/check-your-answers', GET_POST) },
    { weight: 2, arbitrary: fixed('confirmation', '/report/confirmation', GET_ONLY) },
    { weight: 1, arbitrary: fixed('health', '/health', GET_ONLY) },
    { weight: 2, arbitrary: fixed('api', '/api/v1/reports', GET_POST) },
    {
      weight: 1,
      arbitrary: hostileSegment.map((reference) => ({
        kind: 'api' as const,
        path: `/api/v1/reports/${reference}`,
        hostilePath: true,
        methods: GET_ONLY,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(...(assets.length > 0 ? assets : ['app.css'])).map((file) => ({
          kind: 'asset' as const,
          path: `/assets/${file}`,
          hostilePath: false,
          methods: GET_ONLY,
        })),
        hostileSegment.map((file) => ({
          kind: 'asset' as const,
          path: `/assets/${file}`,
          hostilePath: true,
          methods: GET_ONLY,
        })),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.webPath(),
          hostileSegment.map((s) => `/${s}`),
        )
        .map((path) => ({
          kind: 'unknown' as const,
          // No route starts with /x-, so whatever follows, this path is one the app lacks.
          path: `/x-${inPath(path.replace(/^\//, ''))}`,
          hostilePath: true,
          methods: GET_POST,
        })),
    },
  )
}

const headerValue = fc.oneof(
  fc.constantFrom(MARK, 'en-GB', '*/*', 'text/html', '"><script>', '\u00e9\u00e8'),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, '')),
)

const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'referer',
      'user-agent',
      'accept-language',
      'accept',
      'x-forwarded-for',
      'origin',
    ),
    headerValue,
  ),
  { maxLength: 3 },
)

const wire: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 90, arbitrary: fc.constant({ via: 'inject' as const }) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('length' as const, 'chunked' as const)
      .map((framing) => ({ via: 'socket' as const, framing })),
  },
  {
    weight: 5,
    arbitrary: fc
      .constantFrom(...BREAKAGES)
      .map((breakage) => ({ via: 'socket' as const, framing: 'broken' as const, breakage })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...ABSURDITIES).map((absurdity) => ({
      via: 'socket' as const,
      framing: 'absurd-headers' as const,
      absurdity,
    })),
  },
)

const FIRST_PAGE: Target = {
  kind: 'report-page',
  path: '/report/who-are-you',
  hostilePath: false,
  methods: ['POST'],
}

/** One hostile request to one of the app's public routes. */
export function fuzzRequests(
  contentPages: readonly string[],
  assets: readonly string[],
  sessions: number,
  otherPages: readonly string[] = [],
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: targets(contentPages, assets, otherPages),
      methodPick: fc.nat(),
      query,
      headers: extraHeaders,
      body: bodyShape,
      session: fc.integer({ min: -1, max: sessions - 1 }),
      csrf: fc.constantFrom('valid', 'valid', 'valid', 'forged', 'missing', 'repeated', 'object'),
      wire,
    })
    .map(({ target: picked, methodPick, query, headers, body, session, csrf, wire }) => {
      // Broken framing is sent where a body is read, so it meets the body parser.
      const broken = wire.via === 'socket' && wire.framing === 'broken'
      const target = broken ? FIRST_PAGE : picked
      const method = broken ? 'POST' : (target.methods[methodPick % target.methods.length] ?? 'GET')
      return {
        kind: target.kind,
        method,
        url: `${target.path}${broken ? '' : query}`,
        hostilePath: target.hostilePath,
        headers,
        ...(method === 'GET' || method === 'HEAD'
          ? { bodyClass: 'none' as const, fields: [], raw: '', contentType: undefined }
          : body),
        session,
        csrf,
        wire,
      }
    })
}
