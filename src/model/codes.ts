// Codes shared by the model and every output: statuses, nationalities, sectors, events,
// and the table of legal status moves. The string codes are part of the output contract.

/**
 * Residence statuses (0-9 are in Japan) and exits (10-13). @see ../../data/rules.md
 *
 * Irregular life (docs/model.md 7.12): IRREGULAR is an absconder living and working without a
 * status (an overstayer once the old status runs out); ASYLUM an applicant for refugee status;
 * DETAINED held in an immigration detention centre after apprehension; PROVISIONAL on provisional
 * release (karihomen) from detention, barred from work; DESIGNATED allowed to stay and work on
 * 'designated activities' (special permission to stay, or Japan's emergency measure for Myanmar
 * nationals after the 2021 coup). SUBSIDIARY is a finishing intern hired by the employer's
 * subsidiary at home (seed 001): a return with a career.
 */
export const Status = {
  TI: 0,
  SSW1: 1,
  SSW2: 2,
  SIE: 3,
  IRREGULAR: 4,
  ASYLUM: 5,
  PR: 6,
  DETAINED: 7,
  PROVISIONAL: 8,
  DESIGNATED: 9,
  RETURNED: 10,
  ONWARD: 11,
  DEPORTED: 12,
  SUBSIDIARY: 13,
} as const;
export type Status = (typeof Status)[keyof typeof Status];
export const STATUS_CODES = [
  "TI", "SSW1", "SSW2", "SIE", "IRREGULAR", "ASYLUM", "PR", "DETAINED", "PROVISIONAL", "DESIGNATED",
  "RETURNED", "ONWARD", "DEPORTED", "SUBSIDIARY",
] as const;
export const STATUS_COUNT = STATUS_CODES.length;
/** Statuses below this code are held by someone living in Japan. */
export const FIRST_EXIT_STATUS = Status.RETURNED;
export const isExit = (s: number): boolean => s >= FIRST_EXIT_STATUS;
/**
 * Statuses held without a registered employer: the irregular statuses, and every exit. The agent
 * loses its employer on moving to one of them.
 */
export const isWithoutEmployer = (s: number): boolean => s >= Status.IRREGULAR && s !== Status.PR;
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

/**
 * Where an agent works, for the outputs' breakdowns (not a mechanism): 0 without a registered
 * employer, else the employer's region and size. The region is rural or urban (Employers.rural;
 * urban stands for ESD's designated urban area, esd.ts), the size SME or large (Employers.isSme).
 */
export const WORKPLACE_COUNT = 5;
export const workplaceCode = (rural: number, sme: number): number => 1 + 2 * rural + sme;
/** Region and size of each workplace code, as the outputs write them ("" without an employer). */
export const WORKPLACE_REGION = ["", "urban", "urban", "rural", "rural"] as const;
export const WORKPLACE_SIZE = ["", "large", "sme", "large", "sme"] as const;
/**
 * `--breakdown`: timeseries.csv and flows.csv also split by these, in this order, as columns after
 * `nationality`: the agent's sector, and its employer's region and size (WORKPLACE_*; empty
 * without an employer). Broken-down outputs omit rows whose count is 0 (output/csv.ts).
 */
export const BREAKDOWN_DIMS = ["sector", "region", "size"] as const;
export type BreakdownDim = (typeof BREAKDOWN_DIMS)[number];
/** The outputs' breakdown groups: group = sector * WORKPLACE_COUNT + workplace. */
export const GROUP_COUNT = SECTOR_COUNT * WORKPLACE_COUNT;

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
  detain: 8,
  release: 9,
  permit: 10,
} as const;
export type EventCode = (typeof EventCode)[keyof typeof EventCode];
export const EVENT_CODES = ["entry", "job_change", "abscond", "transfer", "return", "onward", "deport", "asylum", "detain", "release", "permit"] as const;
export const EVENT_COUNT = EVENT_CODES.length;

/**
 * `from` of an entry event: the agent was not in Japan before. A returnee coming back (as SSW1)
 * enters from RETURNED, with the same agent id.
 */
export const NO_STATUS = 255;

/**
 * Legal status moves, from -> allowed destinations (a job change keeps the status).
 * Taken from data/rules.md and, for detention, provisional release and permission to stay, the
 * procedures in docs/model.md 7.12; the tests check every simulated move against this table.
 */
export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  [Status.TI]: [Status.SSW1, Status.IRREGULAR, Status.RETURNED, Status.SUBSIDIARY, Status.DESIGNATED],
  [Status.SSW1]: [Status.SSW2, Status.RETURNED, Status.ONWARD],
  [Status.SSW2]: [Status.PR, Status.RETURNED, Status.ONWARD],
  [Status.SIE]: [Status.PR, Status.RETURNED, Status.ONWARD],
  [Status.IRREGULAR]: [Status.ASYLUM, Status.DETAINED, Status.RETURNED, Status.DESIGNATED],
  [Status.ASYLUM]: [Status.IRREGULAR, Status.DETAINED, Status.RETURNED, Status.DESIGNATED],
  [Status.PR]: [Status.RETURNED, Status.ONWARD],
  [Status.DETAINED]: [Status.DEPORTED, Status.PROVISIONAL, Status.DESIGNATED],
  [Status.PROVISIONAL]: [Status.DEPORTED, Status.RETURNED, Status.DESIGNATED],
  [Status.DESIGNATED]: [Status.SSW1, Status.RETURNED],
  [Status.RETURNED]: [],
  [Status.ONWARD]: [],
  [Status.DEPORTED]: [],
  [Status.SUBSIDIARY]: [],
};

/** Entries from an exit status: returnees coming back, by the status they come back on (item 6). */
export const REENTRY_TRANSITIONS: Readonly<Partial<Record<Status, readonly Status[]>>> = {
  [Status.RETURNED]: [Status.SSW1],
};

/** Statuses a new arrival can enter with. */
export const ENTRY_STATUSES: readonly Status[] = [Status.TI, Status.SSW1, Status.SIE];

/** The event that a status move records. */
export function eventForMove(from: Status, to: Status): EventCode {
  if (to === Status.RETURNED || to === Status.SUBSIDIARY) return EventCode.return;
  if (to === Status.DETAINED) return EventCode.detain;
  if (to === Status.PROVISIONAL) return EventCode.release;
  if (to === Status.DESIGNATED) return EventCode.permit;
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
