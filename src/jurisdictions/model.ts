/**
 * Where a report is routed: the local authority where the child lives, its children's services
 * authority and its police force. Stored as JSON on each report, so it holds codes and names from
 * the imported tables and never the location the reporter typed.
 */
export interface Area {
  code: string
  name: string
}

export interface JurisdictionCandidate {
  /** Null when the data places the child only by police force (a district with no authority). */
  localAuthority: Area | null
  childrenServices: Area | null
  policeForce: Area
  /** Fraction of the place (e.g. of a postcode district's live postcodes) this candidate covers. */
  share: number
}

export type JurisdictionStatus = 'resolved' | 'to-confirm' | 'national'

export type JurisdictionBasis = 'council-area' | 'postcode' | 'postcode-district' | 'town' | 'none'

export interface Jurisdiction {
  /**
   * `resolved`: one candidate, known exactly. `to-confirm`: a person must choose among the
   * candidates. `national`: no candidate ("national: to be confirmed"), never a guess.
   */
  status: JurisdictionStatus
  basis: JurisdictionBasis
  /** Largest share first. */
  candidates: JurisdictionCandidate[]
  /** For staff; names no place the reporter typed. */
  reason: string
}

/** What the form asks about where the child lives; any part may be missing. */
export interface ChildLocation {
  councilAreaCode?: string | null
  postcode?: string | null
  town?: string | null
}
