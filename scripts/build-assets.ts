/**
 * Builds the public assets into public/assets: the stylesheet with the agency's brand colour
 * (from content/agency.json), the staff stylesheet with the MoJ Frontend components, GOV.UK
 * Frontend's script, the autocomplete, the passkey browser library, and a favicon.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = fileURLToPath(new URL('../', import.meta.url))
const out = `${root}public/assets/`
const govuk = `${root}node_modules/govuk-frontend/dist/govuk/`
const autocomplete = `${root}node_modules/accessible-autocomplete/dist/`
const webauthnBrowser = `${root}node_modules/@simplewebauthn/browser/dist/bundle/`

const contentDir = process.env.CONTENT_DIR ?? `${root}content`
const agency = JSON.parse(await readFile(`${contentDir}/agency.json`, 'utf8')) as {
  brandColour: string
  serviceName: string
}
if (!/^#[0-9a-f]{6}$/i.test(agency.brandColour)) {
  throw new Error('content/agency.json: brandColour must be a colour like #4c2c92')
}

await mkdir(out, { recursive: true })
/** A stylesheet from src/web/assets with the agency's brand colour put in. */
async function compile(name: string): Promise<string> {
  const source = (await readFile(`${root}src/web/assets/${name}`, 'utf8')).replace(
    '$brand-colour',
    agency.brandColour,
  )
  return sass.compileString(source, {
    importers: [new sass.NodePackageImporter(root)],
    // MoJ Frontend finds GOV.UK Frontend by a path from the project's root.
    loadPaths: [root],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  }).css
}
const autocompleteCss = await readFile(`${autocomplete}accessible-autocomplete.min.css`, 'utf8')
await writeFile(`${out}app.css`, `${await compile('app.scss')}\n${autocompleteCss}`)
// The staff side: GOV.UK Frontend with the MoJ Frontend components (public pages never load it).
await writeFile(`${out}staff.css`, await compile('staff.scss'))

await cp(`${govuk}govuk-frontend.min.js`, `${out}govuk-frontend.min.js`)
await cp(`${autocomplete}accessible-autocomplete.min.js`, `${out}accessible-autocomplete.min.js`)
await cp(`${root}src/web/assets/app.js`, `${out}app.js`)
await cp(`${root}src/web/assets/staff.js`, `${out}staff.js`)
await cp(`${webauthnBrowser}index.umd.min.js`, `${out}simplewebauthn-browser.js`)
await writeFile(
  `${out}favicon.svg`,
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${agency.brandColour}"/><path d="M16 6l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V9z" fill="#fff"/></svg>`,
)
console.log(`Built assets into ${out}`)
