/**
 * Natural batching for statements many requests make at once. While `maxInFlight` calls of
 * `run` are under way, new items wait; as soon as one finishes, everything waiting (up to
 * `maxBatch`) goes in the next call. Nothing waits for a timer: under light load each item is
 * sent alone and at once, and under heavy load one statement carries many items, so the
 * database and the network do a fraction of the per-statement work.
 *
 * `run` gets the items and gives one result per item, in order. When a call with several
 * items fails, each item is run again on its own, so one item that cannot be written fails
 * alone and the others are not held to its fate. `run` must therefore be safe to repeat
 * (the statements it serves are all-or-nothing and idempotent).
 */
export interface BatchOptions {
  maxBatch: number
  maxInFlight: number
}

export type Batched<I, O> = (item: I) => Promise<O>

interface Waiting<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

export function naturalBatches<I, O>(
  run: (items: readonly I[]) => Promise<readonly O[]>,
  { maxBatch, maxInFlight }: BatchOptions,
): Batched<I, O> {
  if (maxBatch < 1 || maxInFlight < 1) throw new Error('maxBatch and maxInFlight must be >= 1')
  const waiting: Waiting<I, O>[] = []
  let inFlight = 0

  async function runAlone(entry: Waiting<I, O>): Promise<void> {
    try {
      const [result] = await run([entry.item])
      settle(entry, result)
    } catch (error) {
      entry.reject(error)
    }
  }

  function settle(entry: Waiting<I, O>, result: O | undefined): void {
    if (result === undefined) entry.reject(new Error('A batch gave no result for an item'))
    else entry.resolve(result)
  }

  async function send(batch: Waiting<I, O>[]): Promise<void> {
    let results: readonly O[] | undefined
    let failure: unknown
    try {
      results = await run(batch.map((entry) => entry.item))
    } catch (error) {
      failure = error
    }
    // The slot is free before anyone hears back, so an item sent in reply goes straight out.
    inFlight--
    pump()
    if (results) {
      batch.forEach((entry, index) => {
        settle(entry, results[index])
      })
    } else if (batch.length === 1 && batch[0]) {
      batch[0].reject(failure)
    } else {
      await Promise.all(batch.map(runAlone))
    }
  }

  function pump(): void {
    while (inFlight < maxInFlight && waiting.length > 0) {
      inFlight++
      void send(waiting.splice(0, maxBatch))
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject })
      pump()
    })
}
