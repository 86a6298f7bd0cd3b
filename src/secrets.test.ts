import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from './config.js'
import { resolveSecrets } from './secrets.js'

describe('development secrets', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-'))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('generates every secret on first start and reads the same ones on the next', async () => {
    const config = loadConfig({ DATA_DIR: join(dir, 'fresh') })
    const first = await resolveSecrets(config)
    const second = await resolveSecrets(config)
    assert.equal(first.identifierKeys.keys.get(first.identifierKeys.activeKeyId)?.length, 32)
    assert.deepEqual(second, first)
    assert.notEqual(first.identifierKeys.activeKeyId, first.encryptionKeys.activeKeyId)
  })

  it('adds an identifier key to a file from before linked reports, keeping what it held', async () => {
    const older = join(dir, 'older')
    const config = loadConfig({ DATA_DIR: older })
    await resolveSecrets(loadConfig({ DATA_DIR: older }))
    const path = join(older, 'secrets.json')
    const stored = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>
    delete stored.identifierKeyId
    delete stored.identifierKey
    await writeFile(path, JSON.stringify(stored))
    const upgraded = await resolveSecrets(config)
    assert.equal(upgraded.encryptionKeys.activeKeyId, stored.encryptionKeyId)
    assert.equal(upgraded.cookieSecret, stored.cookieSecret)
    assert.deepEqual(await resolveSecrets(config), upgraded, 'the new key is kept')
  })

  it('uses configured identifier keys over the generated one', async () => {
    const key = Buffer.alloc(32, 7).toString('base64')
    const config = loadConfig({ DATA_DIR: join(dir, 'fresh'), IDENTIFIER_KEYS: `set:${key}` })
    assert.equal((await resolveSecrets(config)).identifierKeys.activeKeyId, 'set')
  })
})
