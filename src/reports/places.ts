import type { Area, Jurisdiction } from '../jurisdictions/model.js'
import type { AreaOption, PlaceMatch } from './answers.js'

/**
 * What a typed town or postcode tells us, for the form: whether to ask which area it is. The
 * question is asked only when the place could be more than one area, or, for an adult, when we
 * do not know it at all; otherwise the people who read the report work it out.
 */
export interface PlaceFound {
  match: PlaceMatch
  areas: AreaOption[]
}

export type FindPlace = (place: {
  town: string | null
  postcode: string | null
}) => Promise<PlaceFound>

export interface PlaceDirectory {
  resolve(location: { town: string | null; postcode: string | null }): Promise<Jurisdiction>
  councilAreas(): Promise<Area[]>
}

export function placeFinder(directory: PlaceDirectory): FindPlace {
  return async ({ town, postcode }) => {
    if (town === null && postcode === null) return { match: 'not-given', areas: [] }
    const jurisdiction = await directory.resolve({ town, postcode })
    const areas = distinctAreas(jurisdiction)
    if (jurisdiction.status === 'to-confirm' && areas.length > 0) return { match: 'several', areas }
    if (jurisdiction.status === 'national' && (await directory.councilAreas()).length > 0)
      return { match: 'not-found', areas: [] }
    return { match: 'one', areas: [] }
  }
}

function distinctAreas(jurisdiction: Jurisdiction): AreaOption[] {
  const byCode = new Map<string, AreaOption>()
  for (const candidate of jurisdiction.candidates) {
    const area = candidate.localAuthority
    if (area) byCode.set(area.code, { code: area.code, name: area.name })
  }
  return [...byCode.values()]
}

/** Without jurisdiction data nothing can be looked up, and nothing more is asked. */
export const findNoPlace: FindPlace = ({ town, postcode }) =>
  Promise.resolve({ match: town === null && postcode === null ? 'not-given' : 'one', areas: [] })
