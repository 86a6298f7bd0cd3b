import type { FastifyInstance } from 'fastify'
import { escapeHtml } from '../web/views.js'
import { paths } from '../web/paths.js'
import { RETENTION_MARKER, type Content, type ContentPage } from './content.js'
import { retentionStatements } from './retention.js'

export const AUDIENCE_PAGES = [
  'young-people',
  'parents-and-carers',
  'professionals',
  'concerned-adults',
] as const
export const OUT_OF_SCOPE_PAGES = ['bullying', 'fake-accounts', 'hacking'] as const

/** Pages about the service itself, at their own addresses and linked from every footer. */
export const TRUST_PAGES = {
  [paths.aboutUs]: 'about-us',
  [paths.whatToExpect]: 'what-to-expect',
  [paths.privacy]: 'privacy',
} as const

const isOutOfScope = (slug: string) => (OUT_OF_SCOPE_PAGES as readonly string[]).includes(slug)
const isTrustPage = (slug: string) => Object.values(TRUST_PAGES).some((s) => s === slug)

/**
 * The public pages. They are indexable, each with a description for search results; the form
 * and anything with personal data says noindex (see layout.njk).
 */
export function contentRoutes(
  app: FastifyInstance,
  content: Content,
  settings: { draftTtlMinutes: number },
): void {
  const pick = (slugs: readonly string[]) =>
    slugs.flatMap((slug) => {
      const page = content.pages.get(slug)
      return page ? [page] : []
    })
  const advice = (page: ContentPage) => ({
    page,
    metaDescription: page.description,
    // Bullying, fake accounts and hacking: the right help is the partner services, not a report.
    outOfScope: isOutOfScope(page.slug),
    showReport: !isTrustPage(page.slug),
  })

  app.get(paths.home, (request, reply) =>
    reply.view('home.njk', {
      audiences: pick(AUDIENCE_PAGES),
      outOfScope: pick(OUT_OF_SCOPE_PAGES),
      partners: content.partners,
      arrivedFrom: request.arrivedFrom,
      metaDescription: `Tell ${content.agency.serviceName} if someone online has asked a child for nude pictures, talked to them about sex, asked to meet them or is threatening them.`,
    }),
  )

  app.get(paths.partners, (request, reply) =>
    reply.view('partners.njk', {
      partners: content.partners,
      metaDescription:
        'Helplines and services for children, parents and carers, with opening hours.',
    }),
  )

  for (const [path, slug] of Object.entries(TRUST_PAGES)) {
    const page = content.pages.get(slug)
    if (!page) continue
    const shown = slug === 'privacy' ? withRetention(page, content, settings) : page
    app.get(path, (request, reply) => reply.view('advice-page.njk', advice(shown)))
  }

  app.get<{ Params: { slug: string } }>(paths.advicePage(':slug'), (request, reply) => {
    const page = content.pages.get(request.params.slug)
    if (!page || isTrustPage(page.slug)) {
      reply.callNotFound()
      return reply
    }
    return reply.view('advice-page.njk', advice(page))
  })

  app.get(paths.resources, (request, reply) =>
    reply.view('resources.njk', {
      resources: [...content.resources.values()],
      metaDescription:
        'Guides for teachers, social workers and others who work with children, to read or download.',
    }),
  )

  app.get<{ Params: { slug: string } }>(paths.resource(':slug'), (request, reply) => {
    const guide = content.resources.get(request.params.slug)
    if (!guide) {
      reply.callNotFound()
      return reply
    }
    return reply.view('resource.njk', { guide, metaDescription: guide.description })
  })

  // A guide as one self-contained file to keep, print or share: no links back, no scripts.
  app.get<{ Params: { slug: string } }>(paths.resourceDownload(':slug'), (request, reply) => {
    const guide = content.resources.get(request.params.slug)
    if (!guide) {
      reply.callNotFound()
      return reply
    }
    const agency = content.agency
    const file = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(guide.title)}</title>
<style>body{font:16px/1.5 arial,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}h1,h2{line-height:1.2}</style>
</head><body>
<h1>${escapeHtml(guide.title)}</h1>
${guide.html}
<p>From ${escapeHtml(agency.serviceName)}, run by ${escapeHtml(agency.operatorName)}. If a child is in danger right now, call ${escapeHtml(agency.emergencyNumber)}.</p>
</body></html>
`
    return reply
      .header('content-disposition', `attachment; filename="${guide.slug}.html"`)
      .header('cache-control', 'public, max-age=3600')
      .type('text/html; charset=utf-8')
      .send(file)
  })
}

/** The privacy notice with the agency's retention periods, and the setting for unfinished answers. */
function withRetention(
  page: ContentPage,
  content: Content,
  settings: { draftTtlMinutes: number },
): ContentPage {
  const items = retentionStatements(content.retention, settings.draftTtlMinutes)
    .map((statement) => `<li>${escapeHtml(statement)}</li>`)
    .join('')
  const list = `<ul class="govuk-list govuk-list--bullet">${items}</ul>`
  return { ...page, html: page.html.replace(RETENTION_MARKER, list) }
}
