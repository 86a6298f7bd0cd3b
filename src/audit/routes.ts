import { stringify } from 'csv-stringify/sync'
import type { FastifyRequest } from 'fastify'
import { errorList } from '../web/form-fields.js'
import { staffPaths } from '../web/paths.js'
import type { StaffRouter } from '../web/staff-routes.js'
import { auditRow, readAuditQuery, type AuditQuery } from './presenters.js'
import type { AuditReader } from './service.js'

export interface AuditRoutesOptions {
  reader: AuditReader
  /** Staff, to name the people in the trail and filter by them. */
  people: () => Promise<{ id: string; name: string }[]>
}

type QueryRequest = FastifyRequest<{ Querystring: AuditQuery }>

/**
 * The auditors' view of the trail: filter by person, record, event and date, and export the
 * same as CSV. The trail holds references, never the personal data of a report.
 */
export function auditRoutes(router: StaffRouter, options: AuditRoutesOptions): void {
  router.add({
    method: 'GET',
    url: staffPaths.auditTrail,
    access: { permission: 'audit.view' },
    audit: 'audit-trail.viewed',
    handler: async (request: QueryRequest, reply, ctx) => {
      const people = await options.people()
      const names = new Map(people.map((p) => [p.id, p.name]))
      const query = readAuditQuery(request.query)
      const common = {
        values: query.values,
        personItems: [
          { value: '', text: 'Anyone' },
          ...people.map((p) => ({
            value: p.id,
            text: p.name,
            selected: p.id === query.values.person,
          })),
        ],
      }
      if (!query.ok) {
        return ctx.view(
          'audit-trail.njk',
          { ...common, errors: query.errors, errorList: errorList(query.errors), rows: [] },
          400,
        )
      }
      const found = await options.reader.page(ctx.audit, query.filter, query.page)
      const params = new URLSearchParams(Object.entries(query.values).filter(([, v]) => v !== ''))
      const pageUrl = (page: number) => {
        const p = new URLSearchParams(params)
        p.set('page', String(page))
        return `${staffPaths.auditTrail}?${p.toString()}`
      }
      return ctx.view('audit-trail.njk', {
        ...common,
        eventItems: [
          { value: '', text: 'Any event' },
          ...found.eventNames.map((e) => ({
            value: e,
            text: e,
            selected: e === query.values.event,
          })),
        ],
        rows: found.events.map((e) => auditRow(e, names)),
        page: query.page,
        previousUrl: query.page > 1 ? pageUrl(query.page - 1) : undefined,
        nextUrl: found.more ? pageUrl(query.page + 1) : undefined,
        exportUrl: `${staffPaths.auditExport}${params.size > 0 ? `?${params.toString()}` : ''}`,
      })
    },
  })

  router.add({
    method: 'GET',
    url: staffPaths.auditExport,
    access: { permission: 'audit.export' },
    audit: 'audit-trail.exported',
    handler: async (request: QueryRequest, reply, ctx) => {
      const query = readAuditQuery(request.query)
      // Nothing is exported, so nothing is audited: a refusal, not a redirect that looks done.
      if (!query.ok) {
        return ctx.view(
          'staff-error.njk',
          {
            title: 'The filter is not valid',
            message: 'Nothing was exported. Go back to the audit trail and correct the filter.',
          },
          400,
        )
      }
      const people = await options.people()
      const names = new Map(people.map((p) => [p.id, p.name]))
      const events = await options.reader.export(ctx.audit, query.filter)
      const csv = stringify(
        events.map((e) => auditRow(e, names)),
        {
          header: true,
          // A cell starting with = + - @ would be a formula in a spreadsheet.
          escape_formulas: true,
          columns: [
            { key: 'id', header: 'id' },
            { key: 'occurredAt', header: 'occurred_at' },
            { key: 'actor', header: 'actor' },
            { key: 'who', header: 'actor_name' },
            { key: 'event', header: 'event' },
            { key: 'subjectType', header: 'record_type' },
            { key: 'subjectId', header: 'record_id' },
            { key: 'address', header: 'address' },
            { key: 'reason', header: 'reason' },
            { key: 'details', header: 'details' },
            { key: 'sealed', header: 'sealed' },
          ],
        },
      )
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-trail.csv"')
        .send(csv)
    },
  })
}
