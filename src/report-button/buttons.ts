/**
 * The report button itself: an SVG drawn from the agency's name and colour, and the snippet a
 * website pastes. Pure. The image travels inside the snippet as a data: URL, so a page that
 * carries the button makes no request to anyone until a person chooses to click it: no script,
 * no cookie, nothing that could tell us (or anyone) who looked at the page.
 */
export const BUTTON_SCHEMES = ['brand', 'light', 'dark'] as const
export const BUTTON_SIZES = ['small', 'medium', 'large'] as const
export type ButtonScheme = (typeof BUTTON_SCHEMES)[number]
export type ButtonSize = (typeof BUTTON_SIZES)[number]

export const SCHEME_NAMES: Record<ButtonScheme, string> = {
  brand: 'Brand colour',
  light: 'Light',
  dark: 'Dark',
}

export const SIZES: Record<ButtonSize, { width: number; height: number; name: string }> = {
  small: { width: 160, height: 48, name: 'Small' },
  medium: { width: 220, height: 66, name: 'Medium' },
  large: { width: 300, height: 90, name: 'Large' },
}

export interface ButtonAgency {
  serviceName: string
  brandColour: string
}

export interface ButtonVariant {
  scheme: ButtonScheme
  size: ButtonSize
}

export const ALL_VARIANTS: ButtonVariant[] = BUTTON_SCHEMES.flatMap((scheme) =>
  BUTTON_SIZES.map((size) => ({ scheme, size })),
)

const FALLBACK_COLOUR = '#1d70b8'
const HEX_COLOUR = /^#(?:[0-9a-f]{3}){1,2}$/i

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}
const escapeXml = (value: string) => value.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch)

function channels(hex: string): [number, number, number] {
  const digits = hex.slice(1)
  const full =
    digits.length === 3
      ? digits
          .split('')
          .map((d) => d + d)
          .join('')
      : digits
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255) as [number, number, number]
}

/** WCAG relative luminance, to pick white or near-black words on the agency's colour. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) =>
    c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  )
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)
}

const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)
}

function colours(scheme: ButtonScheme, brandColour: string) {
  const brand = HEX_COLOUR.test(brandColour) ? brandColour : FALLBACK_COLOUR
  const ink = contrast(brand, '#ffffff') >= contrast(brand, '#0b0c0c') ? '#ffffff' : '#0b0c0c'
  if (scheme === 'brand') return { background: brand, border: brand, text: ink }
  if (scheme === 'light')
    // On white the brand colour is the words only if they can be read; else near-black.
    return {
      background: '#ffffff',
      border: brand,
      text: contrast(brand, '#ffffff') >= 4.5 ? brand : '#0b0c0c',
    }
  return { background: '#0b0c0c', border: '#0b0c0c', text: '#ffffff' }
}

/** What the image says to someone who cannot see it: where the link goes and what it is for. */
export const altText = (agency: ButtonAgency) =>
  `${agency.serviceName}: get help or report online abuse`

/** The button as an SVG document, sized and coloured as asked. */
export function buttonSvg(agency: ButtonAgency, variant: ButtonVariant): string {
  const { width, height } = SIZES[variant.size]
  const c = colours(variant.scheme, agency.brandColour)
  const pad = Math.round(height * 0.2)
  const available = width - 2 * pad
  const nameSize = Math.round(height * 0.36)
  const tagSize = Math.round(height * 0.22)
  // Arial bold is about 0.6em a character: a long name is squeezed to fit, a short one is not.
  const squeeze = (words: string, size: number) =>
    words.length * size * 0.6 > available
      ? ` textLength="${available}" lengthAdjust="spacingAndGlyphs"`
      : ''
  const name = escapeXml(agency.serviceName)
  const tag = 'Get help or report'
  const stroke = Math.max(2, Math.round(height / 24))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(altText(agency))}</title>`,
    `<rect x="${stroke / 2}" y="${stroke / 2}" width="${width - stroke}" height="${height - stroke}" rx="${Math.round(height / 8)}" fill="${c.background}" stroke="${c.border}" stroke-width="${stroke}"/>`,
    `<text x="${pad}" y="${Math.round(height * 0.4)}" fill="${c.text}" font-family="Arial, Helvetica, sans-serif" font-size="${tagSize}"${squeeze(tag, tagSize)}>${tag}</text>`,
    `<text x="${pad}" y="${Math.round(height * 0.78)}" fill="${c.text}" font-family="Arial, Helvetica, sans-serif" font-size="${nameSize}" font-weight="bold"${squeeze(agency.serviceName, nameSize)}>${name}</text>`,
    '</svg>',
  ].join('')
}

export const buttonDataUrl = (agency: ButtonAgency, variant: ButtonVariant) =>
  `data:image/svg+xml,${encodeURIComponent(buttonSvg(agency, variant))}`

/** Where the button leads: the home page, advice first, with the source to attribute reports. */
export const buttonHref = (serviceUrl: string, sourceId: string) =>
  `${serviceUrl}/?source=${encodeURIComponent(sourceId)}`

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')

/** The markup to paste: a plain link around the image. Nothing else. */
export function buttonSnippet(
  agency: ButtonAgency,
  serviceUrl: string,
  sourceId: string,
  variant: ButtonVariant,
): string {
  const { width, height } = SIZES[variant.size]
  return (
    `<a href="${escapeAttribute(buttonHref(serviceUrl, sourceId))}">` +
    `<img src="${buttonDataUrl(agency, variant)}" width="${width}" height="${height}" alt="${escapeAttribute(altText(agency))}">` +
    '</a>'
  )
}

/** Each variant with its snippet and a file name, as the pages list them. */
export function buttonChoices(agency: ButtonAgency, serviceUrl: string, sourceId: string) {
  return ALL_VARIANTS.map((variant) => ({
    ...variant,
    title: `${SCHEME_NAMES[variant.scheme]}, ${SIZES[variant.size].name.toLowerCase()}`,
    id: `${variant.scheme}-${variant.size}`,
    width: SIZES[variant.size].width,
    height: SIZES[variant.size].height,
    imageUrl: buttonDataUrl(agency, variant),
    file: buttonFile(variant),
    snippet: buttonSnippet(agency, serviceUrl, sourceId, variant),
  }))
}

export const buttonFile = (variant: ButtonVariant) =>
  `/report-button/${variant.scheme}-${variant.size}.svg`
