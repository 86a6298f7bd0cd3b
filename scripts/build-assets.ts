/**
 * Builds the public assets into public/assets: the stylesheet with the agency's brand colour
 * (from content/agency.json), GOV.UK Frontend's script, the autocomplete, and a favicon.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = fileURLToPath(new URL('../', import.meta.url))
const out = `${root}public/assets/`
const govuk = `${root}node_modules/govuk-frontend/dist/govuk/`
const autocomplete = `${root}node_modules/accessible-autocomplete/dist/`

const contentDir = process.env.CONTENT_DIR ?? `${root}content`
const agency = JSON.parse(await readFile(`${contentDir}/agency.json`, 'utf8')) as {
  brandColour: string
  serviceName: string
}
if (!/^#[0-9a-f]{6}$/i.test(agency.brandColour)) {
  throw new Error('content/agency.json: brandColour must be a colour like #4c2c92')
}

await mkdir(out, { recursive: true })
const source = (await readFile(`${root}src/web/assets/app.scss`, 'utf8')).replace(
  '$brand-colour',
  agency.brandColour,
)
const css = sass.compileString(source, {
  importers: [new sass.NodePackageImporter(root)],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
})
const autocompleteCss = await readFile(`${autocomplete}accessible-autocomplete.min.css`, 'utf8')
await writeFile(`${out}app.css`, `${css.css}\n${autocompleteCss}`)

await cp(`${govuk}govuk-frontend.min.js`, `${out}govuk-frontend.min.js`)
await cp(`${autocomplete}accessible-autocomplete.min.js`, `${out}accessible-autocomplete.min.js`)
await cp(`${root}src/web/assets/app.js`, `${out}app.js`)
await writeFile(
  `${out}favicon.svg`,
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${agency.brandColour}"/><path d="M16 6l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V9z" fill="#fff"/></svg>`,
)
console.log(`Built assets into ${out}`)
