import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import type { FastifyRequest } from 'fastify'
import { errorList, text } from '../web/form-fields.js'
import type { FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import { allows, ROLE_NAMES, type Permission } from './permissions.js'
import type { StaffService } from './service.js'
import type { StaffSession } from './session-repository.js'

export interface DoorRoutesOptions {
  service: StaffService
  serviceName: string
}

type TokenRequest = FastifyRequest<{ Params: { token: string } }>

/** Only a path inside the staff area: never another site, never a protocol-relative URL. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' &&
    /^\/staff(\/[\w\-/.%?=&]*)?$/.test(value) &&
    !value.includes('//')
    ? value
    : staffPaths.home
}

const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as FormBody

/** The authenticator's answer, sent by staff.js as JSON in the form field `response`. */
function passkeyAnswer(body: unknown): object | undefined {
  const field = (body as Record<string, unknown> | undefined)?.response
  if (typeof field !== 'string') return undefined
  try {
    const parsed: unknown = JSON.parse(field)
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined
  } catch {
    return undefined
  }
}

const signedInSession = (ctx: StaffContext): StaffSession => {
  if (!ctx.session) throw new Error('a staff route that needs a session ran without one')
  return ctx.session
}

/**
 * The door: signing in (password, then a second factor), set-up links, enrolling a second
 * factor, confirming it is you before administration, and signing out. Plus the staff home
 * page and the person's own account.
 */
export function doorRoutes(router: StaffRouter, options: DoorRoutesOptions): void {
  const { service } = options

  router.add({
    method: 'GET',
    url: staffPaths.signIn,
    access: { door: 'anyone' },
    audit: { notAudited: 'a blank form' },
    handler: async (request, reply, ctx) => {
      if (ctx.session?.stage === 'signed-in') return reply.redirect(staffPaths.home, 303)
      const query = request.query as { 'signed-out'?: string }
      return ctx.view('sign-in.njk', { values: {}, signedOut: query['signed-out'] === '1' })
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.signIn,
    access: { door: 'anyone' },
    audit: 'staff.password-accepted',
    handler: async (request, reply, ctx) => {
      const body = bodyOf(request)
      const email = text(body, 'email')
      const password = typeof body.password === 'string' ? body.password : ''
      const errors: Record<string, string> = {}
      if (email === '') errors.email = 'Enter your email address'
      if (password === '') errors.password = 'Enter your password'
      const again = (status: number, errs: Record<string, string>) =>
        ctx.view(
          'sign-in.njk',
          { values: { email }, errors: errs, errorList: errorList(errs) },
          status,
        )
      if (Object.keys(errors).length > 0) return again(400, errors)
      const outcome = await service.checkPassword(ctx.audit, email, password, ctx.address)
      if (outcome.kind === 'wait')
        return again(429, {
          email: `Too many tries. Wait ${outcome.seconds} seconds, then try again`,
        })
      if (outcome.kind === 'refused')
        return again(400, { email: 'Enter a correct email address and password' })
      if (ctx.session) await service.endSession(ctx.session)
      ctx.setSession(outcome.sessionId)
      return reply.redirect(
        outcome.stage === 'enrol' ? staffPaths.enrol : staffPaths.secondFactor,
        303,
      )
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.signOut,
    access: { door: 'anyone' },
    audit: 'staff.signed-out',
    handler: async (request, reply, ctx) => {
      if (ctx.session) await service.signOut(ctx.audit, ctx.session)
      ctx.endSession()
      // Tells the browser to drop everything it kept for this site, not only the cookie.
      void reply.header('clear-site-data', '"cache", "cookies", "storage"')
      return reply.redirect(`${staffPaths.signIn}?signed-out=1`, 303)
    },
  })

  // Set-up links: choose a password, then a second factor.
  router.add({
    method: 'GET',
    url: staffPaths.setUp(':token'),
    access: { door: 'anyone' },
    audit: { notAudited: 'a blank form; the link is checked, not used' },
    handler: async (request: TokenRequest, reply, ctx) => {
      const member = await service.setupLinkFor(request.params.token)
      if (!member) return ctx.view('set-up-link-invalid.njk', {}, 404)
      return ctx.view('set-up.njk', { action: request.url })
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.setUp(':token'),
    access: { door: 'anyone' },
    audit: 'staff.password-set',
    handler: async (request: TokenRequest, reply, ctx) => {
      const body = bodyOf(request)
      const password = typeof body.password === 'string' ? body.password : ''
      const confirm = typeof body.confirmPassword === 'string' ? body.confirmPassword : ''
      const again = (errs: Record<string, string>) =>
        ctx.view(
          'set-up.njk',
          { action: request.url, errors: errs, errorList: errorList(errs) },
          400,
        )
      if (password !== '' && confirm !== password)
        return again({ confirmPassword: 'The passwords do not match' })
      const outcome = await service.completeSetup(
        ctx.audit,
        request.params.token,
        password,
        options.serviceName,
      )
      if (outcome.kind === 'invalid-link') return ctx.view('set-up-link-invalid.njk', {}, 404)
      if (outcome.kind === 'problem') return again({ password: outcome.message })
      if (ctx.session) await service.endSession(ctx.session)
      ctx.setSession(outcome.sessionId)
      return reply.redirect(staffPaths.enrol, 303)
    },
  })

  // Enrolling a second factor: at set-up (mandatory), or later from "Your account".
  const enrolAccess = { door: 'enrol', or: 'own-account.add-factor' } as const
  const afterEnrol = (session: StaffSession) =>
    session.stage === 'enrol' ? staffPaths.home : staffPaths.account

  router.add({
    method: 'GET',
    url: staffPaths.enrol,
    access: enrolAccess,
    audit: { notAudited: 'shows the choice of factor only' },
    handler: async (request, reply, ctx) => {
      const session = signedInSession(ctx)
      return ctx.view('enrol.njk', {
        firstTime: session.stage === 'enrol',
        allowTotp: service.allowTotp,
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.enrolPasskeyOptions,
    access: enrolAccess,
    audit: { notAudited: 'issues a one-time challenge; the passkey it makes is audited' },
    handler: async (request, reply, ctx) => {
      return reply.send(await service.passkeyRegistration(signedInSession(ctx)))
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.enrolPasskey,
    access: enrolAccess,
    audit: 'staff.factor-added',
    handler: async (request, reply, ctx) => {
      const session = signedInSession(ctx)
      // The library checks the answer's every field; here it need only be an object.
      const response = passkeyAnswer(request.body) as RegistrationResponseJSON | undefined
      if (!response) return reply.status(400).send({ error: 'no passkey was sent' })
      const outcome = await service.enrolPasskey(ctx.audit, session, response)
      if (outcome.kind === 'refused')
        return reply.status(400).send({ error: 'That passkey could not be checked. Try again.' })
      if (outcome.sessionId) ctx.setSession(outcome.sessionId)
      return reply.send({ redirect: afterEnrol(session) })
    },
  })

  const appPage = async (ctx: StaffContext, errors: Record<string, string> = {}, status = 200) =>
    ctx.view(
      'enrol-authenticator-app.njk',
      {
        ...(await service.authenticatorAppEnrolment(signedInSession(ctx))),
        errors,
        errorList: errorList(errors),
      },
      status,
    )

  router.add({
    method: 'GET',
    url: staffPaths.enrolApp,
    access: enrolAccess,
    audit: { notAudited: 'shows the person their own new secret; enrolling it is audited' },
    handler: async (request, reply, ctx) => {
      if (!service.allowTotp) return reply.redirect(staffPaths.enrol, 303)
      return appPage(ctx)
    },
  })

  router.add({
    method: 'POST',
    url: staffPaths.enrolApp,
    access: enrolAccess,
    audit: 'staff.factor-added',
    handler: async (request, reply, ctx) => {
      if (!service.allowTotp) return reply.redirect(staffPaths.enrol, 303)
      const session = signedInSession(ctx)
      const code = text(bodyOf(request), 'code')
      if (code === '') return appPage(ctx, { code: 'Enter the 6-digit code from the app' }, 400)
      const outcome = await service.enrolAuthenticatorApp(ctx.audit, session, code)
      if (outcome.kind === 'refused')
        return appPage(
          ctx,
          { code: 'The code is not right: enter the code the app shows now' },
          400,
        )
      if (outcome.sessionId) ctx.setSession(outcome.sessionId)
      return reply.redirect(afterEnrol(session), 303)
    },
  })

  // The second factor: at sign-in, and again before administration ("confirm it is you").
  for (const purpose of ['sign-in', 'confirm'] as const) {
    const page = purpose === 'sign-in' ? staffPaths.secondFactor : staffPaths.confirm
    const event = purpose === 'sign-in' ? 'staff.signed-in' : 'staff.reauthenticated'
    const codeUrl = `${page}/code`
    const passkeyUrl = `${page}/passkey`
    const challengeUrl = `${page}/passkey/challenge`
    const render = async (
      ctx: StaffContext,
      next: string,
      errors: Record<string, string> = {},
      status = 200,
    ) => {
      const factors = await service.factorsOf(signedInSession(ctx).staff.id)
      return ctx.view(
        'second-factor.njk',
        {
          purpose,
          next,
          codeUrl,
          passkeyUrl,
          challengeUrl,
          hasPasskey: factors.passkeys.length > 0,
          hasApp: factors.authenticatorApp,
          errors,
          errorList: errorList(errors),
        },
        status,
      )
    }

    router.add({
      method: 'GET',
      url: page,
      access: { door: 'second-factor' },
      audit: { notAudited: 'shows which factors the person has, to themselves' },
      handler: async (request, reply, ctx) => {
        const session = signedInSession(ctx)
        if (purpose === 'sign-in' && session.stage === 'signed-in')
          return reply.redirect(staffPaths.home, 303)
        return render(ctx, safeNext((request.query as { next?: string }).next))
      },
    })

    router.add({
      method: 'GET',
      url: challengeUrl,
      access: { door: 'second-factor' },
      audit: { notAudited: 'issues a one-time challenge; its answer is audited' },
      handler: async (request, reply, ctx) =>
        reply.send(await service.passkeyChallenge(signedInSession(ctx))),
    })

    router.add({
      method: 'POST',
      url: codeUrl,
      access: { door: 'second-factor' },
      audit: event,
      handler: async (request, reply, ctx) => {
        const body = bodyOf(request)
        const next = safeNext(text(body, 'next'))
        const code = text(body, 'code')
        if (code === '')
          return render(ctx, next, { code: 'Enter the 6-digit code from your app' }, 400)
        const outcome = await service.proveWithCode(ctx.audit, signedInSession(ctx), code)
        if (outcome.kind === 'wait')
          return render(
            ctx,
            next,
            { code: `Too many tries. Wait ${outcome.seconds} seconds, then try again` },
            429,
          )
        if (outcome.kind === 'refused')
          return render(
            ctx,
            next,
            { code: 'The code is not right: enter the code the app shows now' },
            400,
          )
        ctx.setSession(outcome.sessionId)
        return reply.redirect(next, 303)
      },
    })

    router.add({
      method: 'POST',
      url: passkeyUrl,
      access: { door: 'second-factor' },
      audit: event,
      handler: async (request, reply, ctx) => {
        const response = passkeyAnswer(request.body) as AuthenticationResponseJSON | undefined
        if (!response) return reply.status(400).send({ error: 'no passkey was sent' })
        const outcome = await service.proveWithPasskey(ctx.audit, signedInSession(ctx), response)
        if (outcome.kind === 'refused')
          return reply.status(400).send({ error: 'That passkey could not be checked. Try again.' })
        ctx.setSession(outcome.sessionId)
        return reply.send({ redirect: safeNext(text(bodyOf(request), 'next')) })
      },
    })
  }

  router.add({
    method: 'GET',
    url: staffPaths.home,
    access: { permission: 'home.view' },
    audit: { notAudited: "shows the person's own name and roles only" },
    handler: async (request, reply, ctx) => {
      const session = signedInSession(ctx)
      const can = (permission: Permission) => allows(session.staff.roles, permission, router.grants)
      return ctx.view('staff-home.njk', {
        roles: session.staff.roles.map((r) => ROLE_NAMES[r]),
        links: [
          can('queue.view') && {
            href: staffPaths.queue,
            text: 'Triage queue',
            hint: 'Reports waiting for a risk assessment, most urgent first',
          },
          can('cases.list') && {
            href: staffPaths.cases,
            text: 'Cases',
            hint: 'Your cases and the team’s: contact, safeguarding plans, tasks and closure',
          },
          can('tasks.list') && {
            href: staffPaths.myTasks,
            text: 'My tasks',
            hint: 'Tasks on cases that are yours to do, the overdue ones first',
          },
          can('triage-agreement.view') && {
            href: staffPaths.triageAgreement,
            text: 'Triage agreement',
            hint: "How often the automatic priority agrees with advisors' decisions",
          },
          can('partner-agencies.list') && {
            href: staffPaths.partnerAgencies,
            text: 'Partner agencies',
            hint: 'Police forces, children’s services and others: their contacts',
          },
          can('staff.list') && {
            href: staffPaths.staffList,
            text: 'Staff accounts',
            hint: 'Add people, change roles, disable accounts and reset second factors',
          },
          can('audit.view') && {
            href: staffPaths.auditTrail,
            text: 'Audit trail',
            hint: 'Who did what, to which record, and when',
          },
          {
            href: staffPaths.account,
            text: 'Your account',
            hint: 'Your passkeys and authenticator app',
          },
        ].filter(Boolean),
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.account,
    access: { permission: 'own-account.view' },
    audit: 'own-account.viewed',
    handler: async (request, reply, ctx) => {
      const session = signedInSession(ctx)
      const factors = await service.viewOwnFactors(ctx.audit, session)
      return ctx.view('account.njk', {
        factors,
        allowTotp: service.allowTotp,
        email: session.staff.email,
      })
    },
  })
}
