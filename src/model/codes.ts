// Codes shared by the model and every output: statuses, nationalities, sectors, events,
// and the table of legal status moves. The string codes are part of the output contract.

/** Residence statuses (0-6 are in Japan) and exits (7-9). @see ../../data/rules.md */
export const Status = {
  TI: 0,
  SSW1: 1,
  SSW2: 2,
  SIE: 3,
  IRREGULAR: 4,
  ASYLUM: 5,
  PR: 6,
  RETURNED: 7,
  ONWARD: 8,
  DEPORTED: 9,
} as const;
export type Status = (typeof Status)[keyof typeof Status];
export const STATUS_CODES = ["TI", "SSW1", "SSW2", "SIE", "IRREGULAR", "ASYLUM", "PR", "RETURNED", "ONWARD", "DEPORTED"] as const;
export const STATUS_COUNT = STATUS_CODES.length;
/** Statuses below this code are held by someone living in Japan. */
export const FIRST_EXIT_STATUS = Status.RETURNED;
export const isExit = (s: number): boolean => s >= FIRST_EXIT_STATUS;
/** Statuses whose months count as work status for permanent residency (rules.md): SSW2 and SIE. */
export const isWorkStatus = (s: number): boolean => s === Status.SSW2 || s === Status.SIE;

export const Nationality = { VN: 0, CN: 1, ID: 2, PH: 3, MM: 4, KH: 5, OTHER: 6 } as const;
export type Nationality = (typeof Nationality)[keyof typeof Nationality];
export const NATIONALITY_CODES = ["VN", "CN", "ID", "PH", "MM", "KH", "OTHER"] as const;
export const NATIONALITY_COUNT = NATIONALITY_CODES.length;

/**
 * Fields of work. TI and SSW fields are grouped into six; SIE work is `professional`.
 * The grouping follows the waiting periods of the Employment for Skill Development law
 * (1 year: agriculture and services; 2 years: care, construction, food, manufacturing).
 */
export const Sector = {
  manufacturing: 0,
  construction: 1,
  agriculture: 2,
  care: 3,
  food: 4,
  services: 5,
  professional: 6,
} as const;
export type Sector = (typeof Sector)[keyof typeof Sector];
export const SECTOR_CODES = ["manufacturing", "construction", "agriculture", "care", "food", "services", "professional"] as const;
export const SECTOR_COUNT = SECTOR_CODES.length;
/** Sectors open to TI and SSW (everything but `professional`). */
export const MANUAL_SECTOR_COUNT = 6;

/** Event codes of flows.csv and events.csv. `transfer` is any change of status within Japan. */
export const EventCode = {
  entry: 0,
  job_change: 1,
  abscond: 2,
  transfer: 3,
  return: 4,
  onward: 5,
  deport: 6,
  asylum: 7,
} as const;
export type EventCode = (typeof EventCode)[keyof typeof EventCode];
export const EVENT_CODES = ["entry", "job_change", "abscond", "transfer", "return", "onward", "deport", "asylum"] as const;
export const EVENT_COUNT = EVENT_CODES.length;

/** `from` of an entry event: the agent was not in Japan before. */
export const NO_STATUS = 255;

/**
 * Legal status moves, from -> allowed destinations (a job change keeps the status).
 * Taken from data/rules.md; the tests check every simulated move against this table.
 */
export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  [Status.TI]: [Status.SSW1, Status.IRREGULAR, Status.RETURNED],
  [Status.SSW1]: [Status.SSW2, Status.RETURNED, Status.ONWARD],
  [Status.SSW2]: [Status.PR, Status.RETURNED, Status.ONWARD],
  [Status.SIE]: [Status.PR, Status.RETURNED, Status.ONWARD],
  [Status.IRREGULAR]: [Status.ASYLUM, Status.DEPORTED, Status.RETURNED],
  [Status.ASYLUM]: [Status.IRREGULAR, Status.DEPORTED, Status.RETURNED],
  [Status.PR]: [Status.RETURNED, Status.ONWARD],
  [Status.RETURNED]: [],
  [Status.ONWARD]: [],
  [Status.DEPORTED]: [],
};

/** Statuses a new arrival can enter with. */
export const ENTRY_STATUSES: readonly Status[] = [Status.TI, Status.SSW1, Status.SIE];

/** The event that a status move records. */
export function eventForMove(from: Status, to: Status): EventCode {
  if (to === Status.RETURNED) return EventCode.return;
  if (to === Status.ONWARD) return EventCode.onward;
  if (to === Status.DEPORTED) return EventCode.deport;
  if (to === Status.ASYLUM) return EventCode.asylum;
  if (from === Status.TI && to === Status.IRREGULAR) return EventCode.abscond;
  return EventCode.transfer;
}

/** Family ties, a bit field per agent. @see seed 000 (family factors postpone return) */
export const Family = {
  partner: 1,
  partnerInJapan: 2,
  children: 4,
  childrenInJapan: 8,
} as const;
