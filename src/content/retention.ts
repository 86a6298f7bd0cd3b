import { z } from 'zod'

/**
 * How long the service keeps what people tell it. The agency sets the periods and words them
 * in `content/retention.json`; the privacy notice states them from there, and so will the
 * purge (src/retention/), so the two cannot disagree. Unfinished answers are the exception: how long they live
 * is a setting (DRAFT_TTL_MINUTES) that the service enforces, so the notice takes it from there.
 */
const PERIOD = '{period}'
const withPeriod = z
  .string()
  .min(1)
  .refine((text) => text.includes(PERIOD), `must say where the period goes with ${PERIOD}`)

/**
 * The periods the purge enforces, by id: a report in no case, counted from when it arrived; a
 * case with its reports and notes, counted from when it ended. The notice must state both.
 */
export const PURGED_PERIODS = ['report-without-case', 'case'] as const
export type PurgedPeriod = (typeof PURGED_PERIODS)[number]

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
    .min(1)
    .superRefine((periods, ctx) => {
      for (const id of PURGED_PERIODS) {
        if (!periods.some((p) => p.id === id))
          ctx.addIssue({ code: 'custom', message: `needs the period "${id}": the purge keeps it` })
      }
    }),
})
export type Retention = z.infer<typeof retentionSchema>
export type KeptFor = Retention['periods'][number]['keptFor']

/** How long the purge keeps what `id` covers (the schema makes sure the notice states it). */
export function keptFor(retention: Retention, id: PurgedPeriod): KeptFor {
  const period = retention.periods.find((p) => p.id === id)
  if (!period) throw new Error(`content/retention.json has no period "${id}"`)
  return period.keptFor
}

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
