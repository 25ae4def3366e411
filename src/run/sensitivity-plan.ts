// `migsim sensitivity`: the plan of a global sensitivity analysis (DIR/sensitivity.json) and its
// design in parameter units (DIR/design.csv, which `migsim run --design` reads). The indices
// themselves are src/sensitivity/'s (pure, over the unit hypercube); this file maps each unit
// coordinate u to its parameter:
// - over the parameter's documented range (PARAMS[name].range): lo + u (hi - lo); a whole-number
//   parameter takes floor(lo + u (hi - lo + 1)), hi at u = 1, so each whole number of the range
//   is equally likely under a uniform u (and Morris's grid levels 0 and 1 give lo and hi);
// - over a calibration's posterior (`--posterior FILE`, for the parameters the file holds): the
//   weighted quantile function of that parameter's particles, Q(u) = the smallest particle value
//   whose cumulative weight (particles sorted by value) reaches u times the total weight, and the
//   smallest value at u = 0. A uniform u then draws from the weighted marginal posterior. Each
//   parameter is mapped on its own, so the posterior's parameters vary independently: the joint
//   posterior's correlations are not kept. A Morris grid level l of p (u = l / (p - 1)) maps to
//   the centre of the l-th of p equal-probability bins, Q((l + 1/2) / p), not to Q(l / (p - 1)):
//   the latter would put half of the design at the posterior's extreme particles (u = 0 and 1).
// Point p of the design is row p of design.csv, and the run's sweep point p (scenario/design.ts).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../errors.js";
import { parseMonth } from "../model/inputs.js";
import { type NumberParamSpec, PARAMS, PARAM_NAMES, type ParamName } from "../model/params.js";
import { metricNamesOf } from "../output/summary.js";
import type { DeclaredMetric } from "../scenario/schema.js";
import type { Design } from "../scenario/design.js";
import { nearestKey } from "../scenario/load.js";
import type { Posterior } from "../scenario/posterior.js";
import { clipPath, quote } from "../scenario/quote.js";
import { monthSchema } from "../scenario/schema.js";
import { MAX_SWEEP_POINTS } from "../scenario/sweep.js";
import { type MonthWindow, parseWindow, windowText } from "../scenario/window.js";
import { DEFAULT_MORRIS_LEVELS, type MorrisDesign, type SaltelliDesign, morrisDesign, saltelliDesign } from "../sensitivity/index.js";
import { VERSION } from "../version.js";

export type SensitivityMethod = "morris" | "sobol";
export const SENSITIVITY_METHODS: readonly SensitivityMethod[] = ["morris", "sobol"];

/** `--n` by method: Morris trajectories, Sobol base rows. */
export const DEFAULT_N: Record<SensitivityMethod, number> = { morris: 10, sobol: 64 };
/** The smallest `--n` by method: Morris's sigma needs 2 trajectories; Sobol's bootstrap a few base rows. */
export const MIN_N: Record<SensitivityMethod, number> = { morris: 2, sobol: 8 };
export const DEFAULT_SCALE = 0.01;
export const DEFAULT_BOOTSTRAP = 1000;
export const MAX_BOOTSTRAP = 100_000;

/** The files of a sensitivity folder. */
export const PLAN_FILE = "sensitivity.json";
export const DESIGN_FILE = "design.csv";
export const RUNS_DIR = "runs";
export const RESULT_FILE = "sensitivity.csv";
export const CHART_FILE = "sensitivity.svg";

/** What the plan says of the posterior's parameters, and the output and docs repeat. */
export const POSTERIOR_NOTE = "parameters over the posterior vary over their weighted marginal posteriors, each independently of the others: the joint posterior's correlations are not kept";

/** A parameter of the plan: over its documented range, or over a posterior's marginal. */
export interface PlanParam {
  name: ParamName;
  range: [number, number] | "posterior";
}

/** DIR/sensitivity.json: everything the runs and the analysis need, the design's coordinates aside (they follow from method, n, levels and seed). */
export interface SensitivityPlan {
  migsim: string;
  method: SensitivityMethod;
  params: PlanParam[];
  /** Morris trajectories or Sobol base rows. */
  n: number;
  /** Morris grid levels; null for Sobol. */
  levels: number | null;
  /** Design points (rows of design.csv): n (k + 1) for Morris, n (k + 2) for Sobol. */
  points: number;
  seed: number;
  bootstrap: number;
  metrics: string[];
  /** The scenario files as given and their names; with two, the second's effect against the first is analysed. */
  scenarios: { file: string; name: string }[];
  replicates: number;
  scale: number;
  until: string | null;
  /** `--window`s as FROM..TO. */
  windows: string[];
  posterior: { file: string; sha256: string; params: ParamName[]; note: string } | null;
  /**
   * design.csv's sha256: the runs' manifest (spec.design.sha256) must name the same bytes; and the
   * sha256 of the unit design (method, n, levels, seed) the analysis rebuilds, so an edited plan or
   * another version's designs cannot pair the runs with the wrong points.
   */
  design: { file: string; sha256: string; unitSha256: string };
  runs: string;
  /** What a point's output is, in words. */
  output: string;
}

// ---- Mapping a unit coordinate to a parameter value ----

/** How one parameter's values follow from its design coordinate u in [0, 1]. */
export type Marginal =
  | { name: ParamName; over: "range"; lo: number; hi: number; integer: boolean }
  /** Particle values sorted ascending, with their cumulative weights (the last is the total). */
  | { name: ParamName; over: "posterior"; values: Float64Array; cumulative: Float64Array };

/** A numeric parameter over its documented range. */
export function rangeMarginal(name: ParamName): Marginal {
  const spec = PARAMS[name] as NumberParamSpec;
  return { name, over: "range", lo: spec.range[0], hi: spec.range[1], integer: spec.integer === true };
}

/** A parameter over a posterior's weighted particles (the posterior must hold it). */
export function posteriorMarginal(name: ParamName, posterior: Pick<Posterior, "params" | "particles">): Marginal {
  const j = posterior.params.indexOf(name);
  if (j < 0) throw new Error(`posteriorMarginal: the posterior has no column ${name}`);
  // Sorted by value; equal values keep the file's order (a stable sort), so the bytes never depend on the engine.
  const order = posterior.particles.map((p, k) => ({ v: p.values[j]!, w: p.weight, k })).sort((a, b) => a.v - b.v || a.k - b.k);
  const values = new Float64Array(order.length);
  const cumulative = new Float64Array(order.length);
  let total = 0;
  order.forEach((x, k) => {
    values[k] = x.v;
    total += x.w;
    cumulative[k] = total;
  });
  return { name, over: "posterior", values, cumulative };
}

/** The weighted quantile Q(u): the first sorted value whose cumulative weight reaches u x the total (the first value at u = 0). */
export function weightedQuantile(values: Float64Array, cumulative: Float64Array, u: number): number {
  const n = values.length;
  const target = u * cumulative[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! >= target) hi = mid;
    else lo = mid + 1;
  }
  return values[lo]!;
}

/** The value of a parameter at design coordinate u in [0, 1] (see the top of this file). */
export function paramValue(m: Marginal, u: number): number {
  if (m.over === "posterior") return weightedQuantile(m.values, m.cumulative, u);
  if (m.integer) return Math.min(m.hi, Math.floor(m.lo + u * (m.hi - m.lo + 1)));
  if (u >= 1) return m.hi;
  // lo + u (hi - lo) can round a hair past hi; the run refuses a value outside the range.
  return Math.min(m.hi, Math.max(m.lo, m.lo + u * (m.hi - m.lo)));
}

/**
 * The design's points in parameter units: row p of `points` (row-major, k = marginals.length)
 * mapped. `levels`: a Morris design's grid levels (null for Sobol), whose levels map to the centres
 * of equal-probability bins of a posterior marginal (see the top of this file).
 */
export function designValues(marginals: readonly Marginal[], points: Float64Array, levels: number | null = null): number[][] {
  const k = marginals.length;
  const rows = points.length / k;
  const binCentre = (u: number): number => (levels === null ? u : (Math.round(u * (levels - 1)) + 0.5) / levels);
  return Array.from({ length: rows }, (_, r) => marginals.map((m, i) => paramValue(m, m.over === "posterior" ? binCentre(points[r * k + i]!) : points[r * k + i]!)));
}

/** design.csv: a header of parameter names, then one row per point (numbers as JavaScript writes them, which read back exactly). */
export function designCsv(params: readonly ParamName[], values: readonly number[][]): string {
  return `${params.join(",")}\n${values.map((row) => row.map((v) => String(v)).join(",")).join("\n")}\n`;
}

/** The unit-hypercube design of a plan: Morris trajectories or Saltelli's matrices, from the plan's seed. */
export function unitDesign(p: Pick<SensitivityPlan, "method" | "n" | "levels" | "seed">, k: number): MorrisDesign | SaltelliDesign {
  return p.method === "morris"
    ? morrisDesign(k, { trajectories: p.n, levels: p.levels ?? DEFAULT_MORRIS_LEVELS, seed: p.seed })
    : saltelliDesign(k, { n: p.n, seed: p.seed });
}

/** Design points of a method for k parameters: n (k + 1) for Morris, n (k + 2) for Sobol. */
export const designRows = (method: SensitivityMethod, n: number, k: number): number => (method === "morris" ? n * (k + 1) : n * (k + 2));

// ---- Checking the command's choices ----

/**
 * `--params`: comma-separated numeric parameters, each once, or `calibrated` (the list given).
 * Refuses an empty list, an unknown name (with the nearest known one), a flag and a repeat.
 */
export function parseParams(text: string, calibrated: readonly ParamName[]): ParamName[] {
  const trimmed = text.trim();
  if (trimmed === "calibrated") return [...calibrated];
  const names = trimmed.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (names.length === 0) throw new UserError(`--params expects comma-separated numeric parameters of migsim params, e.g. --params debtCv,abscondBaseHazardPerMonth, or calibrated for the calibrated set; got ${quote(text)}.`);
  for (const n of names) {
    if (!(PARAM_NAMES as readonly string[]).includes(n)) {
      const near = nearestKey(n, PARAM_NAMES);
      throw new UserError(`--params: ${quote(n)} is not a parameter${near ? ` (did you mean "${near}"?)` : ""}; expected numeric parameters of migsim params, separated by commas, or calibrated.`);
    }
    if (!("range" in PARAMS[n as ParamName])) {
      throw new UserError(`--params: ${n} is a flag (on/off), which has no range to vary over; expected numeric parameters of migsim params (compare a flag's two settings as two scenarios instead).`);
    }
  }
  const twice = names.filter((n, k) => names.indexOf(n) !== k);
  if (twice.length > 0) throw new UserError(`--params names ${[...new Set(twice)].join(", ")} more than once; name each parameter once.`);
  return names as ParamName[];
}

/** The months a scenario runs, for the metric names its summary.csv rows will have. */
export interface ScenarioPeriod {
  name: string;
  start: string;
  /** The scenario's end, or --until. */
  end: string;
}

/**
 * The metric names summary.csv (and effects.csv) will have for a scenario: output/summary.ts
 * taskMetrics on an empty run of its months, so the names are exactly the ones a run writes
 * (stocks at each report month, totals, each window's metrics).
 */
export function metricNames(period: ScenarioPeriod, windows: readonly MonthWindow[], declared: readonly DeclaredMetric[] = []): string[] {
  const startAbs = parseMonth(period.start);
  const months = parseMonth(period.end) - startAbs + 1;
  return metricNamesOf(months, startAbs, windows, declared);
}

/**
 * `--metrics`: comma-separated names of summary.csv metrics, each once, every one written for
 * every scenario (stocks at the report months of their periods, totals, the `--window` metrics).
 */
export function parseMetrics(text: string, periods: readonly ScenarioPeriod[], windows: readonly MonthWindow[], declared: readonly DeclaredMetric[] = []): string[] {
  const names = text.split(",").map((m) => m.trim()).filter((m) => m !== "");
  const known = periods.map((p) => metricNames(p, windows, declared));
  const common = known[0]!.filter((m) => known.every((k) => k.includes(m)));
  const examples = `e.g. abscond_total, stock_TI_${periods[0]!.end}${windows.length > 0 ? `, abscond_${windows[0]!.from}_${windows[0]!.to}` : ""}`;
  if (names.length === 0) throw new UserError(`--metrics expects comma-separated metrics of summary.csv (${examples}); got ${quote(text)}.`);
  for (const m of names) {
    if (common.includes(m)) continue;
    const some = known.findIndex((k) => k.includes(m));
    if (some >= 0) {
      const missing = periods.find((_, k) => !known[k]!.includes(m))!;
      throw new UserError(`--metrics: ${m} is written for scenario ${quote(periods[some]!.name)} but not for ${quote(missing.name)} (its months are ${missing.start}..${missing.end}); expected a metric every scenario has (${examples}).`);
    }
    const near = nearestKey(m, common);
    const window = /^(abscond|ti_job_change|ti_to_ssw1|return|ti_years|abscond_per_1000_ti_years)_\d{4}-\d{2}_\d{4}-\d{2}$/.test(m) ? " (a window's metric needs its --window FROM..TO)" : "";
    throw new UserError(`--metrics: ${quote(m)} is not a metric of summary.csv for this run${window}${near ? ` (did you mean "${near}"?)` : ""}; expected one of ${common.length} names such as ${common.filter((c) => !c.startsWith("stock_") && !c.includes("[")).join(", ")} (each flow and rate also by nationality and sector, e.g. abscond_total[VN]), or stock_<STATUS>_<YYYY-MM> at ${[...new Set(common.filter((c) => c.startsWith("stock_TI_")).map((c) => c.slice("stock_TI_".length)))].join(", ")} (docs/outputs.md, summary.csv).`);
  }
  const twice = names.filter((n, k) => names.indexOf(n) !== k);
  if (twice.length > 0) throw new UserError(`--metrics names ${[...new Set(twice)].join(", ")} more than once; name each metric once.`);
  return names;
}

/** Refuses an `--n` below the method's smallest or a design of more points than a run may have. */
export function checkDesignSize(method: SensitivityMethod, n: number, k: number): number {
  const what = method === "morris" ? "Morris trajectories" : "Sobol base rows";
  if (!Number.isInteger(n) || n < MIN_N[method]) {
    const why = method === "morris" ? "sigma and the bootstrap need at least 2 trajectories" : "the bootstrap over base rows needs at least 8";
    throw new UserError(`--n expects the number of ${what}, a whole number from ${MIN_N[method]} (${why}), got ${n}.`);
  }
  const rows = designRows(method, n, k);
  if (rows > MAX_SWEEP_POINTS) {
    throw new UserError(`--n ${n} with ${k} parameters is ${rows} design points (${method === "morris" ? "n (k + 1)" : "n (k + 2)"}), more than the ${MAX_SWEEP_POINTS} a design may have; use a smaller --n or fewer --params.`);
  }
  return rows;
}

// ---- The plan ----

export interface PlanInput {
  method: SensitivityMethod;
  params: ParamName[];
  n: number;
  levels: number | null;
  seed: number;
  bootstrap: number;
  metrics: string[];
  scenarios: { file: string; name: string }[];
  replicates: number;
  scale: number;
  until: string | null;
  windows: MonthWindow[];
  /** `--posterior FILE`, read: its parameters among `params` vary over their marginals. */
  posterior: Posterior | null;
}

/** The plan, its design in parameter units (for the run's spec check) and design.csv's text. */
export interface Planned {
  plan: SensitivityPlan;
  designText: string;
  /** What `migsim run --design DIR/design.csv` will read: for checking the run before anything is written. */
  design: Design;
}

/** The sha256 of a unit design's coordinates (their float64 bytes). */
export function unitDesignSha256(points: Float64Array): string {
  return createHash("sha256").update(new Uint8Array(points.buffer, points.byteOffset, points.byteLength)).digest("hex");
}

/** Makes the plan and its design (nothing is written). `dir`: the sensitivity folder. */
export function makePlan(input: PlanInput, dir: string): Planned {
  const onPosterior = new Set(input.posterior ? input.params.filter((p) => input.posterior!.params.includes(p)) : []);
  const marginals = input.params.map((p) => (onPosterior.has(p) ? posteriorMarginal(p, input.posterior!) : rangeMarginal(p)));
  const base = { method: input.method, n: input.n, levels: input.method === "morris" ? (input.levels ?? DEFAULT_MORRIS_LEVELS) : null, seed: input.seed };
  const unit = unitDesign(base, marginals.length);
  const values = designValues(marginals, unit.points, base.levels);
  const designText = designCsv(input.params, values);
  const sha256 = createHash("sha256").update(designText).digest("hex");
  const two = input.scenarios.length === 2;
  const plan: SensitivityPlan = {
    migsim: VERSION,
    method: input.method,
    params: marginals.map((m) => ({ name: m.name, range: m.over === "range" ? [m.lo, m.hi] : "posterior" })),
    n: input.n,
    levels: base.levels,
    points: unit.rows,
    seed: input.seed,
    bootstrap: input.bootstrap,
    metrics: input.metrics,
    scenarios: input.scenarios,
    replicates: input.replicates,
    scale: input.scale,
    until: input.until,
    windows: input.windows.map(windowText),
    posterior: input.posterior && onPosterior.size > 0
      ? { file: input.posterior.file, sha256: input.posterior.sha256, params: input.params.filter((p) => onPosterior.has(p)), note: POSTERIOR_NOTE }
      : null,
    design: { file: DESIGN_FILE, sha256, unitSha256: unitDesignSha256(unit.points) },
    runs: RUNS_DIR,
    output: two
      ? `effects.csv's diff_mean of each point: ${input.scenarios[1]!.name} - ${input.scenarios[0]!.name}, paired by replicate, averaged over the replicates`
      : `summary.csv's mean of each point: ${input.scenarios[0]!.name}, over the replicates`,
  };
  return { plan, designText, design: { file: join(dir, DESIGN_FILE), sha256, params: input.params, points: values } };
}

export function planText(plan: SensitivityPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

const planParam = z.strictObject({
  name: z.enum(PARAM_NAMES.filter((k) => "range" in PARAMS[k]) as [ParamName, ...ParamName[]], { error: "expected a numeric parameter of migsim params" }),
  range: z.union([z.tuple([z.number(), z.number()]), z.literal("posterior")], { error: "expected [min, max] or \"posterior\"" }),
});
const whole = (lo: number, hi: number) => z.number({ error: `expected a whole number from ${lo} to ${hi}` }).int({ error: `expected a whole number from ${lo} to ${hi}` }).min(lo, { error: `expected a whole number from ${lo} to ${hi}` }).max(hi, { error: `expected a whole number from ${lo} to ${hi}` });
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a sha256 in hex" });

const planSchema = z.strictObject({
  migsim: z.string(),
  method: z.enum(["morris", "sobol"], { error: "expected morris or sobol" }),
  params: z.array(planParam, { error: "expected a list of parameters" }).min(1, { error: "expected at least one parameter" }),
  n: whole(2, MAX_SWEEP_POINTS),
  levels: whole(2, 1000).nullable(),
  points: whole(1, MAX_SWEEP_POINTS),
  seed: whole(0, 2 ** 32 - 1),
  bootstrap: whole(0, MAX_BOOTSTRAP),
  metrics: z.array(z.string().min(1), { error: "expected a list of metric names" }).min(1, { error: "expected at least one metric" }),
  scenarios: z.array(z.strictObject({ file: z.string(), name: z.string().min(1) }), { error: "expected a list of scenarios" }).min(1, { error: "expected one or two scenarios" }).max(2, { error: "expected one or two scenarios" }),
  replicates: whole(1, 100_000),
  scale: z.number().gt(0).max(1),
  until: monthSchema.nullable(),
  windows: z.array(z.string()),
  posterior: z.strictObject({ file: z.string(), sha256: hex64, params: z.array(z.string()), note: z.string() }).nullable(),
  design: z.strictObject({ file: z.string(), sha256: hex64, unitSha256: hex64 }),
  runs: z.string().min(1),
  output: z.string(),
}).superRefine((p, ctx) => {
  // What the CLI refuses, refused here too, so an edited plan fails in one paragraph, not deep in a design.
  if (p.method === "morris" && (p.levels === null || p.levels % 2 !== 0)) ctx.addIssue({ code: "custom", path: ["levels"], message: "expected an even number of Morris levels" });
  if (p.method === "sobol" && p.levels !== null) ctx.addIssue({ code: "custom", path: ["levels"], message: "expected null for Sobol" });
  if (p.method === "sobol" && p.n < 8) ctx.addIssue({ code: "custom", path: ["n"], message: "expected at least 8 Sobol base rows" });
});

/** Reads DIR/sensitivity.json (written by migsim sensitivity), refusing in one paragraph anything else. */
export function readPlan(dir: string): SensitivityPlan {
  const path = join(dir, PLAN_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT"
      ? `${clipPath(path)} does not exist, so ${clipPath(dir)} is not a folder migsim sensitivity wrote; name the folder of migsim sensitivity ... --out DIR (or --design-only).`
      : `Cannot read ${clipPath(path)}: ${code ?? (e as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${clipPath(path)} is not valid JSON (${(e as Error).message}); it was changed since migsim sensitivity wrote it: write the plan again (migsim sensitivity ... --out ${clipPath(dir)} --design-only --overwrite).`);
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${clipPath(path)} is not a plan migsim sensitivity wrote: ${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}; write the plan again (migsim sensitivity ... --out ${clipPath(dir)} --design-only --overwrite).`);
  }
  const plan = parsed.data as SensitivityPlan;
  const expected = designRows(plan.method, plan.n, plan.params.length);
  if (plan.points !== expected || (plan.method === "morris") !== (plan.levels !== null)) {
    throw new UserError(`${clipPath(path)}: points (${plan.points}) and levels (${plan.levels}) do not fit ${plan.method} with n = ${plan.n} and ${plan.params.length} parameters (${expected} points); the plan was changed since migsim sensitivity wrote it.`);
  }
  // The windows parse as --window did.
  for (const w of plan.windows) parseWindow(w);
  return plan;
}

/**
 * The options of `migsim run` (or `migsim slurm`) that run a plan's design into DIR/runs: its
 * scenario files, the design, the seed, replicates, scale, until, windows and, with two scenarios,
 * `--reference` the first. Threads, progress and `--overwrite` are the caller's.
 */
export function runArgs(plan: SensitivityPlan, dir: string): string[] {
  return [
    ...plan.scenarios.map((s) => s.file),
    "--design", join(dir, plan.design.file),
    "--out", join(dir, plan.runs),
    "--seed", String(plan.seed),
    "--replicates", String(plan.replicates),
    "--scale", String(plan.scale),
    ...(plan.until !== null ? ["--until", plan.until] : []),
    ...plan.windows.flatMap((w) => ["--window", w]),
    ...(plan.scenarios.length === 2 ? ["--reference", plan.scenarios[0]!.name] : []),
  ];
}

/** A command line to print: each argument quoted for a POSIX shell where it needs it. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
