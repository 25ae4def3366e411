// What a run is given from outside the model: the month-by-month exogenous series, the
// initial stocks, entry mixes and recruitment costs, already resolved from data/ and the
// scenario by src/scenario. Plain typed arrays and numbers, so they cross to worker threads.

import type { Params, ParamName } from "./params.js";

/** Exogenous series, one value per simulated month (index 0 = the start month). */
export interface MonthlySeries {
  /** Job openings per applicant (MHLW annual average). @see data:labour_market */
  jobOpeningsRatio: Float64Array;
  /**
   * A scenario's shift of the yen against every origin currency, multiplying the observed rates
   * of yenValueByNationality: 1 in the baseline (the data carry the yen's path); a weak-yen
   * projection lowers it.
   */
  yenValueIndex: Float64Array;
  /** Nominal wage level relative to 2023 (minimum-wage index). @see data:other_figures */
  wageIndex: Float64Array;
  /** New technical interns per year at 1:1 scale, applied in the month's year. */
  tiEntriesPerYear: Float64Array;
  /** New SSW1 holders entering from abroad per year (test route) at 1:1 scale. */
  ssw1EntriesPerYear: Float64Array;
  /** New SIEs entering from abroad per year at 1:1 scale. @see data/observed/sie_new_entries.csv */
  sieEntriesPerYear: Float64Array;
  /** International students in Japan (year-end stock) at 1:1 scale. @see data/observed/student_stock.csv */
  studentStock: Float64Array;
  /**
   * Share of the student stock changing status to SIE in a year (graduates hired in Japan).
   * @see data/observed/student_to_work_changes.csv
   */
  studentToSieSharePerYear: Float64Array;
  /** Government cap on SSW (i) holders at 1:1 scale (enforced when ssw1StockCapOn). @see rules */
  ssw1StockCap: Float64Array;
  /**
   * The prevalence of employers who underpay, relative to 2014 (multiplies
   * underpayingEmployerShare): labour inspections' share of intern employers found not paying
   * overtime premiums. @see data/observed/labour_inspections.csv
   */
  underpayingEmployerIndex: Float64Array;
}
export type SeriesName = keyof MonthlySeries;
export const SERIES_NAMES: readonly SeriesName[] = [
  "jobOpeningsRatio", "yenValueIndex", "wageIndex", "tiEntriesPerYear", "ssw1EntriesPerYear", "sieEntriesPerYear", "studentStock",
  "studentToSieSharePerYear", "ssw1StockCap", "underpayingEmployerIndex",
];

/** A policy change: from month `month` (index from the start) on, these parameters hold. */
export interface PolicyStep {
  month: number;
  set: Partial<Record<ParamName, number | boolean>>;
}

export interface ModelInputs {
  /** Absolute month of index 0: year * 12 + (month - 1). */
  startMonthAbs: number;
  months: number;
  /** Share of the real population simulated (0.1 = 10%). */
  scale: number;
  /** Parameters in force at the start; `policy` changes them over time. */
  params: Params;
  policy: PolicyStep[];
  series: MonthlySeries;
  /** Stock at the start, [status * NAT + nationality], at 1:1 scale (in-Japan statuses only). */
  initialStock: Float64Array;
  /**
   * Nationality shares of entrants at the start, [entryKind * NAT + nationality]; kinds: 0 TI,
   * 1 SSW1, 2 SIE from abroad, 3 SIE from international students (changes of status in Japan).
   */
  entryNationalityShare: Float64Array;
  /** Later nationality mixes of entrants, each in force from its month (index from the start), in month order. */
  entryNationalityShareFrom: { month: number; shares: Float64Array }[];
  /** Sector shares of entrants, [entryKind * SECTOR_COUNT + sector]. */
  entrySectorShare: Float64Array;
  /** Mean recruitment debt of an indebted intern, yen, by nationality. @see data:recruitment_costs */
  debtYenByNationality: Float64Array;
  /** Share of interns who borrowed, by nationality. */
  borrowedShareByNationality: Float64Array;
  /** Fee paid to agents, yen, by nationality (for the fee cap). */
  feeYenByNationality: Float64Array;
  /**
   * The yen's value in each nationality's home currency, by [month * NATIONALITY_COUNT + nationality]:
   * units of home currency per yen over their 2017-2021 mean (1 = that level; below 1, a weaker
   * yen). Annual averages placed at mid-year, linear in between, held before the first and after
   * the last. @see data/inputs/exchange_rates_annual.csv
   */
  yenValueByNationality: Float64Array;
}

export const ENTRY_KINDS = 4;

export function formatMonth(abs: number): string {
  const y = Math.floor(abs / 12);
  const m = abs - y * 12 + 1;
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}`; // YYYY-MM, read back by parseMonth
}

/** "2027-04" -> absolute month; throws on anything else. */
export function parseMonth(text: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`expected a month as YYYY-MM, got "${text}"`);
  const month = Number(m[2]);
  if (month < 1 || month > 12) throw new Error(`month must be 01-12, got "${text}"`);
  return Number(m[1]) * 12 + month - 1;
}
