import type { SummarySection } from '../reports/presenters.js'
import { fill, type AgencyWording, type LawfulBasis, type ReferralContent } from './content.js'

/**
 * The referral package: one document a police officer or social worker can act on, in the
 * agency's own words, holding only the parts of the report staff ticked. Built as data first,
 * then rendered as HTML (the email's body), text, JSON (the webhook) and PDF (pdf.ts). Pure.
 */
export const REFERRAL_SHARES = [
  'the-child',
  'what-happened',
  'the-other-person',
  'reporter-contact',
] as const
export type ReferralShare = (typeof REFERRAL_SHARES)[number]

export const SHARE_TITLES: Record<ReferralShare, string> = {
  'the-child': "The child's details and where they live",
  'what-happened': 'What happened, in the reporter’s words',
  'the-other-person': 'What is known about the other person',
  'reporter-contact': "The reporter's contact details",
}

/** Which of the report's sections (src/reports/presenters.ts) each share holds. */
const SECTIONS_OF: Record<ReferralShare, readonly string[]> = {
  'the-child': ['About the child', 'Where you live'],
  'what-happened': ['What happened'],
  'the-other-person': ['The other person'],
  'reporter-contact': ['About you', 'How we can contact you'],
}

export interface PackageInput {
  referralId: string
  messageId: string
  reference: string
  serviceName: string
  operatorName: string
  agency: { name: string; kind: string }
  urgency: 'urgent' | 'standard'
  reason: string
  lawfulBasis: LawfulBasis
  shared: readonly string[]
  priority: string
  triageReasons: readonly string[]
  approvedBy: string
  createdAt: Date
  /** The office's time zone, in which the package gives times. */
  timeZone: string
  /** The report's sections, as staff see them; only the shared ones go in. */
  sections: readonly SummarySection[]
  /** The one-time link with which the agency acknowledges it (email only). */
  acknowledgeUrl: string | null
  content: ReferralContent
}

export interface ReferralPackage {
  referralId: string
  messageId: string
  reference: string
  title: string
  forWhom: string
  ask: string
  acknowledge: string | null
  acknowledgeUrl: string | null
  urgent: boolean
  facts: { key: string; value: string }[]
  sections: { title: string; rows: { key: string; value: string }[] }[]
  notShared: string[]
  from: string
}

const when = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(at)

/** The report's words are the reporter's ("Your name"): the package names them as such. */
const forPartner = (key: string) =>
  key
    .replace(/^In your words$/, "In the reporter's words")
    .replace(/^Your /, "Reporter's ")
    .replace(/^Who you are$/, 'Who reported')
    .replace(/^You know /, 'The reporter knows ')

export function buildPackage(input: PackageInput): ReferralPackage {
  const wording: AgencyWording = {
    ...input.content.wording.default,
    ...input.content.wording.kinds[input.agency.kind],
  }
  const values = { serviceName: input.serviceName, agencyName: input.agency.name }
  const urgent = input.urgency === 'urgent'
  const shared = REFERRAL_SHARES.filter((s) => input.shared.includes(s))
  const sections = shared.flatMap((share) =>
    input.sections
      .filter((s) => SECTIONS_OF[share].includes(s.title))
      .map((s) => ({
        title: SHARE_TITLES[share],
        rows: s.rows.map((r) => ({ key: forPartner(r.key), value: r.value })),
      })),
  )
  return {
    referralId: input.referralId,
    messageId: input.messageId,
    reference: input.reference,
    title: fill(wording.title, values),
    forWhom: fill(wording.forWhom, values),
    ask: fill(urgent && wording.urgentAsk ? wording.urgentAsk : wording.ask, values),
    acknowledge: input.acknowledgeUrl ? fill(wording.acknowledge ?? '', values) : null,
    acknowledgeUrl: input.acknowledgeUrl,
    urgent,
    facts: [
      { key: 'Our reference', value: input.reference },
      { key: 'Urgency', value: urgent ? 'Urgent' : 'Standard' },
      { key: 'Why we are referring', value: input.reason },
      { key: 'Triage priority', value: input.priority },
      ...(input.triageReasons.length > 0
        ? [{ key: 'What triage found', value: input.triageReasons.join('\n') }]
        : []),
      {
        key: 'Lawful basis for sharing',
        value: `${input.lawfulBasis.label}. ${input.lawfulBasis.text}`,
      },
      { key: 'Approved by', value: input.approvedBy },
      { key: 'Referred', value: when(input.createdAt, input.timeZone) },
    ],
    sections,
    notShared: REFERRAL_SHARES.filter((s) => !shared.includes(s)).map((s) => SHARE_TITLES[s]),
    from: `${input.operatorName} (${input.serviceName})`,
  }
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`)
const lines = (s: string) => escape(s).replace(/\n/g, '<br>')

/** The package as a plain, self-contained HTML document (the email body and the preview). */
export function packageHtml(p: ReferralPackage): string {
  const rows = (items: { key: string; value: string }[]) =>
    items
      .map((r) => `<tr><th scope="row">${escape(r.key)}</th><td>${lines(r.value)}</td></tr>`)
      .join('')
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${escape(p.title)}</title>
<style>body{font-family:Arial,sans-serif;max-width:46em;margin:1em auto;line-height:1.4;color:#0b0c0c}
th{text-align:left;vertical-align:top;padding:.3em 1em .3em 0;width:14em}td{padding:.3em 0}
table{border-collapse:collapse;margin-bottom:1.5em}.urgent{background:#d4351c;color:#fff;padding:.5em}</style>
</head><body>
${p.urgent ? '<p class="urgent"><strong>URGENT</strong></p>' : ''}
<h1>${escape(p.title)}</h1>
<p>${escape(p.forWhom)}</p>
<p><strong>${escape(p.ask)}</strong></p>
<h2>The referral</h2>
<table>${rows(p.facts)}</table>
${p.sections.map((s) => `<h2>${escape(s.title)}</h2>\n<table>${rows(s.rows)}</table>`).join('\n')}
${p.notShared.length > 0 ? `<h2>Not shared</h2><p>We have not shared: ${escape(p.notShared.join('; '))}. Ask us if you need it, quoting our reference.</p>` : ''}
${p.acknowledgeUrl ? `<h2>Tell us you have it</h2><p>${escape(p.acknowledge ?? '')}</p><p><a href="${escape(p.acknowledgeUrl)}">Acknowledge referral ${escape(p.reference)}</a></p>` : ''}
<p>From ${escape(p.from)}. Message id ${escape(p.messageId)}: if this referral reaches you twice, the second is a repeat.</p>
</body></html>`
}

export function packageText(p: ReferralPackage): string {
  const rows = (items: { key: string; value: string }[]) =>
    items.map((r) => `${r.key}: ${r.value}`).join('\n')
  return [
    p.urgent ? 'URGENT' : '',
    p.title,
    p.forWhom,
    p.ask,
    rows(p.facts),
    ...p.sections.map((s) => `${s.title}\n${rows(s.rows)}`),
    p.notShared.length > 0 ? `Not shared: ${p.notShared.join('; ')}` : '',
    p.acknowledgeUrl ? `${p.acknowledge ?? ''}\n${p.acknowledgeUrl}` : '',
    `From ${p.from}. Message id ${p.messageId}.`,
  ]
    .filter(Boolean)
    .join('\n\n')
}

/** The webhook's JSON body (format safety-centre-referral-v1). */
export function packageJson(p: ReferralPackage, pdf: Buffer): string {
  return JSON.stringify({
    format: 'safety-centre-referral-v1',
    messageId: p.messageId,
    referralId: p.referralId,
    reference: p.reference,
    urgent: p.urgent,
    title: p.title,
    ask: p.ask,
    facts: p.facts,
    sections: p.sections,
    notShared: p.notShared,
    from: p.from,
    pdf: {
      filename: `referral-${p.reference}.pdf`,
      contentType: 'application/pdf',
      base64: pdf.toString('base64'),
    },
  })
}
