import fastifyCookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'
import { drawRandomBytes } from '../crypto/random.js'

export interface SecurityOptions {
  cookieSecret: string
  secureCookies: boolean
}

/**
 * A cookie's name: `__Host-` in production, which browsers accept only from a secure origin,
 * for the whole site and for no other domain, so a sibling site cannot plant or shadow it.
 */
export function cookieName(name: string, secureCookies: boolean): string {
  return secureCookies ? `__Host-${name}` : name
}

/** Browser features no page of ours uses: refused for us and anything we might embed. */
const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'usb',
]
  .map((feature) => `${feature}=()`)
  .join(', ')

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonces, for the inline script and styles a page may carry. */
    cspNonce: { script: string; style: string }
  }
}

/**
 * Each response's CSP nonces, drawn by an onRequest hook and read by the policy's directives.
 * The headers middleware is built once: `@fastify/helmet` built it again on every request
 * (parsing the whole policy each time) and, with its `enableCSPNonces`, made two system calls
 * for its random bytes; these are drawn from the pool.
 */
const nonces = new WeakMap<ServerResponse, { script: string; style: string }>()
const NO_NONCES = { script: '', style: '' }
const nonceOf = (kind: 'script' | 'style') => (_request: unknown, response: ServerResponse) =>
  `'nonce-${(nonces.get(response) ?? NO_NONCES)[kind]}'`

const securityHeaders = (secureCookies: boolean) =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonceOf('script')],
        styleSrc: ["'self'", nonceOf('style')],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: secureCookies ? [] : null,
      },
    },
    // The same rule as the CSP's frame-ancestors 'none', for browsers that only know this.
    xFrameOptions: { action: 'deny' },
    // Reporters must not leak which page they were on to the neutral exit site.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
  })

/**
 * Headers, cookies, form parsing and CSRF for every surface. The CSP allows only our own
 * origin plus a per-response nonce for the one inline script GOV.UK Frontend needs; there
 * are no third-party requests, so a reporter's visit is seen by nobody else.
 *
 * Pages accept form bodies only: every other content type is refused with 415 before any
 * handler runs. A surface that takes JSON (the API) adds its parser in its own scope.
 */
export const securityPlugin = fp<SecurityOptions>(
  async (app: FastifyInstance, options) => {
    const applyHeaders = securityHeaders(options.secureCookies)
    app.decorateReply('cspNonce', {
      getter(this: FastifyReply) {
        return nonces.get(this.raw) ?? NO_NONCES
      },
    })
    app.addHook('onRequest', (request, reply, done) => {
      const random = drawRandomBytes(32)
      nonces.set(reply.raw, {
        script: random.toString('hex', 0, 16),
        style: random.toString('hex', 16),
      })
      applyHeaders(request.raw, reply.raw, (error) => {
        done(error as Error | undefined)
      })
    })
    app.addHook('onSend', async (request, reply) => {
      void reply.header('permissions-policy', PERMISSIONS_POLICY)
      // Errors and redirects depend on who asked (their draft, their session): never cached.
      const status = reply.statusCode
      if ((status >= 300 && status !== 304) || request.method !== 'GET')
        void reply.header('cache-control', 'no-store')
    })
    await app.register(fastifyCookie, { secret: options.cookieSecret })
    app.removeAllContentTypeParsers()
    await app.register(formbody, { bodyLimit: 64 * 1024 })
    await app.register(csrf, {
      cookieKey: cookieName('sc_csrf', options.secureCookies),
      cookieOpts: {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        path: '/',
      },
      getToken: (request) => {
        const token = (request.body as Record<string, unknown> | undefined)?._csrf
        return typeof token === 'string' ? token : undefined
      },
    })
  },
  { name: 'security' },
)
