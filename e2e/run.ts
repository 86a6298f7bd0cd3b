/**
 * Runs the browser specs two at a time, longest first. `node --test` sorts the files it is
 * given, which left the report form's spec (the longest) to start near the end and run on its
 * own; `run()` keeps the order it is given. The spec files inherit this process's `--import tsx`.
 */
import { readdir } from 'node:fs/promises'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'

const LONGEST_FIRST = ['report-form.spec.ts', 'cases.spec.ts', 'case-referrals.spec.ts']

const chosen = process.argv.slice(2)
const all = (await readdir(new URL('.', import.meta.url))).filter((f) => f.endsWith('.spec.ts'))
const rank = (file: string) => {
  const at = LONGEST_FIRST.indexOf(file)
  return at === -1 ? LONGEST_FIRST.length : at
}
const files = (
  chosen.length > 0 ? chosen : all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
).map((file) => new URL(file.replace(/^e2e\//, ''), import.meta.url).pathname)

const stream = run({ files, concurrency: 2 })
stream.on('test:fail', () => {
  process.exitCode = 1
})
stream.pipe(new spec()).pipe(process.stdout)
