import { join } from 'node:path'
import { z } from 'zod'
import { parseFile, readJson } from '../content/content.js'

/**
 * What referrals and reporter messages say, as the agency edits it: the lawful bases staff
 * choose from (`content/referrals/lawful-bases.json`), how a package speaks to each kind of
 * agency (`agency-wording.json`), and the reporter's acknowledgement and message templates
 * (`content/messages/reporter.json`). Read once at start and validated.
 */
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by -')
const words = z.string().trim().min(1)
const unique = (items: readonly { id: string }[]) =>
  new Set(items.map((i) => i.id)).size === items.length

const basisSchema = z.object({ id, label: words, text: words })
export type LawfulBasis = z.infer<typeof basisSchema>

const wordingSchema = z.object({
  title: words,
  forWhom: words,
  ask: words,
  urgentAsk: words.optional(),
  acknowledge: words.optional(),
})
export type AgencyWording = z.infer<typeof wordingSchema>

const templateSchema = z.object({ id, title: words, body: words })
export type MessageTemplate = z.infer<typeof templateSchema>

const reporterSchema = z.object({
  acknowledgement: z.object({ subject: words, body: words, sms: words.max(320) }),
  templates: z.array(templateSchema).min(1).refine(unique, 'ids must be unique'),
})

export interface ReferralContent {
  lawfulBases: LawfulBasis[]
  wording: {
    default: Required<Omit<AgencyWording, 'urgentAsk'>>
    kinds: Record<string, AgencyWording>
  }
  reporter: z.infer<typeof reporterSchema>
}

export async function loadReferralContent(dir: string): Promise<ReferralContent> {
  const file = (folder: string, name: string) => join(dir, folder, name)
  const { bases } = parseFile(
    z.object({ bases: z.array(basisSchema).min(1).refine(unique, 'ids must be unique') }),
    file('referrals', 'lawful-bases.json'),
    await readJson(join(dir, 'referrals'), 'lawful-bases.json'),
  )
  const wording = parseFile(
    z.object({
      default: wordingSchema.required({ acknowledge: true }).omit({ urgentAsk: true }),
      kinds: z.record(z.string(), wordingSchema),
    }),
    file('referrals', 'agency-wording.json'),
    await readJson(join(dir, 'referrals'), 'agency-wording.json'),
  )
  const reporter = parseFile(
    reporterSchema,
    file('messages', 'reporter.json'),
    await readJson(join(dir, 'messages'), 'reporter.json'),
  )
  return { lawfulBases: bases, wording, reporter }
}

/** Fills `{name}` placeholders; an unknown name is left as written, to be seen and fixed. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
}
