import {
  findPhoneNumbersInText,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
  type MetadataJson,
} from 'libphonenumber-js/core'
import metadata from 'libphonenumber-js/min/metadata'

/**
 * The identifiers a report carries, each written one canonical way, so that two reports naming
 * the same account, number, address or child find each other however the reporter typed it.
 * Pure: the values go on to be hashed (hashing.ts) and are never stored as they are here.
 */
export const IDENTIFIER_KINDS = [
  'username',
  'profile-link',
  'other-phone',
  'other-email',
  'child-name-birth-date',
  'child-name-age',
  'reporter-phone',
  'reporter-email',
] as const
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number]

export interface Identifier {
  kind: IdentifierKind
  /** The canonical form; two identifiers match exactly when kind and value are equal. */
  value: string
}

/** What a report says that can identify someone, taken from its answers by reports/report.ts. */
export interface IdentifierSources {
  accounts: readonly { platform: string; username: string }[]
  profileLinks: readonly string[]
  /** Free text: the other person's phone numbers as the reporter wrote them. */
  otherPhones: string | null
  /** Other free text about the other person (names, email addresses), searched for addresses. */
  otherText: readonly (string | null)[]
  child: { name: string | null; dateOfBirth: string | null; age: number | null }
  reporter: { phone: string | null; email: string | null }
}

/**
 * Compatibility forms folded (full-width letters, ligatures), invisible format characters
 * (zero-width spaces and joiners) dropped, lower case.
 */
export function foldText(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .toLowerCase()
    .normalize('NFKC')
}

/**
 * Usernames never hold spaces, and "@name" is how people write "name". Normalised again after
 * the spaces go: a space between two combining marks (left by folding, as U+FE70 gives a space and
 * a mark) kept them apart, and together they must be put in canonical order, or the stored form
 * would not normalise to itself.
 */
export function normaliseUsername(username: string): string {
  return foldText(username).replace(/\s+/gu, '').replace(/^@+/u, '').normalize('NFKC')
}

/** Names people use for the same platform, written as normalisePlatform leaves them. */
const PLATFORM_ALIASES: Readonly<Record<string, string>> = {
  twitter: 'x',
  xcom: 'x',
  insta: 'instagram',
  ig: 'instagram',
  fb: 'facebook',
  messenger: 'facebook',
  facebookmessenger: 'facebook',
  snap: 'snapchat',
  yt: 'youtube',
  tiktokcom: 'tiktok',
}

/**
 * "Insta", "Instagram " and "INSTAGRAM" are one platform; punctuation and spaces carry nothing.
 * Normalised again once they go, as usernames are: letters they kept apart may now combine.
 */
export function normalisePlatform(platform: string): string {
  const folded = foldText(platform)
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .normalize('NFKC')
  return PLATFORM_ALIASES[folded] ?? folded
}

/** Where a profile's web address names its username, and how. */
const PROFILE_HOSTS: Readonly<Record<string, { platform: string; path: RegExp }>> = {
  'instagram.com': { platform: 'instagram', path: /^\/([^/]+)\/?$/ },
  'tiktok.com': { platform: 'tiktok', path: /^\/@([^/]+)\/?$/ },
  'x.com': { platform: 'x', path: /^\/([^/]+)\/?$/ },
  'twitter.com': { platform: 'x', path: /^\/([^/]+)\/?$/ },
  'facebook.com': { platform: 'facebook', path: /^\/([^/]+)\/?$/ },
  'snapchat.com': { platform: 'snapchat', path: /^\/add\/([^/]+)\/?$/ },
  'youtube.com': { platform: 'youtube', path: /^\/@([^/]+)\/?$/ },
  'reddit.com': { platform: 'reddit', path: /^\/(?:u|user)\/([^/]+)\/?$/ },
  'twitch.tv': { platform: 'twitch', path: /^\/([^/]+)\/?$/ },
  't.me': { platform: 'telegram', path: /^\/([^/]+)\/?$/ },
  'threads.net': { platform: 'threads', path: /^\/@([^/]+)\/?$/ },
}

/** Paths on those hosts that are pages of the site, not people. */
const NOT_PEOPLE = new Set(['profile.php', 'home', 'explore', 'login', 'p', 'watch', 'share'])

interface ParsedLink {
  /** Host and path, without scheme, "www.", query or fragment: the profile link's canonical form. */
  value: string
  /** The account it is, on a platform whose addresses say so. */
  account?: { platform: string; username: string }
}

export function parseProfileLink(link: string): ParsedLink | undefined {
  const folded = foldText(link).trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(folded) ? folded : `https://${folded}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return undefined
  }
  if (!url.hostname.includes('.')) return undefined
  const host = url.hostname.replace(/^(?:www|m|mobile)\./, '').replace(/\.$/, '')
  const path = decodeSafely(url.pathname).replace(/\/+$/, '')
  const value = `${host}${path}`
  const known = PROFILE_HOSTS[host]
  const username = known?.path.exec(`${path}/`)?.[1]
  if (!known || !username || NOT_PEOPLE.has(username)) return { value }
  return { value, account: { platform: known.platform, username: normaliseUsername(username) } }
}

function decodeSafely(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

export function normaliseEmail(email: string): string {
  return foldText(email).trim()
}

const EMAIL_IN_TEXT = /[^\s@<>()[\],;:"']+@[^\s@<>()[\],;:"']+\.[^\s@<>()[\],;:"'.]+/gu

export function emailsIn(text: string): string[] {
  return [...foldText(text).matchAll(EMAIL_IN_TEXT)].map((m) => m[0])
}

/**
 * A phone number in E.164 (+447700900123), read as a number from `defaultCountry` unless it
 * starts with an international prefix. Undefined when it cannot be a phone number.
 */
export function normalisePhone(text: string, defaultCountry: CountryCode): string | undefined {
  const folded = foldText(text)
  if ((folded.match(/\d/g) ?? []).length < 7) return undefined
  for (const plan of plansFor(defaultCountry)) {
    const parsed = parsePhoneNumberFromString(folded, { defaultCountry }, plan)
    if (parsed?.isPossible()) return parsed.number
  }
  return undefined
}

/**
 * The plans to read a number by, in turn, until one takes it as a possible number.
 *
 * The first is the library's metadata with the default country's calling code given to the
 * default country alone (+44 to GB in Britain, not also to Guernsey, the Isle of Man and Jersey),
 * so that numbers written the way the agency's own country writes them are read by its own
 * numbering plan. Working out which of several countries sharing a code a number belongs to runs
 * each one's full number patterns, seven times the cost of the rest of reading the number, and
 * changes nothing when the default country is the one whose plan its code's numbers are read by
 * (GB for +44): the E.164 form is the calling code and the national number either way.
 *
 * Where the default country shares a code it is not the first of (Jersey, Canada), a number
 * written with the code is read by the first country's plan, which can differ: a 0 written after
 * +44, as in "+44 0800 123456", is dropped by Britain's plan and kept by Jersey's. Those agencies
 * read by every country first, and by their own plan only what every country leaves, such as the
 * seven-digit local numbers Canada's plan allows. identifiers.test.ts checks the readings agree.
 */
function plansFor(defaultCountry: CountryCode): readonly [MetadataJson, MetadataJson] {
  let plans = plansByDefaultCountry.get(defaultCountry)
  if (!plans) {
    const own = defaultCountryOwnsItsCode(defaultCountry)
    const code = getCountryCallingCode(defaultCountry, metadata)
    const first = metadata.country_calling_codes[code]?.[0] === defaultCountry
    plans = first ? [own, metadata] : [metadata, own]
    plansByDefaultCountry.set(defaultCountry, plans)
  }
  return plans
}

const plansByDefaultCountry = new Map<CountryCode, readonly [MetadataJson, MetadataJson]>()

function defaultCountryOwnsItsCode(defaultCountry: CountryCode): MetadataJson {
  return {
    ...metadata,
    country_calling_codes: Object.fromEntries(
      Object.entries(metadata.country_calling_codes).map(([code, countries]) => [
        code,
        countries.includes(defaultCountry) ? [defaultCountry] : countries,
      ]),
    ),
  }
}

/**
 * Each number in free text such as "07700 900123 or +44 1632 960417, after 6pm". Numbers that
 * could be real are taken, not only those in use today: a reporter copies what they were sent.
 */
export function phonesIn(text: string, defaultCountry: CountryCode): string[] {
  const [plan] = plansFor(defaultCountry)
  return foldText(text)
    .split(/[\n,;/]|\bor\b|\band\b/u)
    .flatMap((part) =>
      findPhoneNumbersInText(part, { defaultCountry, extended: true }, plan).map(
        (f) => f.number.number,
      ),
    )
}

/** Names compared as people write them: accents, punctuation and spacing set aside. */
export function normaliseName(name: string): string {
  return foldText(name)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** Platforms on which an account is a phone number. */
const PHONE_PLATFORMS = new Set(['whatsapp', 'signal', 'telegram', 'phone', 'text', 'sms'])

function accountIdentifiers(
  account: { platform: string; username: string },
  defaultCountry: CountryCode,
): Identifier[] {
  const found: Identifier[] = []
  const platform = normalisePlatform(account.platform)
  // An address typed in the username box names the account as surely as the username does.
  const link = /[./]/.test(account.username) ? parseProfileLink(account.username) : undefined
  if (link?.account) {
    found.push(usernameOn(link.account.platform, link.account.username))
  } else if (account.username.includes('@') && emailsIn(account.username).length > 0) {
    found.push(
      ...emailsIn(account.username).map((value) => ({ kind: 'other-email' as const, value })),
    )
  } else {
    const username = normaliseUsername(account.username)
    if (username !== '') found.push(usernameOn(platform, username))
  }
  if (PHONE_PLATFORMS.has(platform)) {
    const phone = normalisePhone(account.username, defaultCountry)
    if (phone) found.push({ kind: 'other-phone', value: phone })
  }
  return found
}

/** Platform and username in one value; the separator cannot appear in either. */
const usernameOn = (platform: string, username: string): Identifier => ({
  kind: 'username',
  value: `${platform}\u0000${username}`,
})

/** Every identifier in a report, each once. */
export function identifiersOf(
  sources: IdentifierSources,
  defaultCountry: CountryCode,
): Identifier[] {
  const found: Identifier[] = []
  for (const account of sources.accounts) found.push(...accountIdentifiers(account, defaultCountry))
  for (const link of sources.profileLinks) {
    const parsed = parseProfileLink(link)
    if (!parsed) continue
    found.push({ kind: 'profile-link', value: parsed.value })
    if (parsed.account) found.push(usernameOn(parsed.account.platform, parsed.account.username))
  }
  if (sources.otherPhones) {
    for (const value of phonesIn(sources.otherPhones, defaultCountry))
      found.push({ kind: 'other-phone', value })
    for (const value of emailsIn(sources.otherPhones)) found.push({ kind: 'other-email', value })
  }
  for (const text of sources.otherText) {
    for (const value of emailsIn(text ?? '')) found.push({ kind: 'other-email', value })
  }
  found.push(...childIdentifiers(sources.child))
  const { phone, email } = sources.reporter
  const reporterPhone = phone ? normalisePhone(phone, defaultCountry) : undefined
  if (reporterPhone) found.push({ kind: 'reporter-phone', value: reporterPhone })
  if (email) found.push({ kind: 'reporter-email', value: normaliseEmail(email) })
  return unique(found)
}

/** A name alone is too common to link on: it goes with the date of birth, or the age. */
function childIdentifiers(child: IdentifierSources['child']): Identifier[] {
  const name = child.name ? normaliseName(child.name) : ''
  if (name === '') return []
  const found: Identifier[] = []
  if (child.dateOfBirth)
    found.push({ kind: 'child-name-birth-date', value: `${name}\u0000${child.dateOfBirth}` })
  if (child.age !== null) found.push({ kind: 'child-name-age', value: `${name}\u0000${child.age}` })
  return found
}

function unique(identifiers: readonly Identifier[]): Identifier[] {
  const seen = new Map<string, Identifier>()
  for (const identifier of identifiers) {
    if (identifier.value === '') continue
    seen.set(`${identifier.kind}\u0000${identifier.value}`, identifier)
  }
  return [...seen.values()]
}
