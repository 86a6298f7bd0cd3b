import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import matter from 'gray-matter'
import { marked } from 'marked'
import { z } from 'zod'
import { retentionSchema, type Retention } from './retention.js'

/**
 * Everything an agency edits to make the service its own: its name and numbers, the partner
 * directory and the advice pages. Read once at start and validated, so a typo fails the boot
 * with a clear message rather than a broken page in front of a child.
 */
const agencySchema = z.object({
  serviceName: z.string().min(1),
  operatorName: z.string().min(1),
  emergencyNumber: z.string().min(1),
  brandColour: z.string().regex(/^#[0-9a-f]{6}$/i),
  reportResponseTime: z.string().min(1),
})
export type Agency = z.infer<typeof agencySchema>

const partnerSchema = z.object({
  id: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  description: z.string().min(1),
  phone: z.string().nullable(),
  hours: z.string().min(1),
  website: z.url(),
  topics: z.array(z.string()),
})
export type Partner = z.infer<typeof partnerSchema>

const pageMetaSchema = z.object({
  title: z.string().min(1),
  summary: z.string().min(1),
  /** For search engines; the summary is used when there is none. */
  description: z.string().min(1).optional(),
  partners: z.array(z.string()).default([]),
})

/** Where the privacy notice lists the retention periods from content/retention.json. */
export const RETENTION_MARKER = '<!-- retention periods -->'

export interface ContentPage {
  slug: string
  title: string
  summary: string
  description: string
  html: string
  /** The page as the agency wrote it, for guides that are downloaded as they are. */
  markdown: string
  partners: Partner[]
}

export interface Content {
  agency: Agency
  partners: Partner[]
  pages: ReadonlyMap<string, ContentPage>
  /** Guides for professionals (content/resources), to read or download. */
  resources: ReadonlyMap<string, ContentPage>
  /** How long what people tell us is kept, as the privacy notice states it. */
  retention: Retention
}

export async function loadContent(dir: string): Promise<Content> {
  const agency = parseFile(
    agencySchema,
    join(dir, 'agency.json'),
    await readJson(dir, 'agency.json'),
  )
  const partners = parseFile(
    z.object({ partners: z.array(partnerSchema) }),
    join(dir, 'partners.json'),
    await readJson(dir, 'partners.json'),
  ).partners
  const byId = new Map(partners.map((p) => [p.id, p]))
  const retention = parseFile(
    retentionSchema,
    join(dir, 'retention.json'),
    await readJson(dir, 'retention.json'),
  )
  const pages = await loadPages(join(dir, 'pages'), byId)
  const privacy = pages.get('privacy')
  if (privacy && !privacy.html.includes(RETENTION_MARKER))
    throw new Error(
      `${join(dir, 'pages', 'privacy.md')}: put ${RETENTION_MARKER} where the retention periods go`,
    )
  return {
    agency,
    partners,
    pages,
    resources: await loadPages(join(dir, 'resources'), byId),
    retention,
  }
}

async function loadPages(
  folder: string,
  partners: ReadonlyMap<string, Partner>,
): Promise<Map<string, ContentPage>> {
  const pages = new Map<string, ContentPage>()
  const files = await readdir(folder).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  })
  for (const file of files.filter((f) => f.endsWith('.md')).sort()) {
    const path = join(folder, file)
    const { data, content } = matter(await readFile(path, 'utf8'))
    const meta = parseFile(pageMetaSchema, path, data)
    const slug = file.replace(/\.md$/, '')
    pages.set(slug, {
      slug,
      title: meta.title,
      summary: meta.summary,
      description: meta.description ?? meta.summary,
      html: await marked.parse(content),
      markdown: content.trim(),
      partners: meta.partners.map((id) => {
        const partner = partners.get(id)
        if (!partner) throw new Error(`${path}: unknown partner "${id}"`)
        return partner
      }),
    })
  }
  return pages
}

export async function readJson(dir: string, file: string): Promise<unknown> {
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown
}

export function parseFile<T>(schema: z.ZodType<T>, path: string, value: unknown): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new Error(`${path} is not valid:\n  ${problems.join('\n  ')}`)
  }
  return parsed.data
}
