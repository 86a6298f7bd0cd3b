/** Small readers for rendered pages, so tests assert on what a person would see and send. */
const attribute = (tag: string, name: string): string | undefined =>
  new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1]

const tags = (html: string, pattern: RegExp): string[] => html.match(pattern) ?? []

export function pageTitle(html: string): string {
  return (/<title[^>]*>([^<]*)<\/title>/.exec(html)?.[1] ?? '').trim()
}

/** The names of every field a browser would send from the page's forms. */
export function fieldNames(html: string): Set<string> {
  const fields = tags(html, /<(?:input|select|textarea|button)\b[^>]*>/g)
  return new Set(fields.flatMap((tag) => attribute(tag, 'name') ?? []))
}

export function elementIds(html: string): Set<string> {
  return new Set(tags(html, /\bid="[^"]*"/g).map((match) => match.slice(4, -1)))
}

/** The links in the GOV.UK error summary, in order. */
export function errorSummaryLinks(html: string): string[] {
  const start = html.indexOf('govuk-error-summary__list')
  if (start < 0) return []
  const list = html.slice(start, html.indexOf('</ul>', start))
  return tags(list, /<a\b[^>]*>/g).flatMap((tag) => attribute(tag, 'href') ?? [])
}

export function backLink(html: string): string | undefined {
  const tag = tags(html, /<a\b[^>]*>/g).find((a) => a.includes('govuk-back-link'))
  return tag ? attribute(tag, 'href') : undefined
}

/** Every link's href on the page. */
export function links(html: string): string[] {
  return tags(html, /<a\b[^>]*>/g).flatMap((tag) => attribute(tag, 'href') ?? [])
}

/** The value of a text input, or undefined when the page has no such input. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = tags(html, /<input\b[^>]*>/g).find((t) => attribute(t, 'name') === name)
  return tag ? (attribute(tag, 'value') ?? '') : undefined
}
