import { readdir, readFile } from 'node:fs/promises'

/** CPU time in microseconds, of each party to a run: the app, PostgreSQL and autocannon. */
export interface CpuTimes {
  server: number
  /** Every postgres process on this machine (Linux /proc); undefined where it cannot be read. */
  postgres: number | undefined
  load: number
}

/** USER_HZ: /proc counts CPU time in ticks of 1/100 s on every Linux architecture in use. */
const MICROS_PER_TICK = 10_000

/**
 * Sums user + system time of every process named `postgres` (backends, WAL writer,
 * checkpointer...) and of those that have exited. The server is local, so its share of the two cores can be seen; another
 * database on the same server adds to it, which is why the load average is printed too.
 */
export async function postgresCpuMicros(): Promise<number | undefined> {
  let pids: string[]
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  let ticks = 0
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    const close = stat.lastIndexOf(')')
    if (close < 0 || stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue
    // Fields after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    // cutime and cstime are children that have exited: the postmaster keeps the time of each
    // backend it reaped (the pool closes idle connections), so the sum never goes backwards.
    const fields = stat.slice(close + 2).split(' ')
    ticks += [11, 12, 13, 14].reduce((sum, field) => sum + Number(fields[field]), 0)
  }
  return ticks * MICROS_PER_TICK
}

export function loadGeneratorCpuMicros(): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

/**
 * The share of all CPUs busy over the next `ms` (from /proc/stat), measured before the run:
 * anything else running on the machine takes cores from the benchmark.
 */
export async function machineBusyShare(ms = 2000): Promise<number | undefined> {
  const sample = async () => {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? ''
    const ticks = line.split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
    return { idle, total: ticks.slice(0, 8).reduce((a, b) => a + b, 0) }
  }
  try {
    const first = await sample()
    await new Promise((resolve) => setTimeout(resolve, ms))
    const second = await sample()
    const total = second.total - first.total
    return total > 0 ? 1 - (second.idle - first.idle) / total : undefined
  } catch {
    return undefined
  }
}
