// `migsim sensitivity` (and `--analyse DIR`): the indices of a finished sensitivity folder.
// Reads DIR/sensitivity.json (sensitivity-plan.ts) and the run of its design in DIR/runs: each
// design point's output is summary.csv's `mean` of the point (over its replicates), or with two
// scenarios effects.csv's `diff_mean` (the second against the first, paired by replicate). The
// design's unit coordinates are made again from the plan's method, n, levels and seed, and the
// indices computed by src/sensitivity/ with the bootstrap seeded from the same seed; so the same
// plan and runs give the same bytes of sensitivity.csv. Writes DIR/sensitivity.csv (atomically) and
// DIR/sensitivity.svg (a Vega-Lite chart), and returns a short table for the terminal.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { TopLevelSpec } from "vega-lite";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../output/atomic.js";
import { writeCsvAtomic } from "../output/csv.js";
import { type Manifest, readManifest } from "../output/manifest.js";
import { renderSvg } from "../output/svg.js";
import { clipPath } from "../scenario/quote.js";
import { morrisIndices, sobolIndices } from "../sensitivity/index.js";
import { CHART_FILE, POSTERIOR_NOTE, RESULT_FILE, type SensitivityMethod, type SensitivityPlan, runArgs, shellLine, unitDesign, unitDesignSha256 } from "./sensitivity-plan.js";

export const MORRIS_COLUMNS = ["mu", "mu_star", "sigma", "mu_star_ci95_low", "mu_star_ci95_high"] as const;
export const SOBOL_COLUMNS = ["s1", "s1_ci95_low", "s1_ci95_high", "st", "st_ci95_low", "st_ci95_high"] as const;

/** sensitivity.csv's header for a method. */
export function resultColumns(method: SensitivityMethod): string[] {
  return ["method", "metric", "param", ...(method === "morris" ? MORRIS_COLUMNS : SOBOL_COLUMNS), "points", "replicates", "output_mean", "output_sd"];
}

/** One parameter's indices for one metric. */
export interface IndexRow {
  metric: string;
  param: string;
  /** The method's columns, in MORRIS_COLUMNS or SOBOL_COLUMNS order. */
  values: number[];
  outputMean: number;
  outputSd: number;
}

// ---- Reading the runs ----

const summaryFile = (plan: SensitivityPlan): "summary.csv" | "effects.csv" => (plan.scenarios.length === 2 ? "effects.csv" : "summary.csv");

/** The command that runs the plan's design, for messages. */
const runLine = (plan: SensitivityPlan, dir: string): string => `migsim ${shellLine(["run", ...runArgs(plan, dir)])}`;

/** The complete run of the plan's design in DIR/runs, or a UserError saying what to do. */
export function checkRuns(dir: string, plan: SensitivityPlan): Manifest {
  const runs = join(dir, plan.runs);
  const path = join(runs, "manifest.json");
  if (!existsSync(path)) {
    throw new UserError(`${clipPath(runs)} holds no run of the design yet (no manifest.json); run it with ${runLine(plan, dir)} (or on a cluster with migsim slurm and the same options), then migsim sensitivity --analyse ${clipPath(dir)}.`);
  }
  const m = readManifest(path);
  if (m.shard) throw new UserError(`${clipPath(runs)} holds shard ${m.shard.index}/${m.shard.count} of the runs, not all of them; merge the shards into it first (migsim merge SHARD_FOLDERS... --out ${clipPath(runs)}).`);
  if (m.complete !== true) {
    const done = Array.isArray(m.tasks) ? m.tasks.filter((t) => t.complete).length : 0;
    throw new UserError(`The runs in ${clipPath(runs)} are incomplete (${done} of ${Array.isArray(m.tasks) ? m.tasks.length : "?"} tasks done); finish them with migsim run --resume ${clipPath(runs)} (or migsim slurm --resume for a Slurm run), then migsim sensitivity --analyse ${clipPath(dir)}.`);
  }
  const spec = m.spec;
  const names = spec.scenarios.map((s) => s.name);
  const problem = spec.design?.sha256 !== plan.design.sha256
    ? `its design (${spec.design ? `sha256 ${spec.design.sha256.slice(0, 12)}...` : "none"}) is not ${join(dir, plan.design.file)} of this plan (sha256 ${plan.design.sha256.slice(0, 12)}...)`
    : JSON.stringify(names) !== JSON.stringify(plan.scenarios.map((s) => s.name))
      ? `its scenarios (${names.join(", ")}) are not the plan's (${plan.scenarios.map((s) => s.name).join(", ")})`
      : spec.replicates !== plan.replicates
        ? `it ran ${spec.replicates} replicates per point, the plan ${plan.replicates}`
        : spec.design.points.length !== plan.points
          ? `it ran ${spec.design.points.length} points, the plan has ${plan.points}`
          : spec.seed !== plan.seed || spec.scale !== plan.scale || spec.until !== plan.until
            ? `it ran with seed ${spec.seed}, scale ${spec.scale}, until ${spec.until ?? "the end"}; the plan has seed ${plan.seed}, scale ${plan.scale}, until ${plan.until ?? "the end"}`
            : JSON.stringify((spec.windows ?? []).map((w) => `${w.from}..${w.to}`)) !== JSON.stringify(plan.windows)
              ? `its windows (${(spec.windows ?? []).map((w) => `${w.from}..${w.to}`).join(", ") || "none"}) are not the plan's (${plan.windows.join(", ") || "none"})`
              : spec.posterior !== undefined
                ? "it ran over a posterior (--posterior), whose draws would replace the design's values"
                : null;
  if (problem) throw new UserError(`The run in ${clipPath(runs)} is not the run of ${join(dir, "sensitivity.json")}: ${problem}; run the plan's design into it (${runLine(plan, dir)} --overwrite).`);
  return m;
}

/** A run's CSV, checked against the sha256 its manifest records. */
function readRunCsv(runs: string, m: Manifest, file: string): Record<string, string>[] {
  const path = join(runs, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`${clipPath(path)} is missing from the finished run in ${clipPath(runs)}; re-create the run (migsim reproduce ${join(runs, "manifest.json")} --out ANOTHER_DIR).`);
  }
  const bytes = readFileSync(path);
  const recorded = m.outputs.find((o) => o.file === file)?.sha256;
  if (recorded !== createHash("sha256").update(bytes).digest("hex")) {
    throw new UserError(`${clipPath(path)} ${recorded === undefined ? "is not listed in" : "changed after the run finished (its sha256 differs from the one in"} ${join(runs, "manifest.json")}${recorded === undefined ? "" : ")"}, so it cannot be trusted to be the run's; re-create the run (migsim reproduce ${join(runs, "manifest.json")} --out ANOTHER_DIR).`);
  }
  try {
    return parse(bytes, { columns: true, bom: true }) as Record<string, string>[];
  } catch (e) {
    throw new UserError(`${clipPath(path)} is not a valid CSV: ${(e as Error).message.split("\n")[0]}.`);
  }
}

/**
 * The output of each design point for each metric of the plan (outputs[m][p]), read from the run
 * in DIR/runs. A point whose metric is missing or not a finite number is refused, naming them.
 */
export function readOutputs(dir: string, plan: SensitivityPlan, rows: readonly Record<string, string>[]): Float64Array[] {
  const file = summaryFile(plan);
  const two = plan.scenarios.length === 2;
  const column = two ? "diff_mean" : "mean";
  const scenario = two ? plan.scenarios[1]!.name : plan.scenarios[0]!.name;
  const reference = plan.scenarios[0]!.name;
  const outputs = plan.metrics.map(() => new Float64Array(plan.points).fill(Number.NaN));
  const found = plan.metrics.map(() => new Uint8Array(plan.points));
  const at = new Map(plan.metrics.map((m, k) => [m, k]));
  for (const r of rows) {
    if (r.scenario !== scenario || (two && r.reference !== reference)) continue;
    const k = at.get(r.metric ?? "");
    if (k === undefined) continue;
    const p = /^\d+$/.test(r.point ?? "") ? Number(r.point) : -1;
    if (p < 0 || p >= plan.points) continue;
    found[k]![p] = 1;
    const cell = (r[column] ?? "").trim();
    outputs[k]![p] = cell === "" ? Number.NaN : Number(cell);
  }
  const bad: string[] = [];
  let count = 0;
  plan.metrics.forEach((metric, k) => {
    const missing: number[] = [];
    const notFinite: number[] = [];
    for (let p = 0; p < plan.points; p++) {
      if (!found[k]![p]) missing.push(p);
      else if (!Number.isFinite(outputs[k]![p]!)) notFinite.push(p);
    }
    const list = (ps: number[]): string => `${ps.length === 1 ? "point" : "points"} ${ps.slice(0, 8).join(", ")}${ps.length > 8 ? ` and ${ps.length - 8} more` : ""}`;
    if (missing.length > 0) bad.push(`${metric} has no row at ${list(missing)}`);
    if (notFinite.length > 0) bad.push(`${metric} has no finite ${column} at ${list(notFinite)} (every replicate's value was undefined there, e.g. no one left for median_months_in_japan_at_exit)`);
    count += missing.length + notFinite.length;
  });
  if (bad.length > 0) {
    throw new UserError(`Cannot compute the indices from ${join(dir, plan.runs, file)} (${two ? `${scenario} against ${reference}` : scenario}): ${bad.join("; ")}. Each of the ${plan.points} design points needs a finite value of every metric (${count} missing); choose other --metrics, or run more replicates or a later --until.`);
  }
  return outputs;
}

// ---- The indices ----

const meanSd = (y: Float64Array): [number, number] => {
  let s = 0;
  for (const v of y) s += v;
  const m = s / y.length;
  let q = 0;
  for (const v of y) q += (v - m) * (v - m);
  return [m, y.length > 1 ? Math.sqrt(q / (y.length - 1)) : Number.NaN];
};

/** The indices of each metric (in the plan's order) and parameter (in the plan's order). */
/**
 * The unit design rebuilt from the plan (method, n, levels, seed), checked against the one its
 * design.csv was made from: the outputs are paired with these points.
 */
function rebuiltDesign(plan: SensitivityPlan): ReturnType<typeof unitDesign> {
  const design = unitDesign(plan, plan.params.length);
  if (design.rows !== plan.points || unitDesignSha256(design.points) !== plan.design.unitSha256) {
    throw new UserError(`The design rebuilt from sensitivity.json (method ${plan.method}, n ${plan.n}, levels ${plan.levels ?? "-"}, seed ${plan.seed}) is not the one its design.csv was made from (another plan, an edited one, or another migsim version's designs): the runs cannot be paired with their points; make the analysis again from the start (migsim sensitivity ... --overwrite).`);
  }
  return design;
}

export function computeIndices(plan: SensitivityPlan, outputs: readonly Float64Array[]): IndexRow[] {
  const k = plan.params.length;
  const design = rebuiltDesign(plan);
  const bootstrap = { seed: plan.seed, resamples: plan.bootstrap };
  const rows: IndexRow[] = [];
  if (design.method === "morris") {
    const res = morrisIndices(design, outputs, bootstrap);
    res.forEach((r, m) => {
      const [outputMean, outputSd] = meanSd(outputs[m]!);
      plan.params.forEach((p, i) => rows.push({ metric: plan.metrics[m]!, param: p.name, values: [r.mu[i]!, r.muStar[i]!, r.sigma[i]!, r.muStarLow[i]!, r.muStarHigh[i]!], outputMean, outputSd }));
    });
  } else {
    const res = sobolIndices(design, outputs, bootstrap);
    res.forEach((r, m) => {
      const [outputMean, outputSd] = meanSd(outputs[m]!);
      plan.params.forEach((p, i) => rows.push({ metric: plan.metrics[m]!, param: p.name, values: [r.s1[i]!, r.s1Low[i]!, r.s1High[i]!, r.st[i]!, r.stLow[i]!, r.stHigh[i]!], outputMean, outputSd }));
    });
  }
  return rows;
}

/** A number as sensitivity.csv writes it: 10 significant digits (as summary.csv), empty when not finite. */
const cell = (x: number): number | string => (Number.isFinite(x) ? Number(x.toPrecision(10)) : "");

export function resultRows(plan: SensitivityPlan, rows: readonly IndexRow[]): (string | number)[][] {
  return rows.map((r) => [plan.method, r.metric, r.param, ...r.values.map(cell), plan.points, plan.replicates, cell(r.outputMean), cell(r.outputSd)]);
}

/** The index parameters are ranked by: mu* (Morris) or ST (Sobol). */
const rankValue = (plan: SensitivityPlan, r: IndexRow): number => (plan.method === "morris" ? r.values[1]! : r.values[3]!);

/** One metric's rows, most influential first (a NaN index last; ties in the plan's order). */
export function ranked(plan: SensitivityPlan, rows: readonly IndexRow[], metric: string): IndexRow[] {
  const key = (r: IndexRow): number => (Number.isFinite(rankValue(plan, r)) ? rankValue(plan, r) : -Infinity);
  return rows.filter((r) => r.metric === metric).map((r, k) => ({ r, k })).sort((a, b) => key(b.r) - key(a.r) || a.k - b.k).map((x) => x.r);
}

// ---- Chart and table ----

/**
 * Bars of mu* (Morris) or S1 and ST (Sobol) with their bootstrap intervals, a panel per metric
 * (each with its own data and scales, so each sorts its parameters by its own index).
 */
export function sensitivityChartSpec(plan: SensitivityPlan, rows: readonly IndexRow[]): TopLevelSpec {
  const morris = plan.method === "morris";
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const S1 = "S1 (first order)";
  const ST = "ST (total)";
  const panel = (metric: string): Record<string, unknown> => {
    const data: Record<string, string | number | null>[] = [];
    ranked(plan, rows, metric).forEach((r, rank) => {
      if (morris) data.push({ param: r.param, rank, index: "mu*", value: num(r.values[1]!), low: num(r.values[3]!), high: num(r.values[4]!) });
      else {
        data.push({ param: r.param, rank, index: S1, value: num(r.values[0]!), low: num(r.values[1]!), high: num(r.values[2]!) });
        data.push({ param: r.param, rank, index: ST, value: num(r.values[3]!), low: num(r.values[4]!), high: num(r.values[5]!) });
      }
    });
    const sd = rows.find((r) => r.metric === metric)?.outputSd ?? Number.NaN;
    return {
      title: { text: metric, anchor: "start", fontSize: 12, ...(!(sd > 0) && { subtitle: `the output does not vary over the design points: ${morris ? "every effect is 0" : "no index (its variance is 0)"}` }) },
      data: { values: data },
      width: 420,
      height: { step: morris ? 18 : 11 },
      encoding: {
        y: { field: "param", type: "nominal", title: null, sort: { field: "rank", op: "min", order: "ascending" }, axis: { labelLimit: 320 } },
        ...(!morris && { yOffset: { field: "index", type: "nominal", sort: [S1, ST] } }),
      },
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x: { field: "value", type: "quantitative", title: morris ? `mu* (metric per the parameter's whole range${plan.posterior ? " or posterior" : ""})` : "Sobol index" },
            color: morris ? { value: "#4c78a8" } : { field: "index", type: "nominal", title: null, scale: { domain: [S1, ST], range: ["#4c78a8", "#f58518"] }, legend: { orient: "top" } },
          },
        },
        { mark: { type: "rule", color: "black" }, encoding: { x: { field: "low", type: "quantitative" }, x2: { field: "high" } } },
      ],
    };
  };
  const output = plan.scenarios.length === 2 ? `the effect of ${plan.scenarios[1]!.name} against ${plan.scenarios[0]!.name} (effects.csv diff_mean)` : `${plan.scenarios[0]!.name} (summary.csv mean)`;
  const subtitle = [
    `${morris ? `Morris: ${plan.n} trajectories, ${plan.levels} levels` : `Sobol (Saltelli 2010; Jansen): N = ${plan.n}`}; ${plan.points} points x ${plan.replicates} replicate(s), scale ${plan.scale}, seed ${plan.seed}; output: ${output}`,
    morris ? "Bars: mu*, the mean absolute elementary effect; lines: its 95% bootstrap interval" : "Bars: first-order (S1) and total (ST) indices; lines: their 95% bootstrap intervals",
    ...(plan.posterior ? [`${plan.posterior.params.length} parameter(s) over ${plan.posterior.file}, each over its marginal: the posterior's correlations are not kept`] : []),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `Global sensitivity: ${plan.scenarios.map((s) => s.name).join(" vs ")}`, subtitle, anchor: "start" },
    vconcat: plan.metrics.map(panel),
    spacing: 24,
  } as unknown as TopLevelSpec;
}

/** A number for the terminal: 3 significant digits. */
const short = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(3))) : "-");

/** The top `top` parameters of each metric, as lines of text. */
export function sensitivityTable(plan: SensitivityPlan, rows: readonly IndexRow[], top = 5): string {
  const morris = plan.method === "morris";
  const two = plan.scenarios.length === 2;
  const lines: string[] = [
    `${morris ? `Morris (${plan.n} trajectories, ${plan.levels} levels)` : `Sobol (N = ${plan.n})`}: ${plan.points} points x ${plan.replicates} replicate(s) x ${plan.scenarios.length} scenario(s); output: ${two ? `${plan.scenarios[1]!.name} - ${plan.scenarios[0]!.name} (effects.csv diff_mean)` : `${plan.scenarios[0]!.name} (summary.csv mean)`}`,
  ];
  if (plan.posterior) lines.push(`Over ${plan.posterior.file}: ${plan.posterior.params.join(", ")}; ${POSTERIOR_NOTE}.`);
  for (const metric of plan.metrics) {
    const list = ranked(plan, rows, metric);
    const first = list[0]!;
    lines.push("", `${metric}: mean ${short(first.outputMean)}, sd ${short(first.outputSd)} over the points${list.length > top ? `; top ${top} of ${list.length} parameters` : ""}`);
    if (!(first.outputSd > 0)) {
      lines.push(`  the output does not vary over the design points: ${morris ? "every effect is 0" : "no index (its variance is 0)"}`);
      continue;
    }
    const table = [morris ? ["parameter", "mu*", "95% interval", "mu", "sigma"] : ["parameter", "S1", "95% interval", "ST", "95% interval"]];
    for (const r of list.slice(0, top)) {
      const v = r.values;
      table.push(morris
        ? [r.param, short(v[1]!), `[${short(v[3]!)}, ${short(v[4]!)}]`, short(v[0]!), short(v[2]!)]
        : [r.param, short(v[0]!), `[${short(v[1]!)}, ${short(v[2]!)}]`, short(v[3]!), `[${short(v[4]!)}, ${short(v[5]!)}]`]);
    }
    const widths = table[0]!.map((_, c) => Math.max(...table.map((t) => t[c]!.length)));
    for (const t of table) lines.push(`  ${t.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join("  ")}`);
  }
  return `${lines.join("\n")}\n`;
}

// ---- The whole analysis ----

export interface SensitivityResult {
  rows: IndexRow[];
  files: string[];
  table: string;
}

/** Reads the runs of DIR's plan, computes the indices, writes sensitivity.csv and sensitivity.svg. */
export async function analyseSensitivity(dir: string, plan: SensitivityPlan): Promise<SensitivityResult> {
  rebuiltDesign(plan);
  const m = checkRuns(dir, plan);
  const csvRows = readRunCsv(join(dir, plan.runs), m, summaryFile(plan));
  const outputs = readOutputs(dir, plan, csvRows);
  const rows = computeIndices(plan, outputs);
  const csvPath = join(dir, RESULT_FILE);
  const svgPath = join(dir, CHART_FILE);
  const svg = await renderSvg(sensitivityChartSpec(plan, rows));
  writeCsvAtomic(csvPath, resultColumns(plan.method), resultRows(plan, rows));
  writeFileAtomic(svgPath, svg);
  return { rows, files: [csvPath, svgPath], table: sensitivityTable(plan, rows) };
}
