import type { FastifyRequest } from 'fastify'
import { errorList } from '../web/form-fields.js'
import type { FormBody } from '../web/journey.js'
import { staffPaths } from '../web/paths.js'
import type { StaffContext, StaffRouter } from '../web/staff-routes.js'
import { ROLE_NAMES, ROLES, roleNames } from './permissions.js'
import { DuplicateEmailError } from './repository.js'
import type { StaffService } from './service.js'
import { readRoles, readStaffDetails } from './validation.js'

type IdRequest = FastifyRequest<{ Params: { id: string } }>

const roleItems = (selected: readonly string[]) =>
  ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role], checked: selected.includes(role) }))

/**
 * The back office for staff accounts. Administrators see names, emails, roles and which
 * factors a person has, never a secret. Every change needs a second factor proven in the last
 * five minutes, and nobody changes their own account here: another administrator does.
 */
export function adminRoutes(router: StaffRouter, service: StaffService): void {
  const detailPage = (request: IdRequest) => staffPaths.staffMember(request.params.id)
  const self = (request: IdRequest, ctx: StaffContext) =>
    ctx.session?.staff.id === request.params.id

  async function showMember(
    request: IdRequest,
    ctx: StaffContext,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const found = await service.viewStaff(ctx.audit, request.params.id)
    if (!found) return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
    return ctx.view(
      'admin/staff-member.njk',
      {
        ...found,
        roleText: roleNames(found.member.roles),
        roleItems: roleItems(found.member.roles),
        isSelf: self(request, ctx),
        ...extra,
      },
      status,
    )
  }

  router.add({
    method: 'GET',
    url: staffPaths.staffList,
    access: { permission: 'staff.list' },
    audit: 'staff.listed',
    handler: async (request, reply, ctx) => {
      const staff = await service.listStaff(ctx.audit)
      return ctx.view('admin/staff-list.njk', {
        staff: staff.map((s) => ({ ...s, roleText: roleNames(s.roles) })),
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.newStaff,
    access: { permission: 'staff.create' },
    audit: { notAudited: 'a blank form' },
    handler: async (request, reply, ctx) =>
      ctx.view('admin/new-staff.njk', { values: {}, roleItems: roleItems([]) }),
  })

  router.add({
    method: 'POST',
    url: staffPaths.newStaff,
    access: { permission: 'staff.create', freshFactor: true },
    audit: 'staff.created',
    handler: async (request, reply, ctx) => {
      const body = (request.body ?? {}) as FormBody
      const parsed = readStaffDetails(body)
      const again = (errors: Record<string, string>) =>
        ctx.view(
          'admin/new-staff.njk',
          {
            values: body,
            roleItems: roleItems(readRoles(body.roles).roles),
            errors,
            errorList: errorList(errors),
          },
          400,
        )
      if (!parsed.ok) return again(parsed.errors)
      const created = await service.createStaff(ctx.audit, parsed.value).catch((error: unknown) => {
        if (error instanceof DuplicateEmailError) return undefined
        throw error
      })
      if (!created) return again({ email: 'A member of staff already has this email address' })
      // The link is shown on this one response and stored only as a hash: it cannot be shown
      // again, so this page is not a redirect to a page that could be reloaded.
      return ctx.view('admin/set-up-link.njk', {
        heading: 'Account created',
        name: parsed.value.name,
        link: created.link,
        memberUrl: staffPaths.staffMember(created.id),
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.staffMember(':id'),
    access: { permission: 'staff.view' },
    audit: 'staff.viewed',
    handler: async (request: IdRequest, reply, ctx) => showMember(request, ctx),
  })

  const refuseSelf = (request: IdRequest, ctx: StaffContext) =>
    showMember(
      request,
      ctx,
      {
        errorList: [
          {
            text: 'You cannot change your own account here: ask another administrator',
            href: '#actions',
          },
        ],
      },
      400,
    )

  router.add({
    method: 'POST',
    url: staffPaths.staffAction(':id', 'roles'),
    access: { permission: 'staff.change-roles', freshFactor: true },
    audit: 'staff.roles-changed',
    retryAt: detailPage,
    handler: async (request: IdRequest, reply, ctx) => {
      if (self(request, ctx)) return refuseSelf(request, ctx)
      const { roles, error } = readRoles(((request.body ?? {}) as FormBody).roles)
      if (error) {
        return showMember(
          request,
          ctx,
          { errors: { roles: error }, errorList: errorList({ roles: error }) },
          400,
        )
      }
      if (!(await service.changeRoles(ctx.audit, request.params.id, roles)))
        return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
      return reply.redirect(detailPage(request), 303)
    },
  })

  for (const [action, status, permission, event] of [
    ['disable', 'disabled', 'staff.disable', 'staff.disabled'],
    ['enable', 'active', 'staff.enable', 'staff.enabled'],
  ] as const) {
    router.add({
      method: 'POST',
      url: staffPaths.staffAction(':id', action),
      access: { permission, freshFactor: true },
      audit: event,
      retryAt: detailPage,
      handler: async (request: IdRequest, reply, ctx) => {
        if (self(request, ctx)) return refuseSelf(request, ctx)
        if (!(await service.setStatus(ctx.audit, request.params.id, status)))
          return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
        return reply.redirect(detailPage(request), 303)
      },
    })
  }

  router.add({
    method: 'POST',
    url: staffPaths.staffAction(':id', 'reset-second-factor'),
    access: { permission: 'staff.reset-factor', freshFactor: true },
    audit: 'staff.second-factor-reset',
    retryAt: detailPage,
    handler: async (request: IdRequest, reply, ctx) => {
      if (self(request, ctx)) return refuseSelf(request, ctx)
      const link = await service.resetSecondFactor(ctx.audit, request.params.id)
      if (!link) return ctx.view('staff-error.njk', { title: 'Page not found' }, 404)
      return ctx.view('admin/set-up-link.njk', {
        heading: 'Second factor reset',
        link,
        memberUrl: detailPage(request),
      })
    },
  })
}
