import type { Config } from '../config.js'
import type { JurisdictionDirectory } from '../jurisdictions/directory.js'
import type { ChildLocation } from '../reports/report.js'
import type { Triage } from '../reports/service.js'
import type { TriageInput } from '../reports/model.js'
import type { OfficeCalendar } from './calendar.js'
import { deadlineFor, type DeadlinePolicy } from './deadlines.js'
import { queuesFor } from './queues.js'
import { loadRuleSet, type TriageRuleSet } from './rule-set.js'
import { assessPriority } from './rules.js'

export interface TriageSettings {
  ruleSet: TriageRuleSet
  calendar: OfficeCalendar
  deadlines: DeadlinePolicy
  jurisdictions: JurisdictionDirectory
}

/**
 * Triage as intake runs it, before the report is stored with it: the rules give a priority and
 * reasons, the office calendar gives the deadline and queues, and the child's location gives
 * the police force and children's services. All of it is stored with the report.
 */
export function triageWith(settings: TriageSettings): Triage {
  return async (input: TriageInput, location: ChildLocation, receivedAt: Date) => {
    const outcome = assessPriority(input, settings.ruleSet)
    const jurisdiction = await settings.jurisdictions.resolve({
      councilAreaCode: location.councilArea,
      postcode: location.postcode,
      town: location.town,
    })
    return {
      priority: outcome.priority,
      reasons: outcome.reasons,
      rulesVersion: outcome.rulesVersion,
      deadlineAt: deadlineFor(outcome.priority, receivedAt, settings.deadlines, settings.calendar),
      queues: queuesFor(outcome.priority, receivedAt, settings.calendar),
      jurisdiction,
    }
  }
}

/** Reads the rule set named by configuration (fails the boot if invalid) and triages with it. */
export function buildTriage(
  config: Config,
  jurisdictions: JurisdictionDirectory,
  calendar: OfficeCalendar,
): Triage {
  return triageWith({
    jurisdictions,
    ruleSet: config.triageRulesFile ? loadRuleSet(config.triageRulesFile) : loadRuleSet(),
    calendar,
    deadlines: config.deadlines,
  })
}
