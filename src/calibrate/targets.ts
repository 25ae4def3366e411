// Calibration targets: observed figures the baseline should reproduce (data/observed/targets.csv,
// one row per figure, each with its source), and how each is read off a simulated run.

import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { RunResult } from "../engine/simulate.js";
import { UserError } from "../errors.js";
import { EventCode, NATIONALITY_CODES, NATIONALITY_COUNT, Status } from "../model/codes.js";
import { type ModelInputs, parseMonth } from "../model/inputs.js";
import { type FlowCell, SIE_RETENTION_MONTHS, STOCK_CELLS, decodeFlowCell } from "../model/observers.js";

/**
 * What a target measures. Stocks are end-of-month counts (ti3_stock: TITP interns in TI-3, all
 * nationalities, against ISA's count of the TI-3 status; irregular_stock: absconded interns
 * living without a status, against ISA's overstayers whose last status was TITP). Yearly counts
 * are events in a calendar year: ti_missing counts abscond events; ti_missing_share is one
 * nationality's share of them (a pattern the mechanisms have to produce:
 * data/observed/ti_missing_by_nationality.csv); ti_asylum_applications counts first refugee
 * applications (asylum events); ti_removal_procedures counts the people whose irregular stay ends
 * through the immigration authorities: detentions and departures home from IRREGULAR or ASYLUM
 * (ISA's deportation and departure-order procedures; data/observed/irregular_status.csv).
 * ti_special_stay_permits counts the interns who moved to the pandemic's special stay (permit
 * events from TI to DESIGNATED) over a window of months (date YYYY-MM/YYYY-MM): ISA's count of
 * people re-employed under the measure (data/observed/special_stay.csv).
 */
export const TARGET_METRICS = [
  "ti_stock", "ti3_stock", "ssw1_stock", "sie_stock", "irregular_stock", "ti_missing", "ti_missing_share", "ti_asylum_applications",
  "ti_removal_procedures", "sie_retention_5y", "ti_special_stay_permits",
] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/** Metrics counted over a calendar year (date YYYY). */
export const YEARLY_METRICS: readonly TargetMetric[] = ["ti_missing", "ti_missing_share", "ti_asylum_applications", "ti_removal_procedures"];
export const isYearlyMetric = (m: TargetMetric): boolean => YEARLY_METRICS.includes(m);

/** Metrics over a window of months (date YYYY-MM/YYYY-MM). */
const WINDOW_METRICS: readonly TargetMetric[] = ["sie_retention_5y", "ti_special_stay_permits"];
export const isWindowMetric = (m: TargetMetric): boolean => WINDOW_METRICS.includes(m);

/** Metrics that count events (flow cells) over their months: the yearly ones and the special stay's permits. */
const isEventCountMetric = (m: TargetMetric): boolean => isYearlyMetric(m) || m === "ti_special_stay_permits";

/**
 * Statuses whose departure home is a removal procedure of its own. PROVISIONAL is not among them:
 * its procedure began with the detention, already counted.
 */
const IRREGULAR_STATUSES: readonly number[] = [Status.IRREGULAR, Status.ASYLUM];

/** Whether a flow cell's event counts towards a yearly metric (the nationality is checked apart). */
function eventCounts(metric: TargetMetric, event: number, from: number, to: number): boolean {
  switch (metric) {
    case "ti_missing":
    case "ti_missing_share":
      return event === EventCode.abscond;
    case "ti_asylum_applications":
      return event === EventCode.asylum;
    case "ti_removal_procedures":
      return event === EventCode.detain || (event === EventCode.return && to === Status.RETURNED && IRREGULAR_STATUSES.includes(from));
    case "ti_special_stay_permits":
      return event === EventCode.permit && from === Status.TI && to === Status.DESIGNATED;
    default:
      return false;
  }
}

export interface Target {
  /** A readable key, e.g. "ti_stock VN 2019-12". */
  id: string;
  metric: TargetMetric;
  /** A nationality code, or ALL. */
  nationality: string;
  /** YYYY-MM for stocks, YYYY for yearly counts, YYYY-MM/YYYY-MM for retention (entry months) and the special stay's permits (months counted). */
  date: string;
  observed: number;
  /**
   * Error that counts as a fit, distances are measured in these units: relative (0.15 = within
   * 15%), or for the shares of ABSOLUTE_TOLERANCE_METRICS absolute (0.05 = within 5 points).
   */
  tolerance: number;
  /** Weight in the distance; 0 = reported in the fit, not fitted. */
  weight: number;
  source: string;
  /** Absolute months the target covers: [first, last]. */
  firstMonthAbs: number;
  lastMonthAbs: number;
}

/** Metrics whose tolerance is in points of a share, not relative to the observed value. */
export const ABSOLUTE_TOLERANCE_METRICS: readonly TargetMetric[] = ["ti_missing_share"];

const COLUMNS = ["metric", "nationality", "date", "observed", "tolerance", "weight", "source"];
const STOCK_STATUS: Partial<Record<TargetMetric, Status>> = {
  ti_stock: Status.TI, ssw1_stock: Status.SSW1, sie_stock: Status.SIE, irregular_stock: Status.IRREGULAR,
};

/**
 * The targets with every metric not in `metrics` weighted 0: still simulated and reported, not in
 * the distance. For calibrating a block of parameters on the targets they drive (docs/calibration.md).
 */
export function onlyMetrics(targets: readonly Target[], metrics: readonly string[], file: string): Target[] {
  const unknown = metrics.filter((m) => !TARGET_METRICS.includes(m as TargetMetric));
  if (unknown.length > 0) throw new UserError(`--metrics: ${unknown.join(", ")} ${unknown.length > 1 ? "are not target metrics" : "is not a target metric"}; expected some of ${TARGET_METRICS.join(", ")}.`);
  const kept = targets.map((t) => (metrics.includes(t.metric) ? t : { ...t, weight: 0 }));
  if (!kept.some((t) => t.weight > 0)) throw new UserError(`--metrics ${metrics.join(",")}: no target of ${file} with those metrics has a weight above 0.`);
  return kept;
}

/**
 * The targets with every target that needs a month after `lastMonthAbs` weighted 0: still
 * simulated and reported, not in the distance. For a forecast check: calibrate on the years
 * through a date, then read the later targets off the fit report (docs/validation.md).
 */
export function fittedThrough(targets: readonly Target[], lastMonthAbs: number, flag: string): Target[] {
  const kept = targets.map((t) => (lastMonthNeeded(t) <= lastMonthAbs ? t : { ...t, weight: 0 }));
  if (!kept.some((t) => t.weight > 0)) throw new UserError(`${flag}: no weighted target ends by then, so there is nothing to fit.`);
  return kept;
}

/** Reads and checks a targets file; errors name the file, line and field. */
export function loadTargets(path: string): Target[] {
  if (!existsSync(path)) throw new UserError(`Targets file ${path} does not exist (expected a CSV like data/observed/targets.csv).`);
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    // bom: spreadsheets save UTF-8 with a byte-order mark; info: each row's line in the file.
    records = parse(readFileSync(path, "utf8"), {
      columns: (h: string[]) => (header = h),
      skip_empty_lines: true, trim: true, bom: true, info: true,
    }) as typeof records;
  } catch (e) {
    throw new UserError(`Targets file ${path} is not valid CSV: ${(e as Error).message}`);
  }
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new UserError(`Targets file ${path}: missing column(s) ${missing.join(", ")} (expected ${COLUMNS.join(",")}).`);
  const unknown = header.filter((c) => !COLUMNS.includes(c));
  if (unknown.length > 0) throw new UserError(`Targets file ${path}: unknown column(s) ${unknown.join(", ")} (expected ${COLUMNS.join(",")}).`);
  if (records.length === 0) throw new UserError(`Targets file ${path} has a header but no targets.`);
  const targets = records.map((r) => parseTarget(r.record, `${path} line ${r.info.lines}`));
  const seen = new Map<string, number>();
  targets.forEach((t, k) => {
    const line = records[k]!.info.lines;
    if (seen.has(t.id)) throw new UserError(`Targets file ${path}: target "${t.id}" appears twice (lines ${seen.get(t.id)} and ${line}).`);
    seen.set(t.id, line);
  });
  if (!targets.some((t) => t.weight > 0)) throw new UserError(`Targets file ${path}: no target has a weight above 0, so there is nothing to fit.`);
  return targets;
}

function parseTarget(r: Record<string, string>, where: string): Target {
  const metric = r.metric as TargetMetric;
  if (!TARGET_METRICS.includes(metric)) throw new UserError(`${where}: metric "${r.metric}" is not one of ${TARGET_METRICS.join(", ")}.`);
  const nationality = r.nationality!;
  if (nationality !== "ALL" && !NATIONALITY_CODES.includes(nationality as never)) {
    throw new UserError(`${where}: nationality "${nationality}" is not ALL or one of ${NATIONALITY_CODES.join(", ")}.`);
  }
  if ((metric === "ti3_stock" || metric === "ti_special_stay_permits") && nationality !== "ALL") {
    throw new UserError(`${where}: ${metric} is counted for all nationalities together: nationality ALL, not ${nationality}.`);
  }
  if (metric === "ti_missing_share" && nationality === "ALL") {
    throw new UserError(`${where}: ti_missing_share needs one nationality (${NATIONALITY_CODES.join(", ")}), not ALL.`);
  }
  const number = (field: string, ok: (v: number) => boolean, expected: string): number => {
    const text = r[field] ?? "";
    const v = Number(text);
    // Decimal notation only (Number() would also take "0x10" or "1e3").
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) || !Number.isFinite(v) || !ok(v)) throw new UserError(`${where}: ${field} "${r[field]}" is not ${expected}.`);
    return v;
  };
  const observed = number("observed", (v) => v > 0, "a positive number");
  const tolerance = number("tolerance", (v) => v > 0 && v <= 1, "a relative tolerance in (0, 1], e.g. 0.15");
  const weight = number("weight", (v) => v >= 0, "a weight of 0 or more");
  const date = r.date!;
  let first: number;
  let last: number;
  try {
    if (isYearlyMetric(metric)) {
      if (!/^\d{4}$/.test(date)) throw new Error();
      first = Number(date) * 12;
      last = first + 11;
      if (metric === "ti_missing_share" && observed > 1) throw new UserError(`${where}: observed ${observed} is not a share in (0, 1].`);
    } else if (isWindowMetric(metric)) {
      const parts = date.split("/");
      if (parts.length !== 2) throw new Error();
      const [a, b] = parts;
      first = parseMonth(a ?? "");
      last = parseMonth(b ?? "");
      if (last < first) throw new Error();
      if (metric === "sie_retention_5y" && observed > 1) throw new UserError(`${where}: observed ${observed} is not a share in (0, 1].`);
    } else {
      first = last = parseMonth(date);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    const expected = isYearlyMetric(metric) ? "a year (YYYY)" : metric === "sie_retention_5y" ? "entry months as YYYY-MM/YYYY-MM" : isWindowMetric(metric) ? "months as YYYY-MM/YYYY-MM" : "a month (YYYY-MM)";
    throw new UserError(`${where}: date "${date}" is not ${expected}.`);
  }
  return { id: `${metric} ${nationality} ${date}`, metric, nationality, date, observed, tolerance, weight, source: r.source ?? "", firstMonthAbs: first, lastMonthAbs: last };
}

/** The last month a run must cover to measure the target (retention follows entrants for five years). */
export function lastMonthNeeded(t: Target): number {
  return t.metric === "sie_retention_5y" ? t.lastMonthAbs + SIE_RETENTION_MONTHS - 1 : t.lastMonthAbs;
}

/** Whether a run from startAbs over `months` months measures the target. */
export function targetInRun(t: Target, startAbs: number, months: number): boolean {
  return t.firstMonthAbs >= startAbs && lastMonthNeeded(t) <= startAbs + months - 1;
}

const natMatches = (t: Target, nat: number): boolean => t.nationality === "ALL" || NATIONALITY_CODES[nat] === t.nationality;

/**
 * The simulated value of each target at 1:1 scale (NaN where the run does not cover it).
 * Stocks and counts are divided by the run's scale; retention is a share.
 */
export function observeTargets(targets: readonly Target[], result: RunResult, inputs: ModelInputs): Float64Array {
  const out = new Float64Array(targets.length);
  const start = inputs.startMonthAbs;
  const cell: FlowCell = { event: 0, from: 0, to: 0, nationality: 0 };
  targets.forEach((t, k) => {
    if (!targetInRun(t, start, inputs.months)) {
      out[k] = Number.NaN;
      return;
    }
    const st = STOCK_STATUS[t.metric];
    if (t.metric === "ti3_stock") {
      out[k] = result.ti3Stock[t.firstMonthAbs - start]! / inputs.scale;
    } else if (st !== undefined) {
      const m = t.firstMonthAbs - start;
      let n = 0;
      for (let nat = 0; nat < NATIONALITY_COUNT; nat++) if (natMatches(t, nat)) n += result.stocks[m * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
      out[k] = n / inputs.scale;
    } else if (isEventCountMetric(t.metric)) {
      let n = 0;
      let all = 0;
      for (let j = 0; j < result.flows.length; j += 3) {
        const month = start + result.flows[j]!;
        if (month < t.firstMonthAbs || month > t.lastMonthAbs) continue;
        const { event, from, to, nationality } = decodeFlowCell(result.flows[j + 1]!, cell);
        if (!eventCounts(t.metric, event, from, to)) continue;
        all += result.flows[j + 2]!;
        if (natMatches(t, nationality)) n += result.flows[j + 2]!;
      }
      out[k] = t.metric === "ti_missing_share" ? (all > 0 ? n / all : Number.NaN) : n / inputs.scale;
    } else {
      // sie_retention_5y: entrants of the window still in Japan five years on (all nationalities).
      let entered = 0;
      let left = 0;
      for (let m = t.firstMonthAbs - start; m <= t.lastMonthAbs - start; m++) {
        entered += result.sieCohorts[2 * m]!;
        left += result.sieCohorts[2 * m + 1]!;
      }
      out[k] = entered > 0 ? 1 - left / entered : Number.NaN;
    }
  });
  return out;
}

/**
 * A target's error in units of its tolerance: (simulated - observed) / (tolerance x observed),
 * or (simulated - observed) / tolerance for a share with an absolute tolerance.
 */
export function scaledError(t: Target, simulated: number): number {
  const unit = ABSOLUTE_TOLERANCE_METRICS.includes(t.metric) ? t.tolerance : t.tolerance * t.observed;
  return (simulated - t.observed) / unit;
}

/**
 * The ABC distance: root of the weighted mean squared scaled error over the targets the run
 * covers. Below 1 means the weighted average target is within its tolerance.
 */
export function targetDistance(targets: readonly Target[], simulated: ArrayLike<number>): number {
  let sum = 0;
  let w = 0;
  targets.forEach((t, k) => {
    const v = simulated[k]!;
    if (t.weight === 0 || Number.isNaN(v)) return;
    const e = scaledError(t, v);
    sum += t.weight * e * e;
    w += t.weight;
  });
  return w > 0 ? Math.sqrt(sum / w) : Number.NaN;
}
