import {
  defineJourney,
  type Journey,
  type JourneyAnswers,
  type JourneyPage,
} from '../web/journey.js'
import type { ReportAnswers } from './answers.js'
import { isInScope } from './model.js'
import { findNoPlace, type FindPlace } from './places.js'
import {
  parseAlreadyReported,
  parseContactDetails,
  parseContinue,
  parseImmediateDanger,
  parseIsItStillHappening,
  parseKnownInRealLife,
  parseParentKnows,
  parseSafeguardingPolicy,
  parseSafeTimes,
  parseSafeWaysToContact,
  parseSomethingSexual,
  parseTheChildsAge,
  parseTheChildsName,
  parseTheirAge,
  parseTheirEmailAddresses,
  parseTheirName,
  parseTheirPhoneNumbers,
  parseTheirProfileLinks,
  parseTheirUsernames,
  parseWhatHappened,
  parseWhatIsItAbout,
  parseWhenDidItStart,
  parseWhereTheChildLives,
  parseWhichArea,
  parseWhoAreYou,
  parseWhoCanWeTalkTo,
  parseYourAge,
  parseYourName,
} from './validation.js'
import { isYoungChild, YOUNG_CHILD_AGE } from './wording.js'

/**
 * The report form as data: the order of pages and the branches between them. Routes, back
 * links, Change links and what may be skipped are all derived from this one list. One question
 * per page, so a frightened child meets one thing at a time and one error at most.
 */
export const CHECK_ANSWERS = 'check-your-answers'

const typed = (answers: JourneyAnswers) => answers as ReportAnswers

function afterDanger(answers: JourneyAnswers): string {
  const audience = typed(answers)['who-are-you']?.audience
  if (audience === 'young-person') return 'your-age'
  if (audience === 'professional') return 'safeguarding-policy'
  return 'about-the-child'
}

function afterPlace(answers: JourneyAnswers): string {
  const place = typed(answers)['where-the-child-lives']
  const isYoungPerson = typed(answers)['who-are-you']?.audience === 'young-person'
  if (place?.match === 'several') return 'which-area'
  // A child is not asked to pick a council from a list; the advisors will work it out.
  if (place?.match === 'not-found' && !isYoungPerson) return 'which-area'
  return 'what-happened'
}

const CONTACT_DEPENDS_ON = ['who-are-you', 'your-age', 'who-can-we-talk-to']

/** A choice of safe ways only means something when there is a phone: a call or a text. */
function afterContactDetails(answers: JourneyAnswers): string {
  return typed(answers)['contact-details']?.phone ? 'safe-ways-to-contact' : 'safe-times'
}

/** A young person is asked whether a parent or carer knows; nobody else is. */
function afterSafeTimes(answers: JourneyAnswers): string {
  return typed(answers)['who-are-you']?.audience === 'young-person' ? 'parent-knows' : CHECK_ANSWERS
}

export function buildReportJourney(today: () => Date, findPlace: FindPlace = findNoPlace): Journey {
  const page = (
    slug: string,
    parse: JourneyPage['parse'],
    next: (answers: JourneyAnswers) => string,
    dependsOn: string[] = [],
  ): JourneyPage => ({ slug, parse, next, dependsOn })
  const goTo = (slug: string) => () => slug

  return defineJourney('who-are-you', CHECK_ANSWERS, [
    page('who-are-you', parseWhoAreYou, goTo('what-is-it-about')),
    page('what-is-it-about', parseWhatIsItAbout, (answers) =>
      isInScope(typed(answers)['what-is-it-about']?.concerns ?? ['something-else'])
        ? 'immediate-danger'
        : 'help-with-other-problems',
    ),
    // Its main action is the other services; its form is "something sexual happened too".
    page('help-with-other-problems', parseContinue, goTo('something-sexual')),
    page('something-sexual', parseSomethingSexual, goTo('immediate-danger')),
    page('immediate-danger', parseImmediateDanger, (answers) =>
      typed(answers)['immediate-danger']?.immediateDanger === 'no'
        ? afterDanger(answers)
        : 'call-999',
    ),
    page('call-999', parseContinue, afterDanger),
    page('your-age', parseYourAge, (answers) =>
      (typed(answers)['your-age']?.age ?? YOUNG_CHILD_AGE) < YOUNG_CHILD_AGE
        ? 'under-11'
        : 'where-the-child-lives',
    ),
    page('under-11', parseContinue, goTo('where-the-child-lives')),
    page('safeguarding-policy', parseSafeguardingPolicy, (answers) =>
      typed(answers)['safeguarding-policy']?.followedPolicy === 'yes'
        ? 'already-reported'
        : 'follow-your-policy-first',
    ),
    page('follow-your-policy-first', parseContinue, goTo('already-reported')),
    page('already-reported', parseAlreadyReported, (answers) =>
      (typed(answers)['already-reported']?.reportedTo ?? ['neither']).includes('neither')
        ? 'about-the-child'
        : 'you-do-not-need-to-report',
    ),
    page('you-do-not-need-to-report', parseContinue, goTo('about-the-child')),
    page('about-the-child', parseTheChildsName, goTo('the-childs-age'), ['who-are-you']),
    page(
      'the-childs-age',
      (body, answers) => parseTheChildsAge(body, answers, today()),
      goTo('where-the-child-lives'),
      ['who-are-you'],
    ),
    page(
      'where-the-child-lives',
      async (body, answers) => {
        const parsed = parseWhereTheChildLives(body, answers)
        if (!parsed.ok) return parsed
        const place = parsed.value as { town: string | null; postcode: string | null }
        return { ok: true, value: { ...parsed.value, ...(await findPlace(place)) } }
      },
      afterPlace,
      ['who-are-you'],
    ),
    page('which-area', parseWhichArea, goTo('what-happened'), ['where-the-child-lives']),
    page('what-happened', parseWhatHappened, goTo('when-did-it-start')),
    page('when-did-it-start', parseWhenDidItStart, goTo('is-it-still-happening')),
    page('is-it-still-happening', parseIsItStillHappening, goTo('their-name')),
    // What is known of the other person, a kind of detail at a time, each one optional. A child
    // under 11 is not asked for web addresses, phone numbers or email addresses.
    page('their-name', parseTheirName, goTo('their-usernames')),
    page('their-usernames', parseTheirUsernames, (answers) =>
      isYoungChild(typed(answers)) ? 'their-age' : 'their-profile-links',
    ),
    page('their-profile-links', parseTheirProfileLinks, goTo('their-phone-numbers')),
    page('their-phone-numbers', parseTheirPhoneNumbers, goTo('their-email-addresses')),
    page('their-email-addresses', parseTheirEmailAddresses, goTo('their-age')),
    page('their-age', parseTheirAge, goTo('known-in-real-life')),
    page('known-in-real-life', parseKnownInRealLife, (answers) =>
      isYoungChild(typed(answers)) ? 'who-can-we-talk-to' : 'your-name',
    ),
    // How to contact the reporter: never anonymous, so a name and a phone or an email. The
    // details are someone else's when a young child names a trusted adult, so changing who is
    // reporting, their age or whom to talk to drops them.
    page('who-can-we-talk-to', parseWhoCanWeTalkTo, goTo('your-name')),
    page('your-name', parseYourName, goTo('contact-details'), CONTACT_DEPENDS_ON),
    page('contact-details', parseContactDetails, afterContactDetails, CONTACT_DEPENDS_ON),
    page('safe-ways-to-contact', parseSafeWaysToContact, goTo('safe-times'), [
      ...CONTACT_DEPENDS_ON,
      'contact-details',
    ]),
    page('safe-times', parseSafeTimes, afterSafeTimes, CONTACT_DEPENDS_ON),
    page('parent-knows', parseParentKnows, goTo(CHECK_ANSWERS)),
  ])
}
