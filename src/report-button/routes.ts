import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { paths } from '../web/paths.js'
import { cookieName } from '../web/security.js'
import {
  ALL_VARIANTS,
  altText,
  buttonChoices,
  buttonFile,
  buttonSvg,
  type ButtonAgency,
} from './buttons.js'
import type { ReportSourceService } from './service.js'
import { sanitiseSourceId } from './validation.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the registered website or app whose report button brought this person. */
    arrivedFrom: string | null
  }
}

export interface ReportButtonOptions {
  service: ReportSourceService
  agency: ButtonAgency
  serviceUrl: string
  secureCookies: boolean
  /** How long the source is remembered: as long as a draft report is kept. */
  visitMinutes: number
}

/** The id the snippet on the page for website owners carries until they are given their own. */
export const EXAMPLE_SOURCE_ID = 'your-site'

/**
 * Where a report came from, for intake: the source site of the button that brought the
 * reporter, if one did. Reports use it; it knows the cookie so they need not.
 */
export interface Arrival {
  sourceSiteOf(request: FastifyRequest): Promise<string | undefined>
  forget(reply: FastifyReply): void
}

/**
 * The report button: the page for website owners, the button images, and remembering which
 * button brought someone. A link with `?source=` to the home page or the start of the form
 * leaves a cookie holding only that id (no person, no page, nothing else) for as long as a
 * draft is kept, so the report sent at the end of the visit can say where it came from.
 */
export function reportButtonRoutes(app: FastifyInstance, options: ReportButtonOptions): Arrival {
  const { service, agency } = options
  const SOURCE_COOKIE = cookieName('sc_source', options.secureCookies)
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secureCookies,
  }
  const landings: readonly string[] = [paths.home, paths.report.start]

  app.decorateRequest('arrivedFrom', null)
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' || !landings.includes(request.url.split('?')[0] ?? '')) return
    let id = request.cookies[SOURCE_COOKIE]
    const query = request.query as Record<string, unknown> | undefined
    const fromLink = sanitiseSourceId(query?.source)
    if (fromLink !== '') {
      id = fromLink
      void reply.setCookie(SOURCE_COOKIE, fromLink, {
        ...cookieOptions,
        maxAge: options.visitMinutes * 60,
      })
    }
    if (!id) return
    // The page now greets this person, or sets their cookie: no cache may keep it for others.
    void reply.header('cache-control', 'no-store')
    request.arrivedFrom = (await service.greetingFor(id)) ?? null
  })

  app.get(paths.reportButton, (request, reply) =>
    reply.view('report-button.njk', {
      buttons: buttonChoices(agency, options.serviceUrl, EXAMPLE_SOURCE_ID),
      exampleId: EXAMPLE_SOURCE_ID,
      alt: altText(agency),
      metaDescription: `Put a button on your website or app that takes children and parents to ${agency.serviceName} for help and to make a report.`,
    }),
  )

  // The same images as files, for a site that would rather serve the image itself.
  for (const variant of ALL_VARIANTS) {
    const svg = buttonSvg(agency, variant)
    app.get(buttonFile(variant), (request, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .send(svg),
    )
  }

  return {
    async sourceSiteOf(request) {
      const id = request.cookies[SOURCE_COOKIE]
      return id ? service.attributionFor(id) : undefined
    },
    forget(reply) {
      void reply.clearCookie(SOURCE_COOKIE, cookieOptions)
    },
  }
}
