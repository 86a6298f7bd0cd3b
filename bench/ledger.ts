import { open, readFile, type FileHandle } from 'node:fs/promises'
import type { LedgerEntry } from './reconcile.js'

/**
 * The clients' record of what they sent and what they were told, one JSON line per entry,
 * on disk before the client goes on: `append` resolves only after the line is fsync'd.
 * Appends that arrive while a write is in progress share the next write and fsync.
 */
export class Ledger {
  private waiting: { line: string; done: () => void; failed: (error: unknown) => void }[] = []
  private writing = false

  private constructor(private readonly file: FileHandle) {}

  static async create(path: string): Promise<Ledger> {
    return new Ledger(await open(path, 'wx'))
  }

  append(entry: LedgerEntry): Promise<void> {
    return new Promise((done, failed) => {
      this.waiting.push({ line: `${JSON.stringify(entry)}\n`, done, failed })
      if (!this.writing) void this.flush()
    })
  }

  async close(): Promise<void> {
    await this.file.close()
  }

  private async flush(): Promise<void> {
    this.writing = true
    while (this.waiting.length > 0) {
      const batch = this.waiting
      this.waiting = []
      try {
        await this.file.appendFile(batch.map((w) => w.line).join(''))
        await this.file.sync()
        for (const w of batch) w.done()
      } catch (error) {
        for (const w of batch) w.failed(error)
      }
    }
    this.writing = false
  }
}

export async function readLedger(path: string): Promise<LedgerEntry[]> {
  const text = await readFile(path, 'utf8')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LedgerEntry)
}
