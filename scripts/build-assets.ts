/**
 * Builds the assets into public/assets: the public stylesheet (with the agency's brand colour
 * from content/agency.json), the staff stylesheet with the MoJ Frontend components, the scripts
 * (the passkey browser library among them), and a favicon. Each file is named by a hash of its
 * content, so it can be cached for a year, and is kept gzip- and brotli-compressed beside
 * itself, so the server sends the smallest without compressing on every request. The
 * manifest maps each asset's plain name to its fingerprinted one for the templates.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import * as sass from 'sass'

const root = fileURLToPath(new URL('../', import.meta.url))
const out = `${root}public/assets/`
const autocomplete = `${root}node_modules/accessible-autocomplete/dist/`
const webauthnBrowser = `${root}node_modules/@simplewebauthn/browser/dist/bundle/`

const contentDir = process.env.CONTENT_DIR ?? `${root}content`
const agency = JSON.parse(await readFile(`${contentDir}/agency.json`, 'utf8')) as {
  brandColour: string
}
if (!/^#[0-9a-f]{6}$/i.test(agency.brandColour)) {
  throw new Error('content/agency.json: brandColour must be a colour like #4c2c92')
}

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

const scripts = await build({
  entryPoints: ['app', 'add-another', 'council-area', 'staff'].map((name) => ({
    in: `${root}src/web/assets/${name}.js`,
    out: name,
  })),
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  legalComments: 'none',
  write: false,
  outdir: out,
})

const assets: Record<string, string | Buffer> = {
  'app.css': await compile('app.scss'),
  // The staff side: GOV.UK Frontend with the MoJ Frontend components (public pages never load it).
  'staff.css': await compile('staff.scss'),
  'simplewebauthn-browser.js': await readFile(`${webauthnBrowser}index.umd.min.js`),
  'council-area.css': await readFile(`${autocomplete}accessible-autocomplete.min.css`, 'utf8'),
  'accessible-autocomplete.min.js': await readFile(`${autocomplete}accessible-autocomplete.min.js`),
  'favicon.svg': `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="${agency.brandColour}"/><path d="M16 6l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V9z" fill="#fff"/></svg>`,
}
for (const file of scripts.outputFiles) assets[file.path.slice(out.length)] = file.text

/** The name a file is served under: its plain name with a hash of its content. */
function fingerprintOf(name: string, bytes: Buffer): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12)
  const dot = name.indexOf('.')
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`
}

// The icons MoJ Frontend's stylesheet names (the filter's tag crosses, the toggle), served like
// every other asset: the stylesheet is pointed at their fingerprinted names.
const mojImages = `${root}node_modules/@ministryofjustice/frontend/moj/assets/images/`
const staffCss = assets['staff.css'] as string
const icons = new Map<string, string>()
for (const [, file] of staffCss.matchAll(/url\(\/assets\/images\/([\w-]+\.svg)\)/g)) {
  if (!file || icons.has(file)) continue
  const bytes = await readFile(`${mojImages}${file}`).catch(() => undefined)
  if (!bytes) continue
  assets[file] = bytes
  icons.set(file, fingerprintOf(file, bytes))
}
assets['staff.css'] = staffCss.replace(
  /url\(\/assets\/images\/([\w-]+\.svg)\)/g,
  (whole, file: string) => (icons.has(file) ? `url(/assets/${icons.get(file)})` : whole),
)

await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })
const manifest: Record<string, string> = {}
for (const [name, content] of Object.entries(assets)) {
  const bytes = Buffer.from(content)
  const fingerprinted = fingerprintOf(name, bytes)
  manifest[name] = fingerprinted
  await writeFile(`${out}${fingerprinted}`, bytes)
  await writeFile(`${out}${fingerprinted}.gz`, gzipSync(bytes, { level: 9 }))
  await writeFile(
    `${out}${fingerprinted}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  )
}
await writeFile(`${out}manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`)
console.log(`Built ${Object.keys(manifest).length} assets into ${out}`)
