import type { FastifyInstance } from 'fastify'
import { paths } from '../web/paths.js'
import type { Content } from './content.js'

export const AUDIENCE_PAGES = [
  'young-people',
  'parents-and-carers',
  'professionals',
  'concerned-adults',
] as const
export const OUT_OF_SCOPE_PAGES = ['bullying', 'fake-accounts', 'hacking'] as const

export function contentRoutes(app: FastifyInstance, content: Content): void {
  const pick = (slugs: readonly string[]) =>
    slugs.flatMap((slug) => {
      const page = content.pages.get(slug)
      return page ? [page] : []
    })

  app.get(paths.home, (request, reply) =>
    reply.view('home.njk', {
      audiences: pick(AUDIENCE_PAGES),
      outOfScope: pick(OUT_OF_SCOPE_PAGES),
      partners: content.partners,
    }),
  )

  app.get(paths.partners, (request, reply) =>
    reply.view('partners.njk', { partners: content.partners }),
  )

  app.get<{ Params: { slug: string } }>(paths.advicePage(':slug'), (request, reply) => {
    const page = content.pages.get(request.params.slug)
    if (!page) {
      reply.callNotFound()
      return reply
    }
    return reply.view('advice-page.njk', { page })
  })
}
