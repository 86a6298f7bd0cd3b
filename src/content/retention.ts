import { z } from 'zod'

/**
 * How long the service keeps what people tell it. The agency sets the periods and words them
 * in `content/retention.json`; the privacy notice states them from there, and so will the
 * purge, so the two cannot disagree. Unfinished answers are the exception: how long they live
 * is a setting (DRAFT_TTL_MINUTES) that the service enforces, so the notice takes it from there.
 */
const PERIOD = '{period}'
const withPeriod = z
  .string()
  .min(1)
  .refine((text) => text.includes(PERIOD), `must say where the period goes with ${PERIOD}`)

export const retentionSchema = z.object({
  /** How unfinished answers are deleted; the period is the DRAFT_TTL_MINUTES setting. */
  unfinishedReport: withPeriod,
  periods: z
    .array(
      z.object({
        /** A stable name for the purge to find its period by. */
        id: z.string().regex(/^[a-z][a-z-]*$/),
        keptFor: z.object({
          amount: z.number().int().positive(),
          unit: z.enum(['days', 'months', 'years']),
        }),
        text: withPeriod,
      }),
    )
    .min(1),
})
export type Retention = z.infer<typeof retentionSchema>
export type KeptFor = Retention['periods'][number]['keptFor']

/** "1 year", "6 years", "30 days": a period as a person says it. */
export function describePeriod({ amount, unit }: { amount: number; unit: string }): string {
  return `${amount} ${amount === 1 ? unit.replace(/s$/, '') : unit}`
}

/** Minutes said in the largest whole unit: 120 is "2 hours", 90 is "90 minutes". */
export function describeMinutes(minutes: number): string {
  if (minutes % (60 * 24) === 0) return describePeriod({ amount: minutes / 1440, unit: 'days' })
  if (minutes % 60 === 0) return describePeriod({ amount: minutes / 60, unit: 'hours' })
  return describePeriod({ amount: minutes, unit: 'minutes' })
}

/** Each period as a plain sentence, unfinished answers first, as the privacy notice says them. */
export function retentionStatements(retention: Retention, draftTtlMinutes: number): string[] {
  return [
    retention.unfinishedReport.replace(PERIOD, describeMinutes(draftTtlMinutes)),
    ...retention.periods.map((p) => p.text.replace(PERIOD, describePeriod(p.keptFor))),
  ]
}
