import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ContentPage, Partner } from '../content/content.js'
import type { Arrival } from '../report-button/routes.js'
import { errorList, readFormBody } from '../web/form-fields.js'
import {
  furthestPage,
  isReachable,
  pageAfter,
  previousPage,
  saveAnswer,
  type FieldErrors,
  type FormBody,
  type Journey,
  type JourneyAnswers,
} from '../web/journey.js'
import { noteForLog } from '../web/logging.js'
import { paths } from '../web/paths.js'
import { cookieName } from '../web/security.js'
import type { OnlineAccount, ReportAnswers } from './answers.js'
import { hashDraftId, newDraftId } from './drafts.js'
import { CHECK_ANSWERS } from './journey.js'
import { checkAnswersSections, formValues, helpSections, withOneRow } from './presenters.js'
import type { ReportService } from './service.js'
import { contactWaysOffered, LIMITS, readAccounts } from './validation.js'
import { contactIsTrustedAdult, isYoungChild, wordingFor } from './wording.js'

export interface ReportRoutesOptions {
  journey: Journey
  service: ReportService
  secureCookies: boolean
  draftTtlMinutes: number
  rateLimitPerMinute: number
  councilAreas: () => Promise<{ code: string; name: string }[]>
  partnersFor: (topic: string) => Partner[]
  advicePage: (slug: string) => ContentPage | undefined
  /** Which report button, if any, brought the reporter. */
  arrival?: Arrival
}

/** How long the confirmation page can be shown again after a report is sent. */
const SENT_COOKIE_MINUTES = 30
type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: { change?: string } }>

/**
 * HTTP only: which draft, which page, render or redirect. What a page asks and where it leads
 * lives in journey.ts; storing and submitting lives in service.ts.
 */
export function reportRoutes(app: FastifyInstance, options: ReportRoutesOptions): void {
  const { journey, service } = options
  const postLimits = {
    preHandler: app.csrfProtection.bind(app),
    config: { rateLimit: { max: options.rateLimitPerMinute, timeWindow: 60_000 } },
  }
  // The draft cookie points at answers in progress; once they are sent it is gone, and only
  // the sent cookie remains, which the confirmation page alone reads, for a short while.
  const DRAFT_COOKIE = cookieName('sc_report', options.secureCookies)
  const SENT_COOKIE = cookieName('sc_sent', options.secureCookies)
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secureCookies,
  }
  const draftCookie = { ...cookieOptions, maxAge: options.draftTtlMinutes * 60 }
  const sentCookie = { ...cookieOptions, maxAge: SENT_COOKIE_MINUTES * 60 }

  /**
   * The reporter's draft: none yet, a live one, or one that has expired. A draft that was
   * already sent (say, from another tab) counts as none, so a new report starts clean; its
   * cookie is swapped for the sent cookie, which leads only to its confirmation.
   */
  async function loadDraft(request: FastifyRequest, reply: FastifyReply) {
    const id = request.cookies[DRAFT_COOKIE]
    if (!id) return { state: 'none' as const }
    const idHash = hashDraftId(id)
    const draft = await service.findDraft(idHash)
    if (!draft) return { state: 'expired' as const, idHash }
    if (draft.reportId) {
      void reply.clearCookie(DRAFT_COOKIE, cookieOptions).setCookie(SENT_COOKIE, id, sentCookie)
      return { state: 'none' as const }
    }
    return { state: 'live' as const, idHash, draft }
  }

  const pageUrl = (slug: string, change: boolean) =>
    `${paths.report.page(slug)}${change && slug !== CHECK_ANSWERS ? '?change=1' : ''}`

  async function render(
    reply: FastifyReply,
    slug: string,
    answers: JourneyAnswers,
    change: boolean,
    form: { values: Record<string, unknown>; errors?: FieldErrors },
    status = 200,
  ) {
    const previous = previousPage(journey, answers, slug)
    const back = change
      ? paths.report.checkAnswers
      : previous
        ? paths.report.page(previous)
        : paths.report.start
    const typed = answers as ReportAnswers
    return reply.header('cache-control', 'no-store').view(
      `${slug}.njk`,
      {
        w: wordingFor(typed['who-are-you']?.audience),
        audience: typed['who-are-you']?.audience,
        answers,
        values: form.values,
        errors: form.errors ?? {},
        errorList: errorList(form.errors ?? {}),
        backLink: back,
        action: pageUrl(slug, change),
        youngChild: isYoungChild(typed),
        trustedAdult: contactIsTrustedAdult(typed),
        contactWays: slug === 'safe-ways-to-contact' ? contactWaysOffered(answers) : [],
        councilAreas: slug === 'which-area' ? await options.councilAreas() : [],
        helpSections: slug === 'help-with-other-problems' ? helpSections(typed, options) : [],
        childrensHelplines: slug === 'under-11' ? options.partnersFor('under-11') : [],
        limits: LIMITS,
      },
      status,
    )
  }

  app.get(paths.report.start, (request, reply) =>
    reply.header('cache-control', 'no-store').view('start.njk', {
      talkNow: options.partnersFor('talk-now'),
      arrivedFrom: request.arrivedFrom,
    }),
  )

  app.get(paths.report.answersCleared, (request, reply) => {
    void reply.clearCookie(DRAFT_COOKIE, cookieOptions)
    return reply.header('cache-control', 'no-store').view('answers-cleared.njk')
  })

  app.get(paths.report.confirmation, async (request, reply) => {
    const sent = request.cookies[SENT_COOKIE]
    const reference = sent ? await service.referenceFor(hashDraftId(sent)) : undefined
    if (!reference) return reply.redirect(paths.report.start)
    return reply.header('cache-control', 'no-store').view('confirmation.njk', { reference })
  })

  app.get(paths.report.checkAnswers, async (request, reply) => {
    const loaded = await loadDraft(request, reply)
    if (loaded.state === 'expired') return reply.redirect(paths.report.answersCleared)
    // Back from the confirmation: the report is sent, so show where it went, not a blank form.
    if (loaded.state === 'none' && request.cookies[SENT_COOKIE])
      return reply.redirect(paths.report.confirmation)
    const answers = loaded.state === 'live' ? loaded.draft.answers : {}
    if (!isReachable(journey, answers, CHECK_ANSWERS))
      return reply.redirect(paths.report.page(furthestPage(journey, answers)))
    const typed = answers as ReportAnswers
    return reply.header('cache-control', 'no-store').view('check-your-answers.njk', {
      w: wordingFor(typed['who-are-you']?.audience),
      sections: checkAnswersSections(
        typed,
        journey,
        new Map((await options.councilAreas()).map((a) => [a.code, a.name])),
      ),
      backLink: paths.report.page(previousPage(journey, answers, CHECK_ANSWERS) ?? journey.start),
    })
  })

  app.post(paths.report.checkAnswers, postLimits, async (request, reply) => {
    // submit() reads the draft itself, so it is not read here first.
    const id = request.cookies[DRAFT_COOKIE]
    if (!id) {
      // Sent already (back, then send again): its confirmation; otherwise the answers are gone.
      const sent = request.cookies[SENT_COOKIE] !== undefined
      return reply.redirect(sent ? paths.report.confirmation : paths.report.answersCleared, 303)
    }
    const sourceSite = await options.arrival?.sourceSiteOf(request)
    const outcome = await service.submit(
      hashDraftId(id),
      sourceSite === undefined ? { source: 'form' } : { source: 'button', sourceSite },
    )
    if (outcome.kind === 'expired') return reply.redirect(paths.report.answersCleared, 303)
    if (outcome.kind === 'incomplete')
      return reply.redirect(paths.report.page(outcome.resumeAt), 303)
    noteForLog(request, { event: 'report submitted', fields: { reference: outcome.reference } })
    void reply.clearCookie(DRAFT_COOKIE, cookieOptions).setCookie(SENT_COOKIE, id, sentCookie)
    // The report says where it came from; nothing more needs remembering.
    options.arrival?.forget(reply)
    return reply.redirect(paths.report.confirmation, 303)
  })

  app.get<{ Params: { slug: string }; Querystring: { change?: string } }>(
    paths.report.page(':slug'),
    async (request, reply) => {
      const { slug } = request.params
      if (!journey.pages.has(slug)) {
        reply.callNotFound()
        return reply
      }
      const loaded = await loadDraft(request, reply)
      if (loaded.state === 'expired') {
        if (slug !== journey.start) return reply.redirect(paths.report.answersCleared)
        void reply.clearCookie(DRAFT_COOKIE, cookieOptions)
      }
      const answers = loaded.state === 'live' ? loaded.draft.answers : {}
      if (!isReachable(journey, answers, slug))
        return reply.redirect(paths.report.page(furthestPage(journey, answers)))
      const change = request.query.change === '1'
      return render(reply, slug, answers, change, { values: formValues(slug, answers[slug]) })
    },
  )

  app.post(paths.report.page(':slug'), postLimits, async (request: SlugRequest, reply) => {
    const { slug } = request.params
    const page = journey.pages.get(slug)
    if (!page) {
      reply.callNotFound()
      return reply
    }
    const loaded = await loadDraft(request, reply)
    if (loaded.state === 'expired') return reply.redirect(paths.report.answersCleared, 303)
    const answers = loaded.state === 'live' ? loaded.draft.answers : {}
    if (!isReachable(journey, answers, slug))
      return reply.redirect(paths.report.page(furthestPage(journey, answers)), 303)

    const change = request.query.change === '1'
    const body = readFormBody(request.body)
    if (!body) {
      const errors = {
        'main-content': 'We could not read what you sent. Answer the question again.',
      }
      return render(reply, slug, answers, change, { values: {}, errors }, 400)
    }
    const edited = editedAccounts(body)
    if (edited)
      return render(reply, slug, answers, change, { values: { ...body, accounts: edited } })

    const parsed = await page.parse(body, answers)
    if (!parsed.ok) {
      const values = { ...body, accounts: withOneRow(readAccounts(body)) }
      return render(reply, slug, answers, change, { values, errors: parsed.errors }, 400)
    }
    const updated = saveAnswer(journey, answers, slug, parsed.value)
    let id = loaded.state === 'live' ? request.cookies[DRAFT_COOKIE] : undefined
    if (!id) {
      id = newDraftId()
      // A new report: the last one's confirmation is no longer offered on this device.
      void reply.clearCookie(SENT_COOKIE, cookieOptions)
    }
    // The cookie lives as long as the answers: each save renews both.
    void reply.setCookie(DRAFT_COOKIE, id, draftCookie)
    await service.saveDraft(hashDraftId(id), updated)
    return reply.redirect(pageUrl(pageAfter(journey, updated, slug, change), change), 303)
  })
}

/** "Add another account" and "Remove" re-show the page with a row more or fewer, saving nothing. */
function editedAccounts(body: FormBody): OnlineAccount[] | undefined {
  const action = typeof body.action === 'string' ? body.action : ''
  const accounts = readAccounts(body)
  if (action === 'add-account') {
    const rows = withOneRow(accounts)
    return rows.length < LIMITS.accounts ? [...rows, { platform: '', username: '' }] : rows
  }
  const remove = /^remove-account-(\d+)$/.exec(action)
  if (remove) return withOneRow(accounts.filter((_, i) => i !== Number(remove[1])))
  return undefined
}
