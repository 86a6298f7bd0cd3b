/**
 * A journey declared as data (after DWP CASA's Plan): each page parses its own form and
 * names the next page from the answers so far. Everything else — which pages a person may
 * open, the back link, which answers still count — is derived here from that one definition.
 */
export type PageAnswers = Record<string, unknown>
export type JourneyAnswers = Readonly<Record<string, PageAnswers | undefined>>
export type FormBody = Readonly<Record<string, string | string[] | undefined>>

/** Field name -> message, in the order the fields appear on the page. */
export type FieldErrors = Record<string, string>

export type ParseResult<T extends PageAnswers = PageAnswers> =
  { ok: true; value: T } | { ok: false; errors: FieldErrors }

export interface JourneyPage {
  slug: string
  /** Earlier pages whose answers change what this page asks: a new answer there drops this one. */
  dependsOn?: readonly string[]
  /** May look something up (where a place is), so it may answer later. */
  parse(body: FormBody, answers: JourneyAnswers): ParseResult | Promise<ParseResult>
  /**
   * The slug of the page after this one, given the answers including this page's. It is also
   * asked before this page is answered, to see which later answers still count.
   */
  next(answers: JourneyAnswers): string
}

export interface Journey {
  start: string
  /** The slug that ends the journey (check your answers). It has no answers of its own. */
  end: string
  pages: ReadonlyMap<string, JourneyPage>
}

export interface Walk {
  /** Pages in order from the start up to the first one not yet answered, or to the end. */
  path: string[]
  complete: boolean
}

export function defineJourney(start: string, end: string, pages: JourneyPage[]): Journey {
  const map = new Map(pages.map((p) => [p.slug, p]))
  if (!map.has(start)) throw new Error(`Journey start "${start}" is not a page`)
  return { start, end, pages: map }
}

export function walk(journey: Journey, answers: JourneyAnswers): Walk {
  return follow(journey, answers, true)
}

function follow(journey: Journey, answers: JourneyAnswers, stopWhenUnanswered: boolean): Walk {
  const path: string[] = []
  let slug = journey.start
  while (slug !== journey.end) {
    const page = journey.pages.get(slug)
    if (!page) throw new Error(`Journey names an unknown page "${slug}"`)
    if (path.includes(slug)) throw new Error(`Journey loops at "${slug}"`)
    path.push(slug)
    if (stopWhenUnanswered && answers[slug] === undefined) return { path, complete: false }
    slug = page.next(answers)
  }
  return { path, complete: true }
}

/** A page may be opened when it is on the walked path, or it is the end and all is answered. */
export function isReachable(journey: Journey, answers: JourneyAnswers, slug: string): boolean {
  const { path, complete } = walk(journey, answers)
  return slug === journey.end ? complete : path.includes(slug)
}

/** Where to send someone who asked for a page they cannot open yet. */
export function furthestPage(journey: Journey, answers: JourneyAnswers): string {
  const { path, complete } = walk(journey, answers)
  return complete ? journey.end : (path[path.length - 1] ?? journey.start)
}

/**
 * Keeps only answers to pages still on the path: answers a changed branch left behind go.
 * The path runs on past a page a new branch opened, so the answers after it are kept.
 */
export function prune(journey: Journey, answers: JourneyAnswers): JourneyAnswers {
  const { path } = follow(journey, answers, false)
  return Object.fromEntries(path.flatMap((slug) => (answers[slug] ? [[slug, answers[slug]]] : [])))
}

export function saveAnswer(
  journey: Journey,
  answers: JourneyAnswers,
  slug: string,
  value: PageAnswers,
): JourneyAnswers {
  const changed = JSON.stringify(answers[slug]) !== JSON.stringify(value)
  const kept = Object.fromEntries(
    Object.entries(answers).filter(
      ([other]) => !changed || !journey.pages.get(other)?.dependsOn?.includes(slug),
    ),
  )
  return prune(journey, { ...kept, [slug]: value })
}

/** After a good answer: the next page, or straight back to the end when changing an answer. */
export function pageAfter(
  journey: Journey,
  answers: JourneyAnswers,
  slug: string,
  changing: boolean,
): string {
  if (changing) return furthestPage(journey, answers)
  const page = journey.pages.get(slug)
  if (!page) throw new Error(`Unknown page "${slug}"`)
  return page.next(answers)
}

/** The page before this one on the path; undefined for the first page. */
export function previousPage(
  journey: Journey,
  answers: JourneyAnswers,
  slug: string,
): string | undefined {
  const { path } = walk(journey, answers)
  if (slug === journey.end) return path[path.length - 1]
  const index = path.indexOf(slug)
  return index > 0 ? path[index - 1] : undefined
}
