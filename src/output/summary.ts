// summary.csv: headline metrics of each task, summarised across replicates for each scenario
// and sweep point with simple-statistics: n, mean, sd, 95% CI, p05, p50, p95, and whether the
// CI half-width is within the target share of the mean.

import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { mean, quantileSorted, sampleStandardDeviation, sampleVariance } from "simple-statistics";
import type { RunResult } from "../engine/simulate.js";
import {
  EVENT_CODES, EVENT_COUNT, EventCode, GROUP_COUNT, MANUAL_SECTOR_COUNT, NATIONALITY_CODES, NATIONALITY_COUNT, SECTOR_CODES, STATUS_CODES, Status, WORKPLACE_COUNT, WORKPLACE_REGION,
  WORKPLACE_SIZE,
} from "../model/codes.js";
import { formatMonth, parseMonth } from "../model/inputs.js";
import { EXIT_HIST_MONTHS, type FlowCell, STOCK_CELLS, decodeFlowCell, stockCell } from "../model/observers.js";
import type { DeclaredMetric } from "../scenario/schema.js";
import { type MonthWindow, windowLabel } from "../scenario/window.js";

export interface Metric {
  name: string;
  unit: "agents" | "share" | "months" | "person-years" | "per 1000 person-years";
  value: number;
}

/**
 * The two-sided 95% Student t critical value, t(0.975, df), exactly (to double precision):
 * @stdlib's quantile, from the inverse regularised incomplete beta function (after Boost). A
 * printed t table rounds to three decimals, and one that jumps from df 30 to 40, 60 and 120 is up
 * to 0.9% wide in between; summary.csv's, effects.csv's and the report's intervals use this.
 * NaN below 1 degree of freedom.
 */
export function tCritical95(df: number): number {
  return df >= 1 ? tQuantile(0.975, df) : NaN;
}

/** Half-width of the Student-t 95% CI of a mean over `n` values with sample sd `sd` (NaN below 2 values). */
export function tHalfWidth95(sd: number, n: number): number {
  return n > 1 ? (tCritical95(n - 1) * sd) / Math.sqrt(n) : NaN;
}

/** Months (index) at which stocks are reported: Decembers of years divisible by 5, and the last month. */
export function reportMonths(startAbs: number, months: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < months; t++) {
    const abs = startAbs + t;
    if (abs % 12 === 11 && Math.floor(abs / 12) % 5 === 0) out.push(t);
  }
  if (out[out.length - 1] !== months - 1) out.push(months - 1);
  return out;
}

/**
 * The flows counted over the whole run and over each window, in the order of their metrics:
 * abscond_<FROM>_<TO>, ti_job_change_<FROM>_<TO>, ti_to_ssw1_<FROM>_<TO>, return_<FROM>_<TO>.
 */
export const WINDOW_FLOWS = ["abscond", "ti_job_change", "ti_to_ssw1", "return"] as const;
const [W_ABSCOND, W_TI_JOB_CHANGE, W_TI_TO_SSW1] = [0, 1, 2] as const;
const FLOW_KINDS = WINDOW_FLOWS.length;

/**
 * The groups of summary.csv's breakdown rows, `<metric>[<code>]`: each nationality, then each
 * sector open to interns and SSW (professional work is SIE's alone). A group row counts the agents
 * of that nationality, or of that sector (the agent's field), at the event or in the stock. Stocks
 * have none: timeseries.csv has them by nationality (and, with --breakdown, by sector), and rows
 * for every status, month and group would make summary.csv about seven times as long.
 */
export const SUMMARY_GROUPS: readonly string[] = [...NATIONALITY_CODES, ...SECTOR_CODES.slice(0, MANUAL_SECTOR_COUNT)];
const GROUP_ROWS = SUMMARY_GROUPS.length;

/** The flow kind (WINDOW_FLOWS index) of an event, or -1 when it is none of them. */
function flowKind(event: number, from: number, to: number): number {
  if (event === EventCode.abscond) return W_ABSCOND;
  if (event === EventCode.return) return WINDOW_FLOWS.indexOf("return");
  // Interns' legal transfers: a job change keeps the status, so from = to = TI.
  if (event === EventCode.job_change && from === Status.TI) return W_TI_JOB_CHANGE;
  if (event === EventCode.transfer && from === Status.TI && to === Status.SSW1) return W_TI_TO_SSW1;
  return -1;
}

/** A metric's value in total ([0]) and by SUMMARY_GROUPS ([1 + group]). */
type Grouped = Float64Array;
const newGrouped = (): Grouped => new Float64Array(1 + GROUP_ROWS);

/**
 * A task's headline metrics: stocks at reportMonths, flow totals over the whole run, intern-years
 * and absconding per 1,000 intern-years over the run, then each window's flows (WINDOW_FLOWS) over
 * months FROM..TO, its intern-years (ti_years_) and its absconding per 1,000 intern-years. Each
 * flow, intern-year and rate metric is followed by its rows by nationality and sector (SUMMARY_GROUPS: `<metric>[VN]`, `<metric>[care]`). `startAbs` is
 * the scenario's first month.
 */
export function taskMetrics(r: RunResult, startAbs: number, windows: readonly MonthWindow[] = [], declared: readonly DeclaredMetric[] = []): Metric[] {
  const out: Metric[] = [];
  const pushGrouped = (name: string, unit: Metric["unit"], v: Grouped): void => {
    out.push({ name, unit, value: v[0]! });
    for (let g = 0; g < GROUP_ROWS; g++) out.push({ name: `${name}[${SUMMARY_GROUPS[g]}]`, unit, value: v[1 + g]! });
  };
  for (const t of reportMonths(startAbs, r.months)) {
    for (let st = 0; st < Status.RETURNED; st++) {
      let n = 0;
      for (let nat = 0; nat < NATIONALITY_COUNT; nat++) n += r.stocks[t * STOCK_CELLS + stockCell(st, nat)]!;
      out.push({ name: `stock_${STATUS_CODES[st]}_${formatMonth(startAbs + t)}`, unit: "agents", value: n });
    }
  }
  const byEvent = new Float64Array(EVENT_COUNT);
  // Whole run ([0]) then each window ([1 + w]): each flow kind's counts, grouped.
  const spans = [{ first: 0, last: r.months - 1 }, ...windows.map((w) => ({ first: parseMonth(w.from) - startAbs, last: parseMonth(w.to) - startAbs }))];
  const counts = spans.map(() => Array.from({ length: FLOW_KINDS }, newGrouped));
  const cell: FlowCell = { event: 0, from: 0, to: 0, nationality: 0 };
  for (let k = 0; k < r.flows.length; k += 3) {
    const { event } = decodeFlowCell(r.flows[k + 1]!, cell);
    byEvent[event]! += r.flows[k + 2]!;
  }
  // The breakdown flows: the same events, with the agent's group (sector x workplace).
  for (let k = 0; k < r.flowsByGroup.length; k += 3) {
    const month = r.flowsByGroup[k]!;
    const idx = r.flowsByGroup[k + 1]!;
    const c = r.flowsByGroup[k + 2]!;
    const group = idx % GROUP_COUNT;
    const { event, from, to, nationality } = decodeFlowCell((idx - group) / GROUP_COUNT, cell);
    const kind = flowKind(event, from, to);
    if (kind < 0) continue;
    const sector = Math.floor(group / WORKPLACE_COUNT);
    spans.forEach((w, j) => {
      if (month < w.first || month > w.last) return;
      const v = counts[j]![kind]!;
      v[0]! += c;
      v[1 + nationality]! += c;
      if (sector < MANUAL_SECTOR_COUNT) v[1 + NATIONALITY_COUNT + sector]! += c;
    });
  }
  const tiYears = spans.map((w) => internYears(r, w.first, w.last));
  const rate = (j: number): Grouped => counts[j]![W_ABSCOND]!.map((a, g) => (tiYears[j]![g]! > 0 ? (1000 * a) / tiYears[j]![g]! : NaN));
  pushGrouped("abscond_total", "agents", counts[0]![W_ABSCOND]!);
  pushGrouped("ti_to_ssw1_total", "agents", counts[0]![W_TI_TO_SSW1]!);
  pushGrouped("ti_job_change_total", "agents", counts[0]![W_TI_JOB_CHANGE]!);
  pushGrouped("return_total", "agents", counts[0]![WINDOW_FLOWS.indexOf("return")]!);
  out.push({ name: "onward_total", unit: "agents", value: byEvent[EventCode.onward]! });
  out.push({ name: "deport_total", unit: "agents", value: byEvent[EventCode.deport]! });
  out.push({ name: "job_change_share", unit: "share", value: r.agentsCreated > 0 ? r.agentsWithJobChange / r.agentsCreated : NaN });
  out.push({ name: "median_months_in_japan_at_exit", unit: "months", value: histMedian(r.exitMonthsHist) });
  // Absconding as a rate: a policy that changes how many interns there are (ESD's field caps)
  // changes the count for that reason alone. Intern-years = the month-end TI stocks / 12.
  pushGrouped("ti_years_total", "person-years", tiYears[0]!);
  pushGrouped("abscond_per_1000_ti_years_total", "per 1000 person-years", rate(0));
  windows.forEach((w, k) => {
    WINDOW_FLOWS.forEach((name, f) => pushGrouped(`${name}_${windowLabel(w)}`, "agents", counts[1 + k]![f]!));
    pushGrouped(`ti_years_${windowLabel(w)}`, "person-years", tiYears[1 + k]!);
    pushGrouped(`abscond_per_1000_ti_years_${windowLabel(w)}`, "per 1000 person-years", rate(1 + k));
  });
  for (const m of declared) out.push(declaredMetric(r, startAbs, m));
  return out;
}

/** The code's index in `codes`, or -1 for a filter not given (matches all). */
const codeIndex = (codes: readonly string[], code: string | undefined): number => (code === undefined ? -1 : codes.indexOf(code));

/**
 * A metric a scenario file declares (scenario/schema.ts metricSchema), from the breakdown flows and
 * stocks: events matching every filter given, or a status's stock, over its window (default the
 * whole run). A rate is 1,000 x the events / the person-years (month-end stocks / 12 over the
 * window) of its `from` status with the same nationality, sector, region and size filters.
 */
export function declaredMetric(r: RunResult, startAbs: number, m: DeclaredMetric): Metric {
  const first = m.window ? parseMonth(m.window.slice(0, 7)) - startAbs : 0;
  const last = m.window ? parseMonth(m.window.slice(9)) - startAbs : r.months - 1;
  const nat = codeIndex(NATIONALITY_CODES, m.nationality);
  const sector = codeIndex(SECTOR_CODES, m.sector);
  // Groups matching the sector, region and size filters (region and size never match "no employer").
  const groupOk = new Uint8Array(GROUP_COUNT);
  for (let g = 0; g < GROUP_COUNT; g++) {
    const wp = g % WORKPLACE_COUNT;
    groupOk[g] = (sector < 0 || Math.floor(g / WORKPLACE_COUNT) === sector) && (m.region === undefined || WORKPLACE_REGION[wp] === m.region) && (m.size === undefined || WORKPLACE_SIZE[wp] === m.size) ? 1 : 0;
  }
  /** Sum of status st's month-end stocks (filtered) over months a..b. */
  const stockSum = (st: number, a: number, b: number): number => {
    let n = 0;
    for (let t = a; t <= b; t++) {
      for (let k = 0; k < NATIONALITY_COUNT; k++) {
        if (nat >= 0 && k !== nat) continue;
        const base = (t * STOCK_CELLS + stockCell(st, k)) * GROUP_COUNT;
        for (let g = 0; g < GROUP_COUNT; g++) if (groupOk[g] === 1) n += r.stocksByGroup[base + g]!;
      }
    }
    return n;
  };
  if (m.stock !== undefined) {
    const st = STATUS_CODES.indexOf(m.stock as (typeof STATUS_CODES)[number]);
    if (m.as === "person-years") return { name: m.name, unit: "person-years", value: stockSum(st, first, last) / 12 };
    return { name: m.name, unit: "agents", value: stockSum(st, last, last) };
  }
  const event = codeIndex(EVENT_CODES, m.event);
  const from = codeIndex(STATUS_CODES, m.from);
  const to = codeIndex(STATUS_CODES, m.to);
  const cell: FlowCell = { event: 0, from: 0, to: 0, nationality: 0 };
  let n = 0;
  for (let k = 0; k < r.flowsByGroup.length; k += 3) {
    const month = r.flowsByGroup[k]!;
    if (month < first || month > last) continue;
    const idx = r.flowsByGroup[k + 1]!;
    const group = idx % GROUP_COUNT;
    if (groupOk[group] !== 1) continue;
    const c = decodeFlowCell((idx - group) / GROUP_COUNT, cell);
    if (c.event !== event || (from >= 0 && c.from !== from) || (to >= 0 && c.to !== to) || (nat >= 0 && c.nationality !== nat)) continue;
    n += r.flowsByGroup[k + 2]!;
  }
  if (m.as !== "rate") return { name: m.name, unit: "agents", value: n };
  const years = stockSum(from, first, last) / 12;
  return { name: m.name, unit: "per 1000 person-years", value: years > 0 ? (1000 * n) / years : NaN };
}

/** Adds month t's stock of status st by sector (from the breakdown stocks), x scaleBy, into v[1 + NATIONALITY_COUNT + sector]. */
function addStockBySector(r: RunResult, t: number, st: number, v: Grouped, scaleBy: number): void {
  const offset = 1 + NATIONALITY_COUNT;
  for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
    const base = (t * STOCK_CELLS + stockCell(st, nat)) * GROUP_COUNT;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const sector = Math.floor(g / WORKPLACE_COUNT);
      if (sector < MANUAL_SECTOR_COUNT) v[offset + sector]! += r.stocksByGroup[base + g]! * scaleBy;
    }
  }
}

/** Intern-years over months first..last, in total and by group: the month-end TI stocks / 12. */
function internYears(r: RunResult, first: number, last: number): Grouped {
  const v = newGrouped();
  for (let t = first; t <= last; t++) {
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
      const n = r.stocks[t * STOCK_CELLS + stockCell(Status.TI, nat)]! / 12;
      v[0]! += n;
      v[1 + nat]! += n;
    }
    addStockBySector(r, t, Status.TI, v, 1 / 12);
  }
  return v;
}

/** The names taskMetrics gives a run of `months` months from startAbs, in order (from an empty run). */
export function metricNamesOf(months: number, startAbs: number, windows: readonly MonthWindow[], declared: readonly DeclaredMetric[] = []): string[] {
  const empty: RunResult = {
    months, stocks: new Float64Array(months * STOCK_CELLS), flows: new Float64Array(0), events: new Int32Array(0), agentMonths: 0,
    stocksByGroup: new Float64Array(months * STOCK_CELLS * GROUP_COUNT), flowsByGroup: new Float64Array(0),
    agentsCreated: 0, agentsWithJobChange: 0, exitMonthsHist: new Float64Array(EXIT_HIST_MONTHS + 1), sieCohorts: new Float64Array(0),
    ti3Stock: new Float64Array(months),
  };
  return taskMetrics(empty, startAbs, windows, declared).map((m) => m.name);
}

/** Median of a histogram of whole months (lower median); NaN when empty. */
export function histMedian(hist: Float64Array): number {
  let total = 0;
  for (const c of hist) total += c;
  if (total === 0) return NaN;
  let acc = 0;
  for (let m = 0; m <= EXIT_HIST_MONTHS; m++) {
    acc += hist[m]!;
    if (acc >= total / 2) return m;
  }
  return EXIT_HIST_MONTHS;
}

export const SUMMARY_COLUMNS = [
  "scenario", "point", "metric", "unit", "n", "mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95",
  "ci_halfwidth_share", "ci_target_share", "enough_replicates", "scale",
] as const;

export interface SummaryRowInput {
  scenario: string;
  point: number;
  scale: number;
  metric: string;
  unit: string;
  values: number[];
}

const fmt = (x: number): string | number => (Number.isFinite(x) ? Number(x.toPrecision(10)) : "");

/** One summary row; `ciTarget` is the largest acceptable CI half-width as a share of |mean|. */
export function summaryRow(g: SummaryRowInput, ciTarget: number): (string | number)[] {
  const v = g.values.filter((x) => Number.isFinite(x));
  const n = v.length;
  const m = n > 0 ? mean(v) : NaN;
  const sd = n > 1 ? sampleStandardDeviation(v) : NaN;
  const half = tHalfWidth95(sd, n);
  const sorted = [...v].sort((a, b) => a - b);
  const q = (p: number): number => (n > 0 ? quantileSorted(sorted, p) : NaN);
  const share = Number.isFinite(half) && m !== 0 ? half / Math.abs(m) : half === 0 ? 0 : NaN;
  return [g.scenario, g.point, g.metric, g.unit, n, fmt(m), fmt(sd), fmt(m - half), fmt(m + half), fmt(q(0.05)), fmt(q(0.5)), fmt(q(0.95)),
    fmt(share), ciTarget, Number.isFinite(share) && share <= ciTarget ? "true" : "false", g.scale];
}

// effects.csv: each scenario and sweep point against the run's reference scenario (`baseline`, or
// the one `--reference NAME` names: spec.reference), paired by replicate: replicate r of both ran
// from the same seeds (common random numbers), so the paired difference's spread is the
// difference's own, not the sum of both scenarios' noise.

/** The scenario effects.csv compares the others with, when a run has it and names no other (`--reference`). */
export const REFERENCE_SCENARIO = "baseline";

export const EFFECTS_COLUMNS = [
  "scenario", "point", "reference", "metric", "unit", "n", "scenario_mean", "reference_mean",
  "diff_mean", "diff_sd", "diff_ci95_low", "diff_ci95_high", "ratio", "scale",
] as const;

/** What names a row of effects.csv or variance.csv: the scenario, its point, the reference, the metric. */
interface MetricRowKey {
  scenario: string;
  point: number;
  /** The reference's name (in variance.csv, empty for the scenario's own values). */
  reference: string;
  scale: number;
  metric: string;
  unit: string;
}

export interface EffectRowInput extends MetricRowKey {
  /** Value of each replicate (index = replicate), of the scenario and of the reference. */
  values: readonly number[];
  referenceValues: readonly number[];
}

/**
 * One effects.csv row: over the replicates where both values are finite, the means, the paired
 * difference (scenario - reference) with its sample sd and 95% CI (Student t, as summary.csv),
 * and the ratio of the means ("" when the reference mean is 0).
 */
export function effectRow(g: EffectRowInput): (string | number)[] {
  const s: number[] = [];
  const r: number[] = [];
  const d: number[] = [];
  for (let k = 0; k < Math.min(g.values.length, g.referenceValues.length); k++) {
    const a = g.values[k]!;
    const b = g.referenceValues[k]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    s.push(a);
    r.push(b);
    d.push(a - b);
  }
  const n = d.length;
  const sm = n > 0 ? mean(s) : NaN;
  const rm = n > 0 ? mean(r) : NaN;
  const dm = n > 0 ? mean(d) : NaN;
  const sd = n > 1 ? sampleStandardDeviation(d) : NaN;
  const half = tHalfWidth95(sd, n);
  const ratio = rm !== 0 ? sm / rm : NaN;
  return [g.scenario, g.point, g.reference, g.metric, g.unit, n, fmt(sm), fmt(rm), fmt(dm), fmt(sd), fmt(dm - half), fmt(dm + half), fmt(ratio), g.scale];
}

// variance.csv (runs over a posterior): how much of a metric's spread, or of an effect's, comes
// from the posterior draws (the parameters) and how much from the random numbers within a draw.
// With R replicates per draw (--per-draw R) and K draws, v[k][j] the value of replicate j of draw
// k: the within-draw variance W is the mean over draws of each draw's sample variance; the draw
// means' sample variance is B + W / R in expectation (one-way random-effects ANOVA, e.g. Searle,
// Casella and McCulloch 1992, ch. 3), so B = max(0, var(draw means) - W / R) is the between-draw
// (parametric) variance, and B / (B + W) the parametric share. With R = 1 the two cannot be told
// apart, and those columns are empty; the draw means' quantiles are still given (they then
// include each draw's noise).

export const VARIANCE_COLUMNS = [
  "scenario", "point", "reference", "metric", "unit", "draws", "per_draw", "mean", "sd_total",
  "sd_between_draws", "sd_within_draws", "parametric_share", "draw_p05", "draw_p50", "draw_p95",
  "sign_varies", "scale",
] as const;

export interface VarianceRowInput extends MetricRowKey {
  /** Value of each replicate in order (index = replicate - 1); replicates [kR, (k+1)R) share draw k. */
  values: readonly number[];
  perDraw: number;
}

/** One variance.csv row: a draw counts when all its R values are finite. */
export function varianceRow(g: VarianceRowInput): (string | number)[] {
  const r = g.perDraw;
  const drawMeans: number[] = [];
  const all: number[] = [];
  let withinSum = 0;
  for (let k = 0; (k + 1) * r <= g.values.length; k++) {
    const v = g.values.slice(k * r, (k + 1) * r);
    if (!v.every((x) => Number.isFinite(x))) continue;
    drawMeans.push(mean(v));
    all.push(...v);
    if (r > 1) withinSum += sampleVariance(v);
  }
  const k = drawMeans.length;
  const within = r > 1 && k > 0 ? withinSum / k : NaN;
  const between = r > 1 && k > 1 ? Math.max(0, sampleVariance(drawMeans) - within / r) : NaN;
  const share = between + within > 0 ? between / (between + within) : NaN;
  const sorted = [...drawMeans].sort((a, b) => a - b);
  const q = (p: number): number => (k > 0 ? quantileSorted(sorted, p) : NaN);
  const p05 = q(0.05);
  const p95 = q(0.95);
  return [g.scenario, g.point, g.reference, g.metric, g.unit, k, r, fmt(k > 0 ? mean(all) : NaN), fmt(all.length > 1 ? sampleStandardDeviation(all) : NaN),
    fmt(Math.sqrt(between)), fmt(Math.sqrt(within)), fmt(share), fmt(p05), fmt(q(0.5)), fmt(p95),
    k > 0 ? (p05 < 0 && p95 > 0 ? "true" : "false") : "", g.scale];
}
