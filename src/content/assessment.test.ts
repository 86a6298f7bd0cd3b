import assert from 'node:assert/strict'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { loadAssessmentContent } from './assessment.js'
import { loadContent } from './content.js'

const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url))

describe('assessment content', () => {
  let scratch: string
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'assessment-content-'))
  })
  after(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  /** A copy of the shipped assessment content with one file replaced. */
  async function withFile(name: string, edit: (value: Record<string, unknown[]>) => unknown) {
    const dir = await mkdtemp(join(scratch, 'case-'))
    await cp(join(CONTENT_DIR, 'assessment'), join(dir, 'assessment'), { recursive: true })
    const path = join(dir, 'assessment', name)
    const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown[]>
    await writeFile(path, JSON.stringify(edit(value)))
    return dir
  }

  it('loads the shipped lists, with signposting linked to the partner directory', async () => {
    const { partners } = await loadContent(CONTENT_DIR)
    const content = await loadAssessmentContent(CONTENT_DIR, partners)
    assert.ok(content.riskFactors.some((f) => f.id === 'meeting-planned'))
    assert.ok(content.adviceTemplates.length >= 3)
    const bullying = content.signpostingTemplates.find((t) => t.id === 'bullying')
    assert.deepEqual(
      bullying?.partners.map((p) => p.id),
      ['childrens-helpline', 'parents-helpline'],
    )
  })

  it('refuses a risk factor list with a repeated id, naming the file', async () => {
    const dir = await withFile('risk-factors.json', (v) => ({
      riskFactors: [...(v.riskFactors ?? []), { id: 'young-child', label: 'Again' }],
    }))
    await assert.rejects(
      loadAssessmentContent(dir, []),
      /risk-factors\.json is not valid:[\s\S]*unique/,
    )
  })

  it('refuses an empty template list and a template with no words', async () => {
    const empty = await withFile('advice-templates.json', () => ({ templates: [] }))
    await assert.rejects(loadAssessmentContent(empty, []), /advice-templates\.json is not valid/)
    const blank = await withFile('advice-templates.json', () => ({
      templates: [{ id: 'blank', title: 'Blank', body: '   ' }],
    }))
    await assert.rejects(loadAssessmentContent(blank, []), /templates\.0\.body/)
  })

  it('refuses an id that is not lower-case words', async () => {
    const dir = await withFile('risk-factors.json', () => ({
      riskFactors: [{ id: 'Young Child', label: 'Under 13' }],
    }))
    await assert.rejects(loadAssessmentContent(dir, []), /riskFactors\.0\.id/)
  })

  it('refuses signposting that names a partner the directory does not have', async () => {
    const { partners } = await loadContent(CONTENT_DIR)
    const dir = await withFile('signposting-templates.json', () => ({
      templates: [{ id: 'x', title: 'X', body: 'Words.', partners: ['no-such-partner'] }],
    }))
    await assert.rejects(loadAssessmentContent(dir, partners), /unknown partner "no-such-partner"/)
  })
})
