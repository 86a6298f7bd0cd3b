import type { CountryCode } from 'libphonenumber-js'
import type { KeyRingConfig } from '../config.js'
import type { Db } from '../db/db.js'
import { identifierHasher, type HashedIdentifier } from './hashing.js'
import { identifiersOf, type IdentifierSources } from './identifiers.js'
import {
  areLinked,
  findLinks,
  replaceIdentifiers,
  reportsHashedWithOtherKeys,
  type LinkRow,
} from './repository.js'

export interface LinkServiceDeps {
  db: Db
  identifierKeys: KeyRingConfig
  phoneDefaultCountry: CountryCode
}

/**
 * Linked reports: the reports that name the same account, phone number, email address, child
 * or reporter. Intake hashes a report's identifiers (`hashIdentifiers`) and its statement
 * stores them and the matches (repository.ts); staff pages read the matches (`linksFor`).
 */
export function linkService(deps: LinkServiceDeps) {
  const hasher = identifierHasher(deps.identifierKeys)
  /** The report's identifiers, normalised and hashed: what intake stores, never the values. */
  const hashIdentifiers = (sources: IdentifierSources): HashedIdentifier[] =>
    identifiersOf(sources, deps.phoneDefaultCountry).map((i) => hasher.hash(i))
  return {
    hashIdentifiers,

    /**
     * The reports sharing an identifier with each of `reportIds` (a report, or the reports of
     * a case), by report asked about. Reports among `reportIds` are not listed for each other.
     * Nothing here is personal: kinds, references and triage only, so reading it is not a
     * viewing of any report.
     */
    async linksFor(reportIds: readonly string[]): Promise<Map<string, LinkRow[]>> {
      const asked = new Set(reportIds)
      const byReport = new Map<string, LinkRow[]>(reportIds.map((id) => [id, []]))
      for (const row of await findLinks(deps.db, [...asked])) {
        if (!asked.has(row.other.id)) byReport.get(row.reportId)?.push(row)
      }
      return byReport
    },

    /** Whether `to` is shown as linked from `from`: the audit says so only when it is. */
    areLinked: (from: string, to: string) => areLinked(deps.db, from, to),

    /**
     * Hashes again, under the active key, the identifiers of every report hashed under another,
     * so the old key can be retired (docs/linked-reports.md). `sourcesOf` reads a report's
     * identifiers from its sealed answers; a report it cannot find loses its identifiers. The
     * links already found are kept. Gives how many reports were hashed again.
     */
    async rehashOtherKeys(
      sourcesOf: (reportId: string) => Promise<IdentifierSources | undefined>,
      batchSize = 200,
    ): Promise<number> {
      let done = 0
      for (;;) {
        const ids = await reportsHashedWithOtherKeys(deps.db, hasher.activeKeyId, batchSize)
        if (ids.length === 0) return done
        for (const id of ids) {
          const sources = await sourcesOf(id)
          const hashed = sources ? hashIdentifiers(sources) : []
          await deps.db.transaction((tx) => replaceIdentifiers(tx, id, hashed))
          done += 1
        }
      }
    },
  }
}

export type LinkService = ReturnType<typeof linkService>
