import {
  defineJourney,
  type Journey,
  type JourneyAnswers,
  type JourneyPage,
} from '../web/journey.js'
import type { ReportAnswers, Topic } from './answers.js'
import {
  parseAboutTheChild,
  parseContactDetails,
  parseContinue,
  parseImmediateDanger,
  parseOtherPerson,
  parseProfessionalCheckpoint,
  parseTopic,
  parseWhatHappened,
  parseWhoAreYou,
  parseYourAge,
} from './validation.js'

/**
 * The report form as data: the order of pages and the branches between them. Routes, back
 * links, Change links and what may be skipped are all derived from this one list.
 */
export const CHECK_ANSWERS = 'check-your-answers'

const typed = (answers: JourneyAnswers) => answers as ReportAnswers

const signposting: Record<Exclude<Topic, 'sexual'>, string> = {
  bullying: 'help-with-bullying',
  'fake-account': 'help-with-fake-accounts',
  hacking: 'help-with-hacking',
}

function afterDanger(answers: JourneyAnswers): string {
  const audience = typed(answers)['who-are-you']?.audience
  if (audience === 'young-person') return 'your-age'
  if (audience === 'professional') return 'professional-checkpoint'
  return 'about-the-child'
}

export function buildReportJourney(today: () => Date): Journey {
  const page = (
    slug: string,
    parse: JourneyPage['parse'],
    next: (answers: JourneyAnswers) => string,
    dependsOn: string[] = [],
  ): JourneyPage => ({ slug, parse, next, dependsOn })
  const goTo = (slug: string) => () => slug

  return defineJourney('who-are-you', CHECK_ANSWERS, [
    page('who-are-you', parseWhoAreYou, goTo('what-is-it-about')),
    page('what-is-it-about', parseTopic, (answers) => {
      const topic = typed(answers)['what-is-it-about']?.topic
      return topic && topic !== 'sexual' ? signposting[topic] : 'immediate-danger'
    }),
    page('help-with-bullying', parseContinue, goTo('immediate-danger')),
    page('help-with-fake-accounts', parseContinue, goTo('immediate-danger')),
    page('help-with-hacking', parseContinue, goTo('immediate-danger')),
    page('immediate-danger', parseImmediateDanger, (answers) =>
      typed(answers)['immediate-danger']?.immediateDanger === 'yes'
        ? 'call-999'
        : afterDanger(answers),
    ),
    page('call-999', parseContinue, afterDanger),
    page('your-age', parseYourAge, (answers) =>
      (typed(answers)['your-age']?.age ?? 11) < 11 ? 'under-11' : 'about-the-child',
    ),
    page('under-11', parseContinue, goTo('about-the-child')),
    page('professional-checkpoint', parseProfessionalCheckpoint, goTo('about-the-child')),
    page(
      'about-the-child',
      (body, answers) => parseAboutTheChild(body, answers, today()),
      goTo('what-happened'),
      ['who-are-you'],
    ),
    page('what-happened', parseWhatHappened, goTo('the-other-person')),
    page('the-other-person', parseOtherPerson, goTo('contact-details')),
    page('contact-details', parseContactDetails, goTo(CHECK_ANSWERS), ['who-are-you']),
  ])
}
