import { randomBytes, randomFillSync } from 'node:crypto'

/**
 * Random bytes from the operating system's source, fetched a block at a time. Each fetch is a
 * system call, which on the 2-core virtual machines we measure on costs 25-40 µs: more than the
 * AES-GCM sealing it feeds, and paid on every page and twice for every report
 * (docs/benchmarks.md). Node draws `randomUUID` from its source the same way.
 *
 * Every byte is handed out once: it is copied out and then zeroed in the block, so the block
 * keeps no copy of a key it supplied. A new block is a new buffer, so nothing handed out
 * earlier is ever overwritten.
 */
export const RANDOM_BLOCK_BYTES = 4096

let block = Buffer.alloc(0)
let next = 0

export function drawRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`Cannot draw ${size} random bytes`)
  if (size > RANDOM_BLOCK_BYTES / 4) return randomBytes(size)
  if (next + size > block.length) {
    block = randomFillSync(Buffer.allocUnsafeSlow(RANDOM_BLOCK_BYTES))
    next = 0
  }
  const bytes = Buffer.from(block.subarray(next, next + size))
  block.fill(0, next, next + size)
  next += size
  return bytes
}
