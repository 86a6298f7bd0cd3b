import { join } from 'node:path'
import { z } from 'zod'
import { parseFile, readJson, type Partner } from './content.js'

/**
 * The lists a risk assessment chooses from, which the agency edits in `content/assessment/`:
 * the risk factors, the advice for a report closed below the threshold, and the signposting
 * for one out of scope. Read once at start and validated, like the rest of the content.
 */
const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by -')

const riskFactorSchema = z.object({
  id,
  label: z.string().trim().min(1),
  hint: z.string().trim().min(1).optional(),
})
export type RiskFactor = z.infer<typeof riskFactorSchema>

const templateSchema = z.object({
  id,
  title: z.string().trim().min(1),
  body: z.string().trim().min(1),
})
export type AdviceTemplate = z.infer<typeof templateSchema>

const signpostingSchema = templateSchema.extend({ partners: z.array(z.string()).default([]) })
export interface SignpostingTemplate extends AdviceTemplate {
  partners: Partner[]
}

export interface AssessmentContent {
  riskFactors: RiskFactor[]
  adviceTemplates: AdviceTemplate[]
  signpostingTemplates: SignpostingTemplate[]
}

const uniqueIds = (items: readonly { id: string }[]) =>
  new Set(items.map((item) => item.id)).size === items.length

const listOf = <T extends z.ZodType<{ id: string }>>(item: T) =>
  z.array(item).min(1, 'must list at least one').refine(uniqueIds, 'ids must be unique')

/** `partners` are the directory's partners (content/partners.json), which signposting names. */
export async function loadAssessmentContent(
  dir: string,
  partners: readonly Partner[],
): Promise<AssessmentContent> {
  const file = (name: string) => join(dir, 'assessment', name)
  const read = (name: string) => readJson(join(dir, 'assessment'), name)
  const { riskFactors } = parseFile(
    z.object({ riskFactors: listOf(riskFactorSchema) }),
    file('risk-factors.json'),
    await read('risk-factors.json'),
  )
  const advice = parseFile(
    z.object({ templates: listOf(templateSchema) }),
    file('advice-templates.json'),
    await read('advice-templates.json'),
  )
  const signposting = parseFile(
    z.object({ templates: listOf(signpostingSchema) }),
    file('signposting-templates.json'),
    await read('signposting-templates.json'),
  )
  const byId = new Map(partners.map((p) => [p.id, p]))
  const signpostingTemplates = signposting.templates.map((template) => ({
    ...template,
    partners: template.partners.map((partnerId) => {
      const partner = byId.get(partnerId)
      if (!partner) {
        throw new Error(
          `${file('signposting-templates.json')}: template "${template.id}" names unknown partner "${partnerId}"`,
        )
      }
      return partner
    }),
  }))
  return { riskFactors, adviceTemplates: advice.templates, signpostingTemplates }
}
