// The fit report: every target, observed against the simulated replicate mean with its 95%
// interval (t-based over replicates) and the replicates' range, as fit.csv plus a chart (fit.svg).

import { join } from "node:path";
import { mean, sampleStandardDeviation } from "simple-statistics";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../output/atomic.js";
import { writeCsvAtomic } from "../output/csv.js";
import { tHalfWidth95 } from "../output/summary.js";
import { renderSvg } from "../output/svg.js";
import { type Target, isWindowMetric, isYearlyMetric, scaledError, targetDistance } from "./targets.js";

export const FIT_COLUMNS = [
  "metric", "nationality", "date", "observed", "simulated_mean", "ci95_low", "ci95_high", "replicate_min", "replicate_max",
  "replicates", "relative_error", "tolerance", "scaled_error", "within_tolerance", "weight", "source",
] as const;

export interface FitRow {
  target: Target;
  /** Simulated values of the replicates (NaN where the run does not cover the target). */
  values: number[];
  mean: number;
  low: number;
  high: number;
  min: number;
  max: number;
  /** "yes", "no", or "not simulated" (outside the run's months). */
  within: string;
}

/** One row per target from the replicates' simulated values ([replicate][target]). */
export function fitRows(targets: readonly Target[], replicates: readonly ArrayLike<number>[]): FitRow[] {
  return targets.map((t, k) => {
    const values = replicates.map((r) => r[k]!);
    if (values.some((v) => Number.isNaN(v)) || values.length === 0) {
      return { target: t, values, mean: NaN, low: NaN, high: NaN, min: NaN, max: NaN, within: "not simulated" };
    }
    const m = mean(values);
    const half = values.length > 1 ? tHalfWidth95(sampleStandardDeviation(values), values.length) : NaN;
    return {
      target: t, values, mean: m, low: m - half, high: m + half, min: Math.min(...values), max: Math.max(...values),
      within: Math.abs(scaledError(t, m)) <= 1 ? "yes" : "no",
    };
  });
}

/** Distance of the replicate means (the quantity the best fit minimises). */
export function fitDistance(rows: readonly FitRow[]): number {
  return targetDistance(rows.map((r) => r.target), rows.map((r) => r.mean));
}

const round = (v: number, digits: number): number | string => (Number.isNaN(v) ? "" : Number(v.toPrecision(digits)));

export function writeFitCsv(dir: string, rows: readonly FitRow[]): string {
  const path = join(dir, "fit.csv");
  writeCsvAtomic(path, FIT_COLUMNS, rows.map((r) => {
    const t = r.target;
    const simulated = !Number.isNaN(r.mean);
    return [
      t.metric, t.nationality, t.date, t.observed, round(r.mean, 6), round(r.low, 6), round(r.high, 6), round(r.min, 6), round(r.max, 6),
      r.values.length, simulated ? round(r.mean / t.observed - 1, 4) : "", t.tolerance, simulated ? round(scaledError(t, r.mean), 4) : "",
      r.within, t.weight, t.source,
    ];
  }));
  return path;
}

const PANEL: Record<string, string> = {
  ti_stock: "Technical interns (stock)", ti3_stock: "Technical interns in TI-3 (stock)", ssw1_stock: "SSW (i) holders (stock)", sie_stock: "Engineer/Specialist (SIE) stock",
  ti_missing: "Interns missing per year", ti_missing_share: "Nationality's share of the missing interns",
  irregular_stock: "Absconded interns without a status (stock)", ti_asylum_applications: "Refugee applications by interns per year",
  ti_removal_procedures: "Removal procedures of former interns per year",
  sie_retention_5y: "SIE entrants still in Japan after 5 years (share)",
  ti_special_stay_permits: "Interns moved to the pandemic's special stay (cumulative)",
};

/** When a target is plotted: the month's first day, mid-year for yearly counts, the window's last month for retention and the special stay's permits. */
function plotDate(t: Target): string {
  if (isYearlyMetric(t.metric)) return `${t.date}-07-01`;
  if (isWindowMetric(t.metric)) return `${t.date.split("/")[1]}-01`;
  return `${t.date}-01`;
}

/** Observed points against simulated means and 95% intervals, one panel per metric. */
export function fitChartSpec(rows: readonly FitRow[], title: string): TopLevelSpec {
  const data = rows
    .filter((r) => !Number.isNaN(r.mean) || r.target.weight > 0)
    .map((r) => ({
      panel: PANEL[r.target.metric], series: r.target.nationality === "ALL" ? "all" : r.target.nationality, date: plotDate(r.target),
      observed: r.target.observed, simulated: Number.isNaN(r.mean) ? null : r.mean,
      low: Number.isNaN(r.low) ? null : r.low, high: Number.isNaN(r.high) ? null : r.high,
    }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: "Lines and circles: simulated replicate mean, bars: its 95% interval; diamonds: observed" },
    data: { values: data },
    facet: { field: "panel", type: "nominal", title: null, sort: Object.values(PANEL) },
    columns: 2,
    resolve: { scale: { y: "independent", x: "independent" } },
    spec: {
      width: 320,
      height: 180,
      encoding: {
        // Whole years: the domain from 1 January to 1 January and ticks there only, so each label is a
        // year, once, however short the span (a single date included); overlapping labels thin out.
        x: { field: "date", type: "temporal", title: null, scale: { nice: "year" }, axis: { format: "%Y", tickCount: { interval: "year", step: 1 }, labelOverlap: true } },
        color: { field: "series", type: "nominal", title: "Nationality" },
      },
      layer: [
        { mark: { type: "rule" }, encoding: { y: { field: "low", type: "quantitative", title: null }, y2: { field: "high" } } },
        { mark: { type: "line", point: { filled: false } }, encoding: { y: { field: "simulated", type: "quantitative" } } },
        { mark: { type: "point", shape: "diamond", filled: true, size: 60 }, encoding: { y: { field: "observed", type: "quantitative" } } },
      ],
    },
  } as TopLevelSpec;
}

export async function writeFitSvg(dir: string, rows: readonly FitRow[], title: string): Promise<string> {
  const path = join(dir, "fit.svg");
  writeFileAtomic(path, await renderSvg(fitChartSpec(rows, title)));
  return path;
}
