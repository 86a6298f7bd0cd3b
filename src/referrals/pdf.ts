import type PDFKit from 'pdfkit'
import type { ReferralPackage } from './package.js'

/** pdfkit, loaded when a PDF is first built: most processes that import the app never build one. */
let pdfkit: Promise<{ default: typeof PDFKit }> | undefined

/**
 * The package as a PDF (pdfkit, its built-in Helvetica): the same words as the HTML, laid out
 * to print. The creation date is the referral's, so building it again gives the same words.
 */
export async function packagePdf(p: ReferralPackage, createdAt: Date): Promise<Buffer> {
  const { default: PDFDocument } = await (pdfkit ??= import('pdfkit'))
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: p.title, Author: p.from, CreationDate: createdAt },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    doc.on('error', reject)
  })
  const heading = (text: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(14).fillColor('#0b0c0c').text(text)
    doc.moveDown(0.3)
  }
  const rows = (items: { key: string; value: string }[]) => {
    for (const r of items) {
      doc.font('Helvetica-Bold').fontSize(11).text(r.key)
      doc.font('Helvetica').fontSize(11).text(r.value).moveDown(0.4)
    }
  }
  if (p.urgent) doc.font('Helvetica-Bold').fontSize(16).fillColor('#d4351c').text('URGENT')
  doc.font('Helvetica-Bold').fontSize(20).fillColor('#0b0c0c').text(p.title)
  doc.moveDown(0.3).font('Helvetica').fontSize(12).text(p.forWhom)
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(12).text(p.ask)
  heading('The referral')
  rows(p.facts)
  for (const section of p.sections) {
    heading(section.title)
    rows(section.rows)
  }
  if (p.notShared.length > 0) {
    heading('Not shared')
    doc
      .font('Helvetica')
      .fontSize(11)
      .text(
        `We have not shared: ${p.notShared.join('; ')}. Ask us if you need it, quoting our reference.`,
      )
  }
  if (p.acknowledgeUrl) {
    heading('Tell us you have it')
    doc
      .font('Helvetica')
      .fontSize(11)
      .text(p.acknowledge ?? '')
    doc.fillColor('#1d70b8').text(p.acknowledgeUrl, { link: p.acknowledgeUrl, underline: true })
  }
  doc
    .moveDown(1)
    .fillColor('#505a5f')
    .fontSize(9)
    .text(`From ${p.from}. Message id ${p.messageId}.`)
  doc.end()
  return done
}
