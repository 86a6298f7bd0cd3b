import fastifyCookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface SecurityOptions {
  cookieSecret: string
  secureCookies: boolean
}

/**
 * Headers, cookies, form parsing and CSRF for every surface. The CSP allows only our own
 * origin plus a per-response nonce for the one inline script GOV.UK Frontend needs; there
 * are no third-party requests, so a reporter's visit is seen by nobody else.
 */
export const securityPlugin = fp<SecurityOptions>(
  async (app: FastifyInstance, options) => {
    await app.register(helmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: options.secureCookies ? [] : null,
        },
      },
      // Reporters must not leak which page they were on to the neutral exit site.
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: options.secureCookies
        ? { maxAge: 31536000, includeSubDomains: true }
        : false,
    })
    await app.register(fastifyCookie, { secret: options.cookieSecret })
    await app.register(formbody, { bodyLimit: 64 * 1024 })
    await app.register(csrf, {
      cookieKey: 'sc_csrf',
      cookieOpts: {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        path: '/',
      },
      getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf,
    })
  },
  { name: 'security' },
)
