// The licences a French administration may use for free reuse (décret 2017-638),
// with the IRIs harvesters such as data.gouv.fr match on.
export const LICENCES = {
  'etalab-2.0': {
    label: 'Licence Ouverte / Open Licence version 2.0',
    iri: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence'
  },
  'odbl-1.0': {
    label: 'Open Database License (ODbL) 1.0',
    iri: 'http://opendatacommons.org/licenses/odbl/summary/'
  },
  other: { label: 'Other licence (see the description)', iri: null }
} as const

export type LicenceId = keyof typeof LICENCES
export const LICENCE_IDS = Object.keys(LICENCES) as LicenceId[]
