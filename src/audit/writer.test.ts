import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const SRC = fileURLToPath(new URL('../', import.meta.url))

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? sourceFiles(join(dir, e.name))
        : Promise.resolve(
            e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
          ),
    ),
  )
  return nested.flat()
}

describe('the audit trail’s writer', () => {
  it('is src/audit alone: no other module writes to audit_events', async () => {
    const writers: string[] = []
    for (const file of await sourceFiles(SRC)) {
      const text = await readFile(file, 'utf8')
      if (
        /INSERT\s+INTO\s+audit_events|UPDATE\s+audit_events|DELETE\s+FROM\s+audit_events/i.test(
          text,
        )
      )
        writers.push(file.slice(SRC.length))
    }
    assert.ok(writers.length > 0, 'the scan finds the writer itself')
    assert.deepEqual(
      writers.filter((f) => !f.startsWith('audit/')),
      [],
    )
  })
})
