import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import nunjucks from 'nunjucks'
import type { Agency } from '../content/content.js'
import { staffDateFormat } from './dates.js'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

/** Folders searched for templates: shared layouts, each capability's views, GOV.UK Frontend. */
export const viewPaths = [
  here('./views/'),
  here('../content/views/'),
  here('../reports/views/'),
  here('../staff/views/'),
  here('../audit/views/'),
  here('../queue/views/'),
  here('../partner-agencies/views/'),
  here('../assessments/views/'),
  here('../report-button/views/'),
  here('../cases/views/'),
  fileURLToPath(new URL('../../node_modules/govuk-frontend/dist/', import.meta.url)),
  fileURLToPath(new URL('../../node_modules/@ministryofjustice/frontend/', import.meta.url)),
]

export function createViewEnvironment(timeZone = 'UTC'): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewPaths), {
    autoescape: true,
    throwOnUndefined: false,
    noCache: false,
  })
  // Escapes first (unless already escaped), then turns the reporter's line breaks into <br>.
  env.addFilter('nl2br', (value: unknown) => {
    const escaped =
      value instanceof nunjucks.runtime.SafeString
        ? value.toString()
        : escapeHtml(typeof value === 'string' ? value : '')
    return new nunjucks.runtime.SafeString(escaped.replace(/\n/g, '<br>'))
  })
  env.addFilter('councilAreaItems', (areas: { code: string; name: string }[], selected: unknown) =>
    areas.map((a) => ({ value: a.code, text: a.name, selected: a.code === selected })),
  )
  const staffDate = staffDateFormat(timeZone)
  env.addFilter('staffDate', staffDate)
  // MoJ's timeline formats its dates with this filter: the same clock as every staff page.
  env.addFilter('mojDate', (value: unknown) =>
    typeof value === 'string' ? staffDate(new Date(value)) : '',
  )
  return env
}

export interface ViewOptions {
  agency: Agency
  exitPageUrl: string
  /** An asset's plain name to its URL (fingerprinted once the assets are built). */
  assetPath: (name: string) => string
  /** Shared values every page may show, such as how long draft answers are kept. */
  globals: Record<string, unknown>
  /** The office's IANA time zone: staff pages give times on its clock. */
  timeZone: string
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with the shared context (nonce, CSRF token, agency) and sends it. */
    view(template: string, context?: Record<string, unknown>, status?: number): FastifyReply
  }
}

export const viewsPlugin = fp<ViewOptions>(
  (app: FastifyInstance, options, done) => {
    const env = createViewEnvironment(options.timeZone)
    env.addGlobal('asset', options.assetPath)
    app.decorateReply(
      'view',
      function view(
        this: FastifyReply,
        template: string,
        context: Record<string, unknown> = {},
        status = 200,
      ) {
        const html = env.render(template, {
          ...options.globals,
          ...context,
          agency: options.agency,
          exitPageUrl: options.exitPageUrl,
          cspNonce: this.cspNonce.script,
          csrfToken: this.generateCsrf(),
          currentPath: this.request.url.split('?')[0],
        })
        return this.status(status).type('text/html; charset=utf-8').send(html)
      },
    )
    done()
  },
  { name: 'views', dependencies: ['security'] },
)

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}
