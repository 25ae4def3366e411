// The report's charts as Vega-Lite specs (rendered to SVG by output/svg.ts, which the fit report
// shares). Every count is at national scale: simulated agents divided by the series' scale.
// Colours are fixed per scenario, so a scenario looks the same in every chart.

import type { TopLevelSpec } from "vega-lite";
import { NATIONALITY_CODES } from "../model/codes.js";
import { REFERENCE_SCENARIO } from "../output/summary.js";
import { IN_JAPAN_STATUSES, type MeanCi, type RunData, type Series, type TotalName, countMeanCi, meanCi, referenceSeries } from "./data.js";

export interface Chart {
  /** File-name-safe id (also the element id in the page and the --export-svg file name). */
  id: string;
  /** The page section the chart is shown in: "effects" beside the tables of effects, else the charts section. */
  section?: "effects";
  title: string;
  /** What the chart shows and how to read it (plain text). */
  caption: string;
  spec: TopLevelSpec;
}

/** More series than this make unreadable charts; the summary table still lists them all. */
export const MAX_CHART_SERIES = 12;

const PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac", "#1b9e77", "#7570b3"];
const OBSERVED = "observed";

export const NATIONALITY_NAMES: Record<string, string> = {
  VN: "Viet Nam", CN: "China", ID: "Indonesia", PH: "Philippines", MM: "Myanmar", KH: "Cambodia", OTHER: "other",
};
export const STATUS_NAMES: Record<string, string> = {
  TI: "TI (technical intern)", SSW1: "SSW1", SSW2: "SSW2", SIE: "SIE (Engineer/Humanities)", IRREGULAR: "irregular",
  ASYLUM: "asylum applicant", PR: "permanent resident", DETAINED: "detained", PROVISIONAL: "provisional release",
  DESIGNATED: "designated activities",
};
const ALL_IN_JAPAN = "all statuses";
const SHORT_STATUS_NAMES: Record<string, string> = {
  TI: "TI", SSW1: "SSW1", SSW2: "SSW2", SIE: "SIE", IRREGULAR: "irregular", ASYLUM: "asylum applicants", PR: "permanent residents",
  DETAINED: "detained", PROVISIONAL: "provisional release", DESIGNATED: "designated activities",
};
const TOTAL_NAMES: Record<TotalName, string> = {
  abscond_total: "abscondings (whole run)",
  ti_to_ssw1_total: "TI -> SSW1 transfers (whole run)",
  return_total: "returns home (whole run)",
  onward_total: "onward moves (whole run)",
  deport_total: "deportations (whole run)",
};

const CONFIG = {
  background: "white",
  font: "Helvetica, Arial, sans-serif",
  title: { anchor: "start", fontSize: 15, subtitleFontSize: 11, subtitleColor: "#555", offset: 10 },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: "normal", grid: true, gridColor: "#eee" },
  header: { labelFontSize: 12, labelFontWeight: "bold", title: null },
  // labelLimit: a sweep point's label names its swept values (data.ts, sweepLabel); Vega's
  // default (160 px) would cut them to "risky: abscondBaseHaz...".
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "right", labelLimit: 600 },
  view: { stroke: "#ccc" },
} as const;

/** Milliseconds since 1970 (UTC) of the first day of a YYYY-MM month: charts use a UTC time scale, so the output does not depend on the time zone. */
const utcMonth = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, 1);
const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
const min = (v: number[]): number => Math.min(...v);
const max = (v: number[]): number => Math.max(...v);
const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** The series shown in charts: all of them, up to MAX_CHART_SERIES, with the baseline first if it would be cut. */
export function chartSeries(run: RunData): Series[] {
  if (run.series.length <= MAX_CHART_SERIES) return run.series;
  const rest = run.series.filter((s) => s !== run.baseline);
  return [run.baseline, ...rest.slice(0, MAX_CHART_SERIES - 1)];
}

function colour(series: Series[], extra: string[] = []): { domain: string[]; range: string[] } {
  const domain = series.map((s) => s.label);
  return { domain: [...domain, ...extra], range: [...domain.map((_, k) => PALETTE[k % PALETTE.length]!), ...extra.map(() => "#000000")] };
}

/** Legend of line charts: coloured strokes at full opacity (not the faint band colour). */
const LINE_LEGEND = { symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 3 } as const;

/** How many replicates the series have, e.g. "5", or "3-5" when they differ. */
const replicateCount = (series: Series[]): string => {
  const counts = [...new Set(series.map((s) => s.replicates.length))];
  return counts.length === 1 ? String(counts[0]) : `${Math.min(...counts)}-${Math.max(...counts)}`;
};

const replicatesNote = (series: Series[]): string => {
  const n = replicateCount(series);
  return n === "1" ? "1 replicate (no band)" : `mean of ${n} replicates (line) and their range (band)`;
};

/** Runs a spec's date span, e.g. "2017-01 to 2035-12". */
const span = (s: Series): string => `${s.dates[0]} to ${s.dates[s.dates.length - 1]}`;

/** 1. People in Japan by status, month by month, per scenario. */
export function stocksChart(run: RunData): Chart {
  const series = chartSeries(run);
  const values: Record<string, string | number>[] = [];
  for (const s of series) {
    // Each in-Japan status, and their total (which fills the eighth cell of the 4 x 2 grid).
    const all = s.replicates.map((_, r) => s.dates.map((_, t) => IN_JAPAN_STATUSES.reduce((a, st) => a + s.stocks.get(st)![r]![t]!, 0)));
    const panels: [string, number[][]][] = [...IN_JAPAN_STATUSES.map((st) => [STATUS_NAMES[st] ?? st, s.stocks.get(st)!] as [string, number[][]]), [ALL_IN_JAPAN, all]];
    for (const [panel, byRep] of panels) {
      for (let t = 0; t < s.dates.length; t++) {
        const v = byRep.map((r) => r[t]! / s.scale);
        values.push({ scenario: s.label, status: panel, t: utcMonth(s.dates[t]!), mean: round(avg(v)), lo: round(min(v)), hi: round(max(v)) });
      }
    }
  }
  const x = { field: "t", type: "temporal", scale: { type: "utc" }, title: "month", axis: { format: "%Y", tickCount: 6 } } as const;
  const color = { field: "scenario", type: "nominal", title: "scenario", scale: colour(series), legend: { ...LINE_LEGEND, orient: "top" } } as const;
  return {
    id: "stocks-by-status",
    title: "People in Japan by residence status",
    caption: `Stock at the end of each month by residence status, and all of them together (last panel, "all statuses"), ${replicatesNote(series)}, at national scale (simulated agents divided by the run's scale). Panels have their own vertical scales.`,
    spec: {
      config: CONFIG,
      title: { text: "People in Japan by residence status", subtitle: `people at the end of each month, national scale; ${replicatesNote(series)}` },
      data: { values },
      columns: 4,
      facet: { field: "status", type: "nominal", sort: [...IN_JAPAN_STATUSES.map((s) => STATUS_NAMES[s] ?? s), ALL_IN_JAPAN], title: null },
      spec: {
        width: 170,
        height: 120,
        layer: [
          { mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "lo", type: "quantitative", title: "people" }, y2: { field: "hi" }, color } },
          { mark: { type: "line", strokeWidth: 1.6 }, encoding: { x, y: { field: "mean", type: "quantitative", title: "people" }, color } },
        ],
      },
      resolve: { scale: { y: "independent" } },
    } satisfies TopLevelSpec,
  };
}

/**
 * 2. Abscondings over the whole run by nationality, per scenario, with 95% CIs across replicates:
 * counts, so the interval is the log-scale one that never goes below 0 (countMeanCi).
 */
export function abscondChart(run: RunData): Chart {
  const series = chartSeries(run);
  const values: Record<string, string | number>[] = [];
  for (const s of series) {
    for (const nat of NATIONALITY_CODES) {
      const c = countMeanCi(s.abscondByNationality.get(nat)!.map((x) => x / s.scale));
      values.push({ scenario: s.label, nationality: NATIONALITY_NAMES[nat] ?? nat, mean: round(c.mean), lo: round(c.lo), hi: round(c.hi), n: c.n });
    }
  }
  const b = run.baseline;
  const x = { field: "nationality", type: "nominal", sort: NATIONALITY_CODES.map((n) => NATIONALITY_NAMES[n] ?? n), title: "nationality", axis: { labelAngle: 0 } } as const;
  const xOffset = { field: "scenario", type: "nominal", sort: series.map((s) => s.label) } as const;
  const title = "Technical interns who absconded, by nationality";
  // The log-scale interval of a small, noisy count is long above its mean (with 2 replicates, t
  // with 1 degree of freedom is 12.7, and exp(12.7) is 330,000): one such interval would flatten
  // every bar. The chart then stops at 3 times the largest mean and cuts what runs above it (the
  // data keep the whole interval; the caption says so).
  const topMean = Math.max(0, ...values.map((v) => Number(v.mean)).filter(Number.isFinite));
  const cut = topMean > 0 && values.some((v) => Number(v.hi) > 3 * topMean);
  // clamp, not a mark's clip: Vega's clip paths are url(#clipN) references numbered per process.
  const yScale = cut ? { scale: { domain: [0, round(3 * topMean)], nice: false, clamp: true } } : {};
  return {
    id: "abscond-by-nationality",
    title,
    caption: `Interns who left their employer without permission (TI -> irregular) over the whole run (${span(b)}), mean of the replicates with the 95% confidence interval of the mean (black lines; built on the log scale, so it never goes below 0 and is longer above the mean than below), at national scale.${cut ? " Intervals that reach above 3 times the largest mean are cut at the top of the chart (few replicates make them very long)." : ""}`,
    spec: {
      config: CONFIG,
      title: { text: title, subtitle: `total ${span(b)}, national scale; mean of replicates with 95% CI${cut ? " (long intervals cut at the top)" : ""}` },
      data: { values },
      width: 640,
      height: 260,
      encoding: { x, xOffset },
      layer: [
        { mark: { type: "bar" }, encoding: { y: { field: "mean", type: "quantitative", title: "interns who absconded (national scale)", ...yScale }, color: { field: "scenario", type: "nominal", title: "scenario", scale: colour(series) } } },
        { mark: { type: "rule", color: "black", strokeWidth: 1.2 }, encoding: { y: { field: "lo", type: "quantitative", ...yScale }, y2: { field: "hi" } } },
      ],
    } satisfies TopLevelSpec,
  };
}

/** Calendar years a series covers from January to December. */
function completeYears(s: Series): Set<number> {
  const months = new Set(s.dates);
  const years = new Set(s.dates.map((d) => Number(d.slice(0, 4))));
  return new Set([...years].filter((y) => months.has(`${y}-01`) && months.has(`${y}-12`)));
}

/** 3. TI -> SSW1 transfers and returns home from TI, per calendar year. */
export function tiExitsChart(run: RunData): Chart {
  const series = chartSeries(run);
  const values: Record<string, string | number>[] = [];
  const flows = ["TI -> SSW1 transfers", "TI -> returned home"] as const;
  let partial = false;
  for (const s of series) {
    let years = completeYears(s);
    if (years.size === 0) {
      years = new Set(s.dates.map((d) => Number(d.slice(0, 4))));
      partial = true;
    }
    for (const year of [...years].sort((a, b) => a - b)) {
      const y = s.tiExitsByYear.get(year);
      for (const flow of flows) {
        const per = (y ? (flow === flows[0] ? y.toSsw1 : y.returned) : s.replicates.map(() => 0)).map((x) => x / s.scale);
        values.push({ scenario: s.label, flow, year, mean: round(avg(per)), lo: round(min(per)), hi: round(max(per)) });
      }
    }
  }
  const x = { field: "year", type: "quantitative", title: "year", scale: { zero: false, nice: false }, axis: { format: "d", tickMinStep: 1 } } as const;
  const color = { field: "scenario", type: "nominal", title: "scenario", scale: colour(series), legend: LINE_LEGEND } as const;
  const title = "Technical interns moving to SSW1 or going home, per year";
  return {
    id: "ti-transfers-returns",
    title,
    caption: `People leaving technical intern status each calendar year: transfers to Specified Skilled Worker (i) and returns home from TI, ${replicatesNote(series)}, at national scale. ${partial ? "The run covers no whole calendar year, so its partial years are shown." : "Only whole calendar years are shown."}`,
    spec: {
      config: CONFIG,
      title: { text: title, subtitle: `people per calendar year, national scale; ${replicatesNote(series)}` },
      data: { values },
      columns: 2,
      facet: { field: "flow", type: "nominal", sort: [...flows], title: null },
      spec: {
        width: 330,
        height: 200,
        layer: [
          { mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "lo", type: "quantitative", title: "people per year (national scale)" }, y2: { field: "hi" }, color } },
          { mark: { type: "line", point: { size: 18 }, strokeWidth: 1.6 }, encoding: { x, y: { field: "mean", type: "quantitative", title: "people per year (national scale)" }, color } },
        ],
      },
      resolve: { scale: { y: "independent" } },
    } satisfies TopLevelSpec,
  };
}

/** The panels of the legal transfers and absconding chart, in page order (the first carries the ESD label). */
export const TI_LEAVING_FLOWS = ["legal transfers (TI -> another employer)", "absconding (TI -> irregular)"] as const;

/**
 * 4. Interns' legal transfers against absconding, month by month: one panel per flow with a line
 * per scenario, on one vertical scale, so a scenario's transfers can be read against its
 * absconding, and each scenario against the others, at a glance (seven scenarios as small
 * multiples would need seven panels to be compared across). Lines only, with no band for the
 * range across replicates: seven overlapping bands would hide the lines. A dashed rule marks each
 * month a shown scenario's policy switches Employment for Skill Development on (Series.esdStart),
 * within the run's months; none without such a step.
 */
export function tiLeavingChart(run: RunData): Chart {
  const series = chartSeries(run);
  const values: Record<string, string | number>[] = [];
  for (const s of series) {
    const panels: [string, number[][]][] = [[TI_LEAVING_FLOWS[0], s.tiTransfersByMonth], [TI_LEAVING_FLOWS[1], s.abscondsByMonth]];
    for (const [flow, byRep] of panels) {
      for (let t = 0; t < s.dates.length; t++) {
        values.push({ kind: "count", scenario: s.label, flow, t: utcMonth(s.dates[t]!), mean: round(avg(byRep.map((r) => r[t]! / s.scale))) });
      }
    }
  }
  // ESD start month -> the shown scenarios it starts in; months outside a scenario's run are not marked.
  const esd = new Map<string, string[]>();
  for (const s of series) {
    if (s.esdStart === undefined || !s.dates.includes(s.esdStart)) continue;
    esd.set(s.esdStart, [...(esd.get(s.esdStart) ?? []), s.label]);
  }
  const esdMonths = [...esd.keys()].sort();
  // The rule's rows go in the facet's data (a faceted layer cannot have data of its own), once per panel.
  for (const month of esdMonths) {
    for (const flow of TI_LEAVING_FLOWS) values.push({ kind: "esd", flow, t: utcMonth(month), label: flow === TI_LEAVING_FLOWS[0] ? `ESD from ${month}` : "" });
  }
  const x = { field: "t", type: "temporal", scale: { type: "utc" }, title: "month", axis: { format: "%Y", tickCount: 8 } } as const;
  const yTitle = "people per month (national scale)";
  const color = { field: "scenario", type: "nominal", title: "scenario", scale: colour(series), legend: LINE_LEGEND } as const;
  const title = "Interns' legal transfers against absconding, month by month";
  const reps = replicateCount(series);
  const unmarked = series.filter((s) => !esd.get(s.esdStart ?? "")?.includes(s.label)).map((s) => s.label);
  const esdNote = esdMonths.length === 0
    ? "No scenario shown has a policy step that switches Employment for Skill Development (ESD) on within the run's months, so no month is marked."
    : `The dashed line marks the month a policy step switches Employment for Skill Development (ESD) on: ${esdMonths.map((mo) => `${mo} (${esd.get(mo)!.join(", ")})`).join("; ")}${unmarked.length > 0 ? `; no mark for ${unmarked.join(", ")}, where no step switches it on within the run's months` : ""}.`;
  return {
    id: "ti-transfers-vs-abscond",
    title,
    caption: `Technical interns leaving their employer each month, from flows.csv: legal transfers are job_change events of interns (a move to another employer with the status kept: TITP's 'unavoidable' transfers, transfers an underpaid intern asks for, and ESD trainees' own-will changes after their wait), absconding is abscond events (TI -> irregular); moves to SSW1 and returns home are not counted here. Each month's value is the ${reps === "1" ? "count in the run's single replicate" : `mean over the ${reps} replicates`}, divided by the run's scale (national scale); lines only, as bands for the range across replicates would hide the lines. Both panels share the vertical scale. ${esdNote}`,
    spec: {
      config: CONFIG,
      title: { text: title, subtitle: `people per month, national scale; ${reps === "1" ? "1 replicate" : `mean of ${reps} replicates`}` },
      data: { values },
      columns: 1,
      facet: { field: "flow", type: "nominal", sort: [...TI_LEAVING_FLOWS], title: null },
      spec: {
        width: 700,
        height: 170,
        layer: [
          { transform: [{ filter: "datum.kind === 'count'" }], mark: { type: "line", strokeWidth: 1.3 }, encoding: { x, y: { field: "mean", type: "quantitative", title: yTitle }, color } },
          { transform: [{ filter: "datum.kind === 'esd'" }], mark: { type: "rule", color: "#666", strokeDash: [5, 3], strokeWidth: 1.2 }, encoding: { x } },
          { transform: [{ filter: "datum.kind === 'esd' && datum.label !== ''" }], mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 3, fontSize: 10, color: "#444" }, encoding: { x, y: { value: 0 }, text: { field: "label" } } },
        ],
      },
    } satisfies TopLevelSpec,
  };
}

/** A comparison of one scenario with the baseline on one metric: % change, paired by replicate. */
export interface Comparison {
  scenario: string;
  metric: string;
  ci: MeanCi;
}

/**
 * Each series against the baseline: per replicate r, 100 * (x_s,r / x_base,r - 1) at national
 * scale, then the mean and 95% CI over replicates. Replicate r of every scenario uses the same
 * seed (common random numbers), so pairing removes most of the noise the scenarios share.
 * Metrics: the stock of each in-Japan status at the last month both cover, and the run totals.
 * Pairs where the baseline is 0 are dropped (no ratio); a metric with no pair is left out.
 */
export function compareWithBaseline(run: RunData): Comparison[] {
  const b = run.baseline;
  const out: Comparison[] = [];
  for (const s of chartSeries(run)) {
    if (s === b) continue;
    const pairs = s.replicates.map((rep, k) => [k, b.replicates.indexOf(rep)] as const).filter(([, kb]) => kb >= 0);
    const common = b.dates.filter((d) => s.dates.includes(d));
    const last = common[common.length - 1];
    const metrics: [string, (x: Series, k: number) => number][] = [];
    if (last !== undefined) {
      for (const st of IN_JAPAN_STATUSES) {
        metrics.push([`${SHORT_STATUS_NAMES[st] ?? st} in Japan, ${last}`, (x, k) => x.stocks.get(st)![k]![x.dates.indexOf(last)]! / x.scale]);
      }
    }
    for (const t of Object.keys(TOTAL_NAMES) as TotalName[]) metrics.push([TOTAL_NAMES[t], (x, k) => x.totals[t][k]! / x.scale]);
    for (const [metric, get] of metrics) {
      const ratios = pairs.map(([ks, kb]) => ({ v: get(s, ks), base: get(b, kb) })).filter((p) => p.base !== 0).map((p) => 100 * (p.v / p.base - 1));
      const ci = meanCi(ratios);
      if (ci.n > 0) out.push({ scenario: s.label, metric, ci });
    }
  }
  return out;
}

/** 5. Each scenario against the baseline, with 95% CIs (undefined when there is only one series). */
export function baselineChart(run: RunData): Chart | undefined {
  const cmp = compareWithBaseline(run);
  if (cmp.length === 0) return undefined;
  const series = chartSeries(run).filter((s) => s !== run.baseline);
  const values = cmp.map((c) => ({ scenario: c.scenario, metric: c.metric, mean: round(c.ci.mean), lo: round(c.ci.lo), hi: round(c.ci.hi), n: c.ci.n }));
  const metrics = [...new Set(cmp.map((c) => c.metric))];
  const y = { field: "metric", type: "nominal", sort: metrics, title: null, axis: { labelLimit: 320 } } as const;
  const yOffset = { field: "scenario", type: "nominal", sort: series.map((s) => s.label) } as const;
  const xTitle = `change against ${run.baseline.label} (%)`;
  const colourScale = { domain: series.map((s) => s.label), range: series.map((s) => PALETTE[run.series.indexOf(s) % PALETTE.length]!) };
  const title = `Each scenario against ${run.baseline.label}`;
  return {
    id: "scenarios-vs-baseline",
    title,
    caption: `Percentage change from ${run.baseline.label} on each headline measure at national scale, computed replicate by replicate (replicate r of every scenario shares its random numbers with replicate r of ${run.baseline.label}), then averaged: dot = mean, line = 95% confidence interval of the mean over replicates. An interval that does not cross 0 is a difference the replicates resolve. Measures where ${run.baseline.label} is 0 are left out.`,
    spec: {
      config: CONFIG,
      title: { text: title, subtitle: "% change, paired by replicate (common random numbers); mean with 95% CI" },
      data: { values },
      width: 420,
      height: { step: Math.max(18, 12 * series.length + 6) }, // per measure, split between the scenarios
      layer: [
        { mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: "quantitative" } } },
        { mark: { type: "rule", strokeWidth: 1.6 }, encoding: { y, yOffset, x: { field: "lo", type: "quantitative", title: xTitle }, x2: { field: "hi" }, color: { field: "scenario", type: "nominal", title: "scenario", scale: colourScale } } },
        { mark: { type: "point", filled: true, size: 40 }, encoding: { y, yOffset, x: { field: "mean", type: "quantitative", title: xTitle }, color: { field: "scenario", type: "nominal", title: "scenario", scale: colourScale } } },
      ],
    } satisfies TopLevelSpec,
  };
}

/** The measures of the difference-over-time charts, in panel order (the first carries the policy start's label). */
export const DIFFERENCE_MEASURES = ["absconding per month", "interns' legal transfers per month", "technical interns in Japan (end of month)"] as const;
type DifferenceMeasure = (typeof DIFFERENCE_MEASURES)[number];

/** Each measure's [replicate][month] values in a series, simulated agents. */
const DIFFERENCE_VALUES: Record<DifferenceMeasure, (s: Series) => number[][]> = {
  "absconding per month": (s) => s.abscondsByMonth,
  "interns' legal transfers per month": (s) => s.tiTransfersByMonth,
  "technical interns in Japan (end of month)": (s) => s.stocks.get("TI")!,
};

/** One month of a paired difference: mean over the pairs and its 95% CI (Student t). */
export interface DifferencePoint extends MeanCi {
  date: string;
}

/**
 * The paired difference `s` - `ref` month by month at national scale: for each replicate number
 * both have (common random numbers: replicate r of every scenario draws the same numbers), the
 * scenario's value / its scale minus the reference's / its scale, then the mean and the Student t
 * 95% CI of the mean over the pairs (meanCi: a difference can be negative). Months both have,
 * in the scenario's order; months without a pair are left out.
 */
export function monthlyDifference(s: Series, ref: Series, values: (x: Series) => number[][]): DifferencePoint[] {
  const pairs = s.replicates.map((rep, k) => [k, ref.replicates.indexOf(rep)] as const).filter(([, kb]) => kb >= 0);
  const refMonth = new Map(ref.dates.map((d, t) => [d, t]));
  const a = values(s);
  const b = values(ref);
  const out: DifferencePoint[] = [];
  s.dates.forEach((date, t) => {
    const tr = refMonth.get(date);
    if (tr === undefined || pairs.length === 0) return;
    const ci = meanCi(pairs.map(([k, kb]) => a[k]![t]! / s.scale - b[kb]![tr]! / ref.scale));
    if (ci.n > 0) out.push({ date, ...ci });
  });
  return out;
}

/** A chart id from a scenario name: lower case letters, digits and dashes. */
const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "scenario";

/**
 * 7. One scenario minus the reference, month by month (monthlyDifference): absconding, interns'
 * legal transfers and the TI stock, one panel each, a line per sweep point paired with the
 * reference (as effects.csv pairs them, referenceSeries) with the 95% CI band, and a vertical
 * rule at the policy start (Series.policyStart) when it falls after the first month shown.
 * Undefined when no series of the scenario is shown or pairs with the reference.
 */
export function differenceChart(run: RunData, scenario: string, id = `difference-${slug(scenario)}`): Chart | undefined {
  const shown = chartSeries(run);
  const series = shown.filter((s) => s.scenario === scenario && referenceSeries(run, s) !== undefined);
  if (series.length === 0) return undefined;
  const refName = run.baseline.scenario;
  const values: Record<string, string | number>[] = [];
  const months = new Set<string>();
  for (const s of series) {
    const ref = referenceSeries(run, s)!;
    for (const measure of DIFFERENCE_MEASURES) {
      for (const p of monthlyDifference(s, ref, DIFFERENCE_VALUES[measure])) {
        months.add(p.date);
        values.push({ kind: "diff", scenario: s.label, measure, t: utcMonth(p.date), mean: round(p.mean), lo: round(p.lo), hi: round(p.hi) });
      }
    }
  }
  const sorted = [...months].sort();
  const [first, last] = [sorted[0], sorted[sorted.length - 1]];
  // The rule's and the zero line's rows go in the facet's data (a faceted layer cannot have data of its own), once per panel.
  for (const measure of DIFFERENCE_MEASURES) values.push({ kind: "zero", measure });
  const start = series[0]!.policyStart;
  const marked = start !== undefined && first !== undefined && start > first && start <= last!;
  if (marked) {
    for (const measure of DIFFERENCE_MEASURES) values.push({ kind: "start", measure, t: utcMonth(start), label: measure === DIFFERENCE_MEASURES[0] ? `policy from ${start}` : "" });
  }
  const reps = replicateCount(series);
  const one = reps === "1";
  const swept = series.some((s) => Object.keys(s.sweep).length > 0);
  const startNote = marked
    ? `The vertical line marks the policy start, ${start}: the first month ${scenario} differs from ${refName} (a policy step, a parameter or a series value), where its policy window begins; ${swept ? "its swept values differ from the first month, so the difference need not be 0 before it." : "before it the two ran the same rules with the same random numbers, so the difference is 0."}`
    : refName !== (run.manifest.spec.reference ?? REFERENCE_SCENARIO)
      ? `No policy start is marked: the run has no reference scenario (one named ${REFERENCE_SCENARIO}, or --reference NAME), so it counts no policy windows; ${refName}, its first scenario, stands in for one here.`
      : `No policy start is marked: ${scenario} does not differ from ${refName} by a dated change within the run's months; it differs from its first month (by its parameters${swept ? " or swept values" : ""}), or not at all.`;
  const ids = series.map((s) => s.label);
  const colourScale = { domain: ids, range: series.map((s) => PALETTE[shown.indexOf(s) % PALETTE.length]!) };
  const color = { field: "scenario", type: "nominal", title: "scenario", scale: colourScale, legend: LINE_LEGEND } as const;
  // Whole years on the axis when the run spans several; months otherwise (years would repeat).
  const years = first !== undefined && Number(last!.slice(0, 4)) - Number(first.slice(0, 4)) >= 4;
  const x = { field: "t", type: "temporal", scale: { type: "utc" }, title: "month", axis: { format: years ? "%Y" : "%Y-%m", tickCount: 8 } } as const;
  // Short: a rotated title longer than the panel is tall would push the panels apart.
  const yTitle = "difference (people)";
  const yAxis = { format: ",~r" } as const;
  const title = `${scenario} minus ${refName}, month by month`;
  const band = one ? "" : ", band = 95% confidence interval of that mean (Student t)";
  return {
    id,
    section: "effects",
    title,
    caption: `The paired difference ${scenario} - ${refName} each month, at national scale: for each replicate r, ${scenario}'s value divided by its scale minus the value of ${refName}'s replicate r (which drew the same random numbers) divided by its scale; line = mean over ${one ? "the run's single pair (no band)" : `the ${reps} pairs`}${band}${swept ? `; a line per sweep point, each paired with ${refName}'s point as effects.csv pairs them` : ""}. Absconding: abscond events (TI -> irregular) per month; legal transfers: job_change events of interns (TI -> TI, another employer) per month; from flows.csv. Technical interns: the TI stock at the end of each month, from timeseries.csv. Panels have their own vertical scales. ${startNote}`,
    spec: {
      config: CONFIG,
      title: { text: title, subtitle: `${scenario} - ${refName}, people per month (stock: people), national scale; ${one ? "1 replicate" : `mean of ${reps} paired replicates with 95% CI`}${marked ? `; policy from ${start}` : ""}` },
      data: { values },
      columns: 1,
      facet: { field: "measure", type: "nominal", sort: [...DIFFERENCE_MEASURES], title: null },
      spec: {
        width: 700,
        height: 150,
        layer: [
          { transform: [{ filter: "datum.kind === 'zero'" }], mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { y: { datum: 0, type: "quantitative" } } },
          { transform: [{ filter: "datum.kind === 'diff'" }], mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle, axis: yAxis }, y2: { field: "hi" }, color } },
          { transform: [{ filter: "datum.kind === 'diff'" }], mark: { type: "line", strokeWidth: 1.4 }, encoding: { x, y: { field: "mean", type: "quantitative", title: yTitle, axis: yAxis }, color } },
          { transform: [{ filter: "datum.kind === 'start'" }], mark: { type: "rule", color: "#333", strokeDash: [5, 3], strokeWidth: 1.3 }, encoding: { x } },
          { transform: [{ filter: "datum.kind === 'start' && datum.label !== ''" }], mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 3, fontSize: 10, color: "#333" }, encoding: { x, y: { value: 0 }, text: { field: "label" } } },
        ],
      },
      resolve: { scale: { y: "independent" } },
    } satisfies TopLevelSpec,
  };
}

/** The difference-over-time charts: one per scenario other than the reference that has a shown, paired series, in the run's order; ids unique. */
export function differenceCharts(run: RunData): Chart[] {
  const names = [...new Set(chartSeries(run).map((s) => s.scenario))].filter((n) => n !== run.baseline.scenario);
  const used = new Set<string>();
  const out: Chart[] = [];
  for (const name of names) {
    let id = `difference-${slug(name)}`;
    for (let k = 2; used.has(id); k++) id = `difference-${slug(name)}-${k}`;
    const c = differenceChart(run, name, id);
    if (!c) continue;
    used.add(id);
    out.push(c);
  }
  return out;
}

/** 6. Simulated TI stock against the observed one (data/observed/ti_stock.csv); undefined without observations in the run's span. */
export function tiObservedChart(run: RunData): Chart | undefined {
  const series = chartSeries(run);
  const first = series.map((s) => s.dates[0]!).sort()[0]!;
  const last = series.map((s) => s.dates[s.dates.length - 1]!).sort().reverse()[0]!;
  const observed = run.observedTi.filter((o) => o.date >= first && o.date <= last);
  if (observed.length === 0) return undefined;
  const values: Record<string, string | number>[] = [];
  for (const s of series) {
    const byRep = s.stocks.get("TI")!;
    for (let t = 0; t < s.dates.length; t++) {
      const v = byRep.map((r) => r[t]! / s.scale);
      values.push({ scenario: s.label, t: utcMonth(s.dates[t]!), mean: round(avg(v)), lo: round(min(v)), hi: round(max(v)) });
    }
  }
  const obs = observed.map((o) => ({ scenario: OBSERVED, t: utcMonth(o.date), count: o.count, source: o.source }));
  const x = { field: "t", type: "temporal", scale: { type: "utc" }, title: "month", axis: { format: "%Y" } } as const;
  const yTitle = "technical interns (national scale)";
  const color = { field: "scenario", type: "nominal", title: "scenario", scale: colour(series, [OBSERVED]), legend: { symbolOpacity: 1 } } as const;
  const title = "Technical interns in Japan: simulated and observed";
  return {
    id: "ti-stock-observed",
    title,
    caption: `Technical interns in Japan at the end of each month, ${replicatesNote(series)}, at national scale, against the published stocks in data/observed/ti_stock.csv (black dots, all nationalities; sources in that file).`,
    spec: {
      config: CONFIG,
      title: { text: title, subtitle: `simulated: ${replicatesNote(series)}; observed: data/observed/ti_stock.csv` },
      width: 560,
      height: 260,
      layer: [
        { data: { values }, mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" }, color } },
        { data: { values }, mark: { type: "line", strokeWidth: 1.6 }, encoding: { x, y: { field: "mean", type: "quantitative", title: yTitle }, color } },
        { data: { values: obs }, mark: { type: "point", filled: true, size: 45, opacity: 1 }, encoding: { x, y: { field: "count", type: "quantitative", title: yTitle }, color } },
      ],
    } satisfies TopLevelSpec,
  };
}

export interface ChartSet {
  charts: Chart[];
  /** Why a chart is missing or cut, to show on the page. */
  notes: string[];
}

/** The report's charts in page order. */
export function buildCharts(run: RunData): ChartSet {
  const notes: string[] = [];
  if (run.series.length > MAX_CHART_SERIES) {
    notes.push(`The run has ${run.series.length} scenario and sweep-point series; charts show ${MAX_CHART_SERIES} of them (${run.baseline.label} and the first ${MAX_CHART_SERIES - 1} others). The summary table lists all.`);
  }
  const charts: Chart[] = [...differenceCharts(run), stocksChart(run), abscondChart(run), tiExitsChart(run), tiLeavingChart(run)];
  const vs = baselineChart(run);
  if (vs) charts.push(vs);
  else notes.push(`No comparison with a baseline: the run has a single scenario (${run.baseline.label}); run it with another scenario to get one.`);
  const obs = tiObservedChart(run);
  if (obs) charts.push(obs);
  else notes.push("No simulated-against-observed chart: data/observed/ti_stock.csv has no figure in the run's span.");
  return { charts, notes };
}
