import { isValid as isValidPostcode, toNormalised } from 'postcode'
import type {
  FieldErrors,
  FormBody,
  JourneyAnswers,
  PageAnswers,
  ParseResult,
} from '../web/journey.js'
import { oneOf, someOf, text } from '../web/form-fields.js'
import {
  CONTACT_PEOPLE,
  CONTACT_WAYS,
  REPORTED_TO,
  STARTED,
  type ContactWay,
  type OnlineAccount,
  type ReportAnswers,
} from './answers.js'
import { AUDIENCES, CONCERNS, SEXUAL_CONCERNS, type Audience } from './model.js'
import { contactIsTrustedAdult, wordingFor } from './wording.js'

/**
 * One parser per page: the posted form in, a typed answer or GOV.UK-worded errors out.
 * Pure: "today" arrives as an argument so date rules are testable.
 */
const YES_NO_UNSURE = ['yes', 'no', 'unsure'] as const
const OTHER_PERSON_AGES = ['adult', 'under-18', 'unknown'] as const
export const LIMITS = { name: 200, town: 100, description: 5000, short: 500, accounts: 10 }

type Answer<K extends keyof ReportAnswers> = NonNullable<ReportAnswers[K]>

function result(errors: FieldErrors, value: () => object): ParseResult {
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, value: value() as PageAnswers }
}

const audienceOf = (answers: JourneyAnswers): Audience | undefined =>
  (answers['who-are-you'] as Answer<'who-are-you'> | undefined)?.audience

const orNull = (value: string): string | null => (value === '' ? null : value)

function tooLong(errors: FieldErrors, field: string, value: string, max: number, label: string) {
  if (value.length > max)
    errors[field] = `${label} must be ${max.toLocaleString('en-GB')} characters or less`
}

export function parseWhoAreYou(body: FormBody): ParseResult {
  const audience = oneOf(body, 'audience', AUDIENCES)
  return result(audience ? {} : { audience: 'Select who you are' }, () => ({ audience }))
}

/** Every kind of thing that happened, in one list, so nobody has to pick "the main one". */
export function parseWhatIsItAbout(body: FormBody): ParseResult {
  const concerns = someOf(body, 'concerns', CONCERNS)
  return result(
    concerns && concerns.length > 0 ? {} : { concerns: 'Select everything that happened' },
    () => ({ concerns }),
  )
}

export function parseSomethingSexual(body: FormBody): ParseResult {
  const concerns = someOf(body, 'concerns', SEXUAL_CONCERNS)
  return result(
    concerns && concerns.length > 0 ? {} : { concerns: 'Select what else happened' },
    () => ({ concerns }),
  )
}

export function parseContinue(): ParseResult {
  return { ok: true, value: { continued: true } }
}

export function parseImmediateDanger(body: FormBody, answers: JourneyAnswers): ParseResult {
  const immediateDanger = oneOf(body, 'immediateDanger', YES_NO_UNSURE)
  const w = wordingFor(audienceOf(answers))
  const message = `Select yes if ${w.child} ${w.isChild.split(' ')[0]} in danger right now`
  return result(immediateDanger ? {} : { immediateDanger: message }, () => ({ immediateDanger }))
}

export function parseYourAge(body: FormBody): ParseResult {
  const raw = text(body, 'age')
  const age = Number(raw)
  const errors: FieldErrors = {}
  if (raw === '') errors.age = 'Enter your age'
  else if (!/^\d{1,3}$/.test(raw)) errors.age = 'Your age must be a number, like 14'
  else if (age < 1) errors.age = 'Enter your age, like 14'
  else if (age > 17)
    errors.age =
      'Your age must be 17 or under. If you are 18 or over, go back and choose who you are'
  return result(errors, () => ({ age }))
}

export function parseSafeguardingPolicy(body: FormBody): ParseResult {
  const followedPolicy = oneOf(body, 'followedPolicy', YES_NO_UNSURE)
  return result(
    followedPolicy
      ? {}
      : { followedPolicy: 'Select yes if you have followed your safeguarding policy' },
    () => ({ followedPolicy }),
  )
}

export function parseAlreadyReported(body: FormBody): ParseResult {
  const reportedTo = someOf(body, 'reportedTo', REPORTED_TO)
  const errors: FieldErrors = {}
  if (!reportedTo || reportedTo.length === 0)
    errors.reportedTo = 'Select who you have already told, or select no, not yet'
  else if (reportedTo.includes('neither') && reportedTo.length > 1)
    errors.reportedTo = 'Select who you have told, or select no, not yet, but not both'
  return result(errors, () => ({ reportedTo }))
}

/** An adult is asked the child's name; someone who does not know the child may leave it blank. */
export function parseTheChildsName(body: FormBody, answers: JourneyAnswers): ParseResult {
  const audience = audienceOf(answers)
  const w = wordingFor(audience)
  const errors: FieldErrors = {}
  const childName = text(body, 'childName')
  if (childName === '' && audience !== 'concerned-adult')
    errors.childName = `Enter ${w.childs} name`
  tooLong(errors, 'childName', childName, LIMITS.name, 'Name')
  return result(errors, () => ({ childName: orNull(childName) }))
}

/** How old the child is: an age, or a date of birth from which the age is worked out. */
export function parseTheChildsAge(
  body: FormBody,
  answers: JourneyAnswers,
  today: Date,
): ParseResult {
  const errors: FieldErrors = {}
  const age = parseChildAge(body, audienceOf(answers), errors, today)
  return result(errors, () => age)
}

/**
 * Town or postcode in one box, as people say it. An adult who does not know the child may say
 * they do not know; a young person always knows where they live, so is always asked.
 */
export function parseWhereTheChildLives(body: FormBody, answers: JourneyAnswers): ParseResult {
  const audience = audienceOf(answers)
  const w = wordingFor(audience)
  const isYoungPerson = audience === 'young-person'
  const place = text(body, 'place')
  const placeUnknown = !isYoungPerson && text(body, 'placeUnknown') === 'yes'
  const errors: FieldErrors = {}
  if (place === '' && !placeUnknown)
    errors.place = isYoungPerson
      ? 'Enter the name of your town, or your postcode'
      : `Enter the town or postcode where ${w.child} lives, or select that you do not know`
  else if (place !== '' && placeUnknown)
    errors.place = 'Enter a town or postcode, or select that you do not know, but not both'
  tooLong(errors, 'place', place, LIMITS.town, 'Town or postcode')
  const isPostcode = place !== '' && isValidPostcode(place)
  return result(errors, () => ({
    town: place === '' || isPostcode ? null : place,
    postcode: isPostcode ? toNormalised(place) : null,
    placeUnknown,
  }))
}

/** The areas offered come from the place already given; "not sure" is always an answer. */
export function parseWhichArea(body: FormBody, answers: JourneyAnswers): ParseResult {
  const place = answers['where-the-child-lives'] as Answer<'where-the-child-lives'> | undefined
  const chosen = text(body, 'councilArea')
  // The type-ahead over the whole list sends an empty value when nothing was picked.
  const notSure = chosen === 'not-sure' || (chosen === '' && place?.match !== 'several')
  const offered =
    place?.match === 'several'
      ? place.areas.some((a) => a.code === chosen)
      : /^[\w-]{1,20}$/.test(chosen)
  const errors: FieldErrors = {}
  if (chosen === '' && !notSure) errors.councilArea = 'Select the area, or select not sure'
  else if (!notSure && !offered) errors.councilArea = 'Select an area from the list, or not sure'
  return result(errors, () => ({ councilArea: notSure ? null : chosen }))
}

function parseChildAge(
  body: FormBody,
  audience: Audience | undefined,
  errors: FieldErrors,
  today: Date,
): { childAge: number | null; childDateOfBirth: string | null } {
  const ageRaw = text(body, 'childAge')
  const [day, month, year] = ['dobDay', 'dobMonth', 'dobYear'].map((f) => text(body, f))
  const anyDob = day !== '' || month !== '' || year !== ''
  let childAge: number | null = null
  let childDateOfBirth: string | null = null

  if (ageRaw !== '') {
    if (!/^\d{1,2}$/.test(ageRaw) || Number(ageRaw) > 17)
      errors.childAge = 'Age must be a number from 0 to 17, like 12'
    else childAge = Number(ageRaw)
  }
  if (anyDob) {
    const dob = parseDate(day ?? '', month ?? '', year ?? '')
    if (!dob) errors.dobDay = 'Date of birth must be a real date, like 27 3 2012'
    else if (dob > today) errors.dobDay = 'Date of birth must be in the past'
    else {
      const age = ageOn(dob, today)
      if (age > 17) errors.dobDay = 'Date of birth must be for a child under 18'
      else {
        childDateOfBirth = dob.toISOString().slice(0, 10)
        childAge ??= age
      }
    }
  }
  if (ageRaw === '' && !anyDob && audience !== 'concerned-adult')
    errors.childAge = 'Enter their age or date of birth'
  return { childAge, childDateOfBirth }
}

function parseDate(day: string, month: string, year: string): Date | undefined {
  if (![day, month, year].every((p) => /^\d+$/.test(p)) || year.length !== 4) return undefined
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  const real =
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  return real ? date : undefined
}

export function ageOn(dateOfBirth: Date, today: Date): number {
  const years = today.getUTCFullYear() - dateOfBirth.getUTCFullYear()
  const hadBirthday =
    today.getUTCMonth() > dateOfBirth.getUTCMonth() ||
    (today.getUTCMonth() === dateOfBirth.getUTCMonth() &&
      today.getUTCDate() >= dateOfBirth.getUTCDate())
  return hadBirthday ? years : years - 1
}

export function parseWhatHappened(body: FormBody): ParseResult {
  const description = text(body, 'description')
  const errors: FieldErrors = {}
  if (description === '') errors.description = 'Tell us what happened, in your own words'
  tooLong(errors, 'description', description, LIMITS.description, 'What happened')
  return result(errors, () => ({ description }))
}

export function parseWhenDidItStart(body: FormBody): ParseResult {
  const started = oneOf(body, 'started', STARTED)
  return result(started ? {} : { started: 'Select when it started' }, () => ({ started }))
}

export function parseIsItStillHappening(body: FormBody, answers: JourneyAnswers): ParseResult {
  const w = wordingFor(audienceOf(answers))
  const stillHappening = oneOf(body, 'stillHappening', YES_NO_UNSURE)
  return result(
    stillHappening ? {} : { stillHappening: `Select yes if it is still happening to ${w.child}` },
    () => ({ stillHappening }),
  )
}

/** Rows of the "add another" list: `accountPlatform-N` and `accountUsername-N`. */
export function readAccounts(body: FormBody): OnlineAccount[] {
  const rows: OnlineAccount[] = []
  for (let i = 0; i < LIMITS.accounts; i++) {
    const platform = text(body, `accountPlatform-${i}`)
    const username = text(body, `accountUsername-${i}`)
    if (platform !== '' || username !== '') rows.push({ platform, username })
  }
  return rows
}

export function parseTheirName(body: FormBody): ParseResult {
  const names = text(body, 'names')
  const errors: FieldErrors = {}
  tooLong(errors, 'names', names, LIMITS.short, 'Names')
  return result(errors, () => ({ names: orNull(names) }))
}

export function parseTheirUsernames(body: FormBody): ParseResult {
  const accounts = readAccounts(body)
  const errors: FieldErrors = {}
  accounts.forEach((account, i) => {
    if (account.username === '')
      errors[`accountUsername-${i}`] = `Enter the username for account ${i + 1}, or remove it`
    tooLong(errors, `accountUsername-${i}`, account.username, LIMITS.name, 'Username')
    tooLong(errors, `accountPlatform-${i}`, account.platform, LIMITS.name, 'App or website')
  })
  return result(errors, () => ({ accounts }))
}

export function parseTheirProfileLinks(body: FormBody): ParseResult {
  const profileLinks = text(body, 'profileLinks')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const errors: FieldErrors = {}
  if (
    profileLinks.some((link) => !/^https?:\/\/\S+\.\S+$/i.test(link) || link.length > LIMITS.short)
  )
    errors.profileLinks =
      'Enter each profile link as a web address on its own line, like https://example.com/name'
  return result(errors, () => ({ profileLinks }))
}

export function parseTheirPhoneNumbers(body: FormBody): ParseResult {
  const phoneNumbers = text(body, 'phoneNumbers')
  const errors: FieldErrors = {}
  tooLong(errors, 'phoneNumbers', phoneNumbers, LIMITS.short, 'Phone numbers')
  return result(errors, () => ({ phoneNumbers: orNull(phoneNumbers) }))
}

/**
 * Email addresses hold no spaces or commas, so either parts them: a phone's email keyboard has
 * a space bar where a comma may be a page away.
 */
export function parseTheirEmailAddresses(body: FormBody): ParseResult {
  const raw = text(body, 'emailAddresses')
  const emailAddresses = raw.split(/[\s,;]+/).filter(Boolean)
  const errors: FieldErrors = {}
  if (emailAddresses.some((email) => !isEmail(email)))
    errors.emailAddresses = 'Enter each email address in the correct format, like name@example.com'
  tooLong(errors, 'emailAddresses', raw, LIMITS.short, 'Email addresses')
  return result(errors, () => ({ emailAddresses }))
}

export function parseTheirAge(body: FormBody): ParseResult {
  const otherPersonAge = oneOf(body, 'otherPersonAge', OTHER_PERSON_AGES)
  return result(
    otherPersonAge ? {} : { otherPersonAge: 'Select how old you think they are' },
    () => ({ otherPersonAge }),
  )
}

export function parseKnownInRealLife(body: FormBody, answers: JourneyAnswers): ParseResult {
  const w = wordingFor(audienceOf(answers))
  const knownOffline = oneOf(body, 'knownOffline', YES_NO_UNSURE)
  const verb = w.doesChild.startsWith('Do ') ? 'know' : 'knows'
  return result(
    knownOffline ? {} : { knownOffline: `Select yes if ${w.child} ${verb} them in real life` },
    () => ({ knownOffline }),
  )
}

/** Only a child under 11 is asked; they may name a grown-up they trust instead of themselves. */
export function parseWhoCanWeTalkTo(body: FormBody): ParseResult {
  const contactPerson = oneOf(body, 'contactPerson', CONTACT_PEOPLE)
  return result(contactPerson ? {} : { contactPerson: 'Select who we should talk to' }, () => ({
    contactPerson,
  }))
}

/** Reports are not anonymous: the person we contact always gives a name. */
export function parseYourName(body: FormBody, answers: JourneyAnswers): ParseResult {
  const name = text(body, 'name')
  const errors: FieldErrors = {}
  if (name === '')
    errors.name = contactIsTrustedAdult(answers) ? "Enter the grown-up's name" : 'Enter your name'
  tooLong(errors, 'name', name, LIMITS.name, 'Name')
  return result(errors, () => ({ name }))
}

/** An email address, a phone number or both: at least one, so we can reach them. */
export function parseContactDetails(body: FormBody, answers: JourneyAnswers): ParseResult {
  const email = text(body, 'email')
  const phone = text(body, 'phone')
  const errors: FieldErrors = {}
  if (email === '' && phone === '')
    errors.email = contactIsTrustedAdult(answers)
      ? "Enter the grown-up's email or phone number"
      : 'Enter an email address or a phone number so we can contact you'
  if (email !== '' && !isEmail(email))
    errors.email = 'Enter an email address in the correct format, like name@example.com'
  if (phone !== '' && !isPhone(phone))
    errors.phone = 'Enter a phone number, like 01632 960 001 or 07700 900 982'
  return result(errors, () => ({ email: orNull(email), phone: orNull(phone) }))
}

/** The ways offered are the ones given: a call or a text with a phone, and email with an email. */
export function contactWaysOffered(answers: JourneyAnswers): ContactWay[] {
  const given = answers['contact-details'] as Answer<'contact-details'> | undefined
  return CONTACT_WAYS.filter((way) => (way === 'email' ? given?.email : given?.phone))
}

/** Optional: choosing none means any way given is safe. */
export function parseSafeWaysToContact(body: FormBody, answers: JourneyAnswers): ParseResult {
  const contactWays = someOf(body, 'contactWays', contactWaysOffered(answers))
  return result(
    contactWays ? {} : { contactWays: 'Select the safe ways to contact you from the list' },
    () => ({ contactWays }),
  )
}

export function parseSafeTimes(body: FormBody): ParseResult {
  const safeTimes = text(body, 'safeTimes')
  const errors: FieldErrors = {}
  tooLong(errors, 'safeTimes', safeTimes, LIMITS.short, 'Safe times')
  return result(errors, () => ({ safeTimes: orNull(safeTimes) }))
}

/** Asked of a young person only; either answer is fine, and either is a help to the advisor. */
export function parseParentKnows(body: FormBody): ParseResult {
  const parentKnows = oneOf(body, 'parentKnows', ['yes', 'no'] as const)
  return result(
    parentKnows
      ? {}
      : { parentKnows: 'Select yes if a parent or carer knows you are making this report' },
    () => ({ parentKnows }),
  )
}

export function isEmail(value: string): boolean {
  return value.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
}

export function isPhone(value: string): boolean {
  return /^\+?\d{7,15}$/.test(value.replace(/[\s\-().]/g, ''))
}
