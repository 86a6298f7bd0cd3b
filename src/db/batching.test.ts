import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { naturalBatches } from './batching.js'

/** A `run` whose calls the test finishes by hand, recording which items each call carried. */
function controlledRun() {
  const calls: { items: readonly number[]; finish: () => void; fail: (e: Error) => void }[] = []
  const run = (items: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({
        items,
        finish: () => {
          resolve(items.map((n) => n * 10))
        },
        fail: reject,
      })
    })
  const finish = (index: number) => {
    const call = calls[index]
    assert.ok(call, `no call ${index} was made`)
    call.finish()
  }
  return { calls, run, finish }
}

const settled = () => new Promise((resolve) => setImmediate(resolve))

describe('natural batching', () => {
  it('sends an item alone and at once when nothing else is in flight', async () => {
    const { calls, run, finish } = controlledRun()
    const send = naturalBatches(run, { maxBatch: 10, maxInFlight: 1 })
    const first = send(1)
    assert.deepEqual(
      calls.map((c) => c.items),
      [[1]],
    )
    finish(0)
    assert.equal(await first, 10)
    const second = send(2)
    finish(1)
    assert.equal(await second, 20)
    assert.deepEqual(
      calls.map((c) => c.items),
      [[1], [2]],
    )
  })

  it('gathers the items that arrive while calls are in flight into the next call', async () => {
    const { calls, run, finish } = controlledRun()
    const send = naturalBatches(run, { maxBatch: 10, maxInFlight: 2 })
    const results = [1, 2, 3, 4, 5].map(send)
    assert.deepEqual(
      calls.map((c) => c.items),
      [[1], [2]],
    )
    finish(0)
    await settled()
    assert.deepEqual(calls[2]?.items, [3, 4, 5])
    finish(1)
    finish(2)
    assert.deepEqual(await Promise.all(results), [10, 20, 30, 40, 50])
  })

  it('never puts more than maxBatch items in one call', async () => {
    const { calls, run, finish } = controlledRun()
    const send = naturalBatches(run, { maxBatch: 2, maxInFlight: 1 })
    const results = [1, 2, 3, 4, 5].map(send)
    for (let i = 0; i < 3; i++) {
      finish(i)
      await settled()
    }
    assert.deepEqual(
      calls.map((c) => c.items),
      [[1], [2, 3], [4, 5]],
    )
    assert.deepEqual(await Promise.all(results), [10, 20, 30, 40, 50])
  })

  it('runs each item of a failed call on its own, so only the item at fault fails', async () => {
    const calls: (readonly number[])[] = []
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const send = naturalBatches(
      async (items: readonly number[]) => {
        calls.push(items)
        if (calls.length === 1) await gate
        if (items.includes(3)) throw new Error('item 3 cannot be written')
        return items.map((n) => n * 10)
      },
      { maxBatch: 10, maxInFlight: 1 },
    )
    const results = Promise.allSettled([1, 2, 3, 4].map(send))
    release()
    const outcomes = await results
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      [10, 20, 'item 3 cannot be written', 40],
    )
    assert.deepEqual(calls, [[1], [2, 3, 4], [2], [3], [4]])
  })

  it('rejects a lone item with the error of its call', async () => {
    const send = naturalBatches(() => Promise.reject(new Error('database gone')), {
      maxBatch: 10,
      maxInFlight: 1,
    })
    await assert.rejects(send(1), /database gone/)
  })

  it('rejects an item its call gave no result for', async () => {
    const send = naturalBatches(() => Promise.resolve([]), { maxBatch: 10, maxInFlight: 1 })
    await assert.rejects(send(1), /no result/)
  })

  it('refuses limits below one', () => {
    assert.throws(() => naturalBatches(() => Promise.resolve([]), { maxBatch: 0, maxInFlight: 1 }))
    assert.throws(() => naturalBatches(() => Promise.resolve([]), { maxBatch: 1, maxInFlight: 0 }))
  })
})
