/**
 * The queue's keyset cursor: the sort key of the last row on a page (priority rank, deadline,
 * id), opaque to the browser. The next page starts strictly after it, so rows that arrive or
 * leave meanwhile never make a row appear twice or be skipped. Pure.
 */
export interface QueuePosition {
  priorityRank: number
  /** The deadline as PostgreSQL wrote it, to the microsecond, so no precision is lost. */
  deadline: string
  id: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function encodeCursor(position: QueuePosition): string {
  const { priorityRank, deadline, id } = position
  return Buffer.from(JSON.stringify([priorityRank, deadline, id]), 'utf8').toString('base64url')
}

/** The position a cursor names, or undefined for anything that is not one of ours. */
export function decodeCursor(cursor: string): QueuePosition | undefined {
  if (cursor.length > 200 || !/^[\w-]+$/.test(cursor)) return undefined
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 3) return undefined
  const [priorityRank, deadline, id] = value as unknown[]
  if (typeof priorityRank !== 'number' || !Number.isInteger(priorityRank)) return undefined
  if (priorityRank < 1 || priorityRank > 4) return undefined
  if (typeof deadline !== 'string' || Number.isNaN(Date.parse(deadline))) return undefined
  if (typeof id !== 'string' || !UUID.test(id)) return undefined
  return { priorityRank, deadline, id }
}
