// The report's tables of effects: for each scenario (and sweep point) against the run's reference,
// effects.csv's rows at national scale, arranged for reading. Headline rows first: the policy
// window's metrics (from the first month the scenario differs from the reference, policyStart, to
// its last month: `<flow>_<FROM>_<TO>`, output/summary.ts taskMetrics), then the whole-run
// totals; every other row of all groups apart. Rows of one group (a metric name ending in the
// group's code in brackets, e.g. `abscond_per_1000_ti_years_2028-04_2035-12[VN]`) make the tables
// by nationality, by sector and by any other group, of the policy window's absconding rate and
// count (the whole run's where the window has no such rows).

import { NATIONALITY_CODES, SECTOR_CODES } from "../model/codes.js";
import type { EffectRow, RunData, Series } from "./data.js";

/** effects.csv's numbers of one row at national scale: counts divided by the scale, rates, shares and months as they are. */
export interface EffectLine {
  metric: string;
  /** What the metric counts, in words ("" where the metric name says it). */
  what: string;
  unit: string;
  n: number;
  scenario: number;
  reference: number;
  /** Mean paired difference, scenario - reference, and its 95% CI (NaN where the scales differ, see below). */
  diff: number;
  lo: number;
  hi: number;
  ratio: number;
  /**
   * False when the scenario and the reference ran at different scales (a run without --scale of
   * scenario files with different scales): a difference of simulated counts is then no national
   * figure, and diff, lo and hi are NaN.
   */
  sameScale: boolean;
}

/** The kinds of group a bracketed row can be of, in page order. */
export type GroupKind = "nationality" | "sector" | "other";

export interface GroupRow {
  /** The code in brackets, e.g. VN or manufacturing. */
  group: string;
  /** Absconding per 1,000 intern-years over the policy window, or over the whole run (SeriesEffects.groupMetrics). */
  rate?: EffectLine;
  /** Interns who absconded over the policy window, or over the whole run. */
  count?: EffectLine;
}

export interface GroupTable {
  kind: GroupKind;
  rows: GroupRow[];
}

/** A policy window: months FROM to TO, both included; metric names end in _FROM_TO. */
export interface PolicyWindow {
  from: string;
  to: string;
}

export interface SeriesEffects {
  series: Series;
  reference: string;
  /** The scenario's first month differing from the reference (Series.policyStart). */
  policyStart: string | undefined;
  /** The policy window effects.csv has rows of (FROM = policyStart), or undefined. */
  window: PolicyWindow | undefined;
  /** Rows of all groups: the policy window's, then the whole run's totals. */
  main: EffectLine[];
  /** The other rows of all groups (stocks, shares, months, other windows), in the file's order. */
  other: EffectLine[];
  /** Tables by group, only those with rows (nationality, then sector, then other groups). */
  groups: GroupTable[];
  /**
   * The metrics the group tables show (without the brackets): the policy window's absconding rate
   * and count (`window` set), else the whole run's (rate undefined when effects.csv has no rate by group).
   */
  groupMetrics: { window: PolicyWindow | undefined; rate: string | undefined; count: string } | undefined;
  /** How many rows of one group effects.csv has for this series (all metrics). */
  groupRowCount: number;
}

/** The flows counted over a window (output/summary.ts taskMetrics), in the order of the main table. */
export const WINDOW_METRICS = ["abscond_per_1000_ti_years", "abscond", "ti_job_change", "ti_to_ssw1", "return", "ti_years"] as const;
/** Whole-run totals (summary.csv), in the order of the main table. */
export const TOTAL_METRICS = [
  "abscond_per_1000_ti_years_total", "abscond_total", "ti_job_change_total", "ti_to_ssw1_total", "return_total", "onward_total", "deport_total", "ti_years_total",
] as const;

const WINDOW_WHAT: Record<(typeof WINDOW_METRICS)[number], string> = {
  abscond_per_1000_ti_years: "absconding per 1,000 intern-years",
  abscond: "interns who absconded",
  ti_job_change: "interns' legal transfers to another employer",
  ti_to_ssw1: "TI -> SSW1 transfers",
  return: "returns home",
  ti_years: "intern-years (month-end TI stocks / 12)",
};
const TOTAL_WHAT: Record<(typeof TOTAL_METRICS)[number], string> = {
  abscond_per_1000_ti_years_total: "absconding per 1,000 intern-years",
  abscond_total: "interns who absconded",
  ti_job_change_total: "interns' legal transfers to another employer",
  ti_to_ssw1_total: "TI -> SSW1 transfers",
  return_total: "returns home",
  onward_total: "onward moves",
  deport_total: "deportations",
  ti_years_total: "intern-years (month-end TI stocks / 12)",
};

/** Units that are counts (scaled to national figures); rates, shares and months are not. */
export const isCountUnit = (unit: string): boolean => unit === "agents" || unit === "person-years";

/** A metric name split into its name and group: `abscond_total[VN]` -> ["abscond_total", "VN"]; no brackets -> [metric, undefined]. */
export function splitGroup(metric: string): [string, string | undefined] {
  const m = /^(.*)\[([^\]]+)\]$/.exec(metric);
  return m ? [m[1]!, m[2]!] : [metric, undefined];
}

export function groupKind(group: string): GroupKind {
  if ((NATIONALITY_CODES as readonly string[]).includes(group)) return "nationality";
  if ((SECTOR_CODES as readonly string[]).includes(group)) return "sector";
  return "other";
}

/** The group tables' order of codes: the codes' own order, other groups alphabetically. */
function groupOrder(group: string): number {
  const nat = (NATIONALITY_CODES as readonly string[]).indexOf(group);
  if (nat >= 0) return nat;
  const sec = (SECTOR_CODES as readonly string[]).indexOf(group);
  return sec >= 0 ? sec : Infinity;
}

/** One effects.csv row at national scale; `referenceScale`: the reference's scale (its mean is of its own agents). */
export function nationalLine(r: EffectRow, referenceScale: number, what = ""): EffectLine {
  const count = isCountUnit(r.unit);
  const sameScale = !count || r.scale === referenceScale;
  const s = count ? r.scale : 1;
  const d = sameScale ? s : NaN;
  return {
    metric: r.metric, what, unit: r.unit, n: r.n,
    scenario: r.scenarioMean / s,
    reference: r.referenceMean / (count ? referenceScale : 1),
    diff: r.diffMean / d, lo: r.diffCi95Low / d, hi: r.diffCi95High / d,
    // The ratio of the simulated means is that of the national ones only at equal scales.
    ratio: sameScale ? r.ratio : NaN,
    sameScale,
  };
}

/** The months of a window metric `<flow>_<FROM>_<TO>`, or undefined. */
function windowOf(flow: string, metric: string): PolicyWindow | undefined {
  const m = new RegExp(`^${flow}_(\\d{4}-\\d{2})_(\\d{4}-\\d{2})$`).exec(metric);
  return m ? { from: m[1]!, to: m[2]! } : undefined;
}

/**
 * The policy window effects.csv has rows of for a series: FROM = its policy start, TO its last
 * month when such rows exist, else the latest TO with rows from FROM; undefined without such rows.
 */
export function findPolicyWindow(rows: readonly EffectRow[], from: string | undefined, last: string | undefined): PolicyWindow | undefined {
  if (from === undefined) return undefined;
  const tos = new Set<string>();
  for (const r of rows) {
    const [name] = splitGroup(r.metric);
    for (const f of WINDOW_METRICS) {
      const w = windowOf(f, name);
      if (w && w.from === from) tos.add(w.to);
    }
  }
  if (tos.size === 0) return undefined;
  const to = last !== undefined && tos.has(last) ? last : [...tos].sort().reverse()[0]!;
  return { from, to };
}

const label = (w: PolicyWindow): string => `${w.from}_${w.to}`;

/** What a metric of all groups counts, in words, within its window or over the whole run. */
function describe(metric: string, window: PolicyWindow | undefined): string {
  if (window) {
    for (const f of WINDOW_METRICS) if (metric === `${f}_${label(window)}`) return `${WINDOW_WHAT[f]}, ${window.from} to ${window.to}`;
  }
  if (metric in TOTAL_WHAT) return `${TOTAL_WHAT[metric as keyof typeof TOTAL_WHAT]}, whole run`;
  return "";
}

/** The tables of one series (a scenario, or one sweep point of it) against the reference. */
export function seriesEffects(run: Pick<RunData, "series" | "baseline">, s: Series, rows: readonly EffectRow[]): SeriesEffects {
  const mine = rows.filter((r) => r.scenario === s.scenario && r.point === s.point);
  const reference = mine[0]?.reference ?? run.baseline.scenario;
  const referenceScale = (run.series.find((x) => x.scenario === reference) ?? run.baseline).scale;
  const window = findPolicyWindow(mine, s.policyStart, s.dates[s.dates.length - 1]);
  const all = mine.filter((r) => splitGroup(r.metric)[1] === undefined);
  const byName = new Map(all.map((r) => [r.metric, r]));
  const headNames = [...(window ? WINDOW_METRICS.map((f) => `${f}_${label(window)}`) : []), ...TOTAL_METRICS];
  const main = headNames.filter((n) => byName.has(n)).map((n) => nationalLine(byName.get(n)!, referenceScale, describe(n, window)));
  const head = new Set(headNames);
  const other = all.filter((r) => !head.has(r.metric)).map((r) => nationalLine(r, referenceScale, describe(r.metric, window)));

  const grouped = mine.filter((r) => splitGroup(r.metric)[1] !== undefined);
  const has = (name: string): boolean => grouped.some((r) => splitGroup(r.metric)[0] === name);
  // The policy window's absconding rate and count by group, else the whole run's.
  let groupMetrics: SeriesEffects["groupMetrics"];
  if (window && (has(`abscond_per_1000_ti_years_${label(window)}`) || has(`abscond_${label(window)}`))) {
    groupMetrics = { window, rate: `abscond_per_1000_ti_years_${label(window)}`, count: `abscond_${label(window)}` };
  } else if (has("abscond_per_1000_ti_years_total") || has("abscond_total")) {
    groupMetrics = { window: undefined, rate: has("abscond_per_1000_ti_years_total") ? "abscond_per_1000_ti_years_total" : undefined, count: "abscond_total" };
  }
  const groups: GroupTable[] = [];
  if (groupMetrics) {
    const byGroup = new Map<string, GroupRow>();
    for (const r of grouped) {
      const [name, group] = splitGroup(r.metric) as [string, string];
      const col = name === groupMetrics.rate ? "rate" : name === groupMetrics.count ? "count" : undefined;
      if (!col) continue;
      const row = byGroup.get(group) ?? { group };
      row[col] = nationalLine(r, referenceScale);
      byGroup.set(group, row);
    }
    for (const kind of ["nationality", "sector", "other"] as const) {
      const list = [...byGroup.values()].filter((g) => groupKind(g.group) === kind)
        .sort((a, b) => groupOrder(a.group) - groupOrder(b.group) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
      if (list.length > 0) groups.push({ kind, rows: list });
    }
  }
  return { series: s, reference, policyStart: s.policyStart, window, main, other, groups, groupMetrics, groupRowCount: grouped.length };
}

/** More series than this get no tables of their own on the page (effects.csv has them all). */
export const MAX_EFFECT_SERIES = 12;

/** The tables of every series but the reference's (up to MAX_EFFECT_SERIES), in the run's order; [] without effects.csv. */
export function effectTables(run: Pick<RunData, "series" | "baseline" | "effects">): SeriesEffects[] {
  if (!run.effects) return [];
  return run.series.filter((s) => s.scenario !== run.baseline.scenario).slice(0, MAX_EFFECT_SERIES).map((s) => seriesEffects(run, s, run.effects!));
}
