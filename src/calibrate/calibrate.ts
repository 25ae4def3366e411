// `migsim calibrate` and `migsim fit` on the worker pool: candidate parameter sets (ABC-SMC,
// abc.ts) and replicates are tasks like any run's, simulated by the same long-lived workers; each
// result is reduced to its targets' values (targets.ts) on the main thread.
//
// Output folder: posterior.csv (the last generation), particles.csv (every generation),
// generations.csv, best-fit.yaml (a scenario that extends the calibrated one with the best-fit
// values), fit.csv and fit.svg (every target), manifest.json. Each is written atomically and only
// after every simulation has finished, so an interrupted calibration leaves no file that looks complete.

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { stringify } from "yaml";
import type { RunResult } from "../engine/simulate.js";
import { candidateSeed, taskSeed } from "../engine/rng.js";
import { UserError } from "../errors.js";
import { type ModelInputs, formatMonth } from "../model/inputs.js";
import { PARAMS, type ParamName, type Params } from "../model/params.js";
import { writeFileAtomic } from "../output/atomic.js";
import { writeCsvAtomic } from "../output/csv.js";
import { codeProvenance, dataFileHashes, sha256File } from "../output/manifest.js";
import { runTasks } from "../run/pool.js";
import type { Task } from "../run/tasks.js";
import type { ResolvedScenario } from "../scenario/load.js";
import { buildInputs } from "../scenario/resolve.js";
import { VERSION } from "../version.js";
import { type AbcResult, type Generation, type Prior, abcSmc, effectiveSampleSize, weightedMoments } from "./abc.js";
import { type FitRow, fitDistance, fitRows, writeFitCsv, writeFitSvg } from "./fit.js";
import { type NelderMeadResult, nelderMead } from "./nelder-mead.js";
import { type Target, lastMonthNeeded, observeTargets, targetDistance, targetInRun } from "./targets.js";

/** Parameters calibrated by default: those whose source is marked "calibrated" in PARAMS. */
export function calibratedParams(): ParamName[] {
  return (Object.keys(PARAMS) as ParamName[]).filter((k) => PARAMS[k].source.kind === "calibrated");
}

/** The uniform prior of each parameter: its plausible range (PARAMS). Flags cannot be calibrated. */
export function priorOf(names: readonly ParamName[]): Prior {
  const lo: number[] = [];
  const hi: number[] = [];
  for (const n of names) {
    const spec = PARAMS[n] as (typeof PARAMS)[ParamName];
    if (!("range" in spec)) throw new UserError(`--params: ${n} is a flag (on/off); only numeric parameters can be calibrated.`);
    lo.push(spec.range[0]);
    hi.push(spec.range[1]);
  }
  return { names, lo, hi };
}

export interface FitSpec {
  scenario: ResolvedScenario;
  targetsFile: string;
  targets: Target[];
  seed: number;
  scale: number;
  replicates: number;
}

/** What a calibration or a refinement fits, to what, from which seed. */
export interface FitSelection {
  scenario: ResolvedScenario;
  targetsFile: string;
  targets: Target[];
  params: ParamName[];
  /** Target metrics in the distance (--metrics; the others are weighted 0): all when absent. */
  metrics?: string[];
  /** Last month of the targets in the distance (--fit-through, YYYY-MM; later ones weighted 0): all when absent. */
  fitThrough?: string;
  seed: number;
}

export interface CalibrationSpec extends FitSelection {
  /** Scale of the candidate runs. */
  scale: number;
  particles: number;
  generations: number;
  quantile: number;
  minAcceptance: number;
  maxSimulations: number;
  /** The `bestOf` particles of the last generation nearest the data are re-run with the fit's replicates; the nearest on average is the best fit. */
  bestOf: number;
  fit: { scale: number; replicates: number };
}

export interface PoolHooks {
  threads: number;
  /** Where candidate batches run: the local worker pool by default, or a Slurm job array (slurm.ts). */
  simulate?: SimulateBatch;
  /** A batch of simulations starts (for progress). */
  onBatchStart?: (tasks: readonly Task[], inputs: readonly ModelInputs[]) => void;
  onProgress?: (taskIndex: number, months: number, agentMonths: number) => void;
  onTaskDone?: (task: Task) => void;
}

/** The scenario's inputs, run until the last month any target needs. */
export function targetInputs(scenario: ResolvedScenario, targets: readonly Target[], scale: number): ModelInputs {
  const until = Math.max(...targets.map(lastMonthNeeded));
  const inputs = buildInputs(scenario, { scale, until: formatMonth(until) });
  const fitted = targets.filter((t) => t.weight > 0 && targetInRun(t, inputs.startMonthAbs, inputs.months));
  if (fitted.length === 0) {
    throw new UserError(`No weighted target falls within the run of ${scenario.name} (from ${scenario.start}): nothing to fit. Check the targets' dates.`);
  }
  return inputs;
}

const withParams = (base: ModelInputs, names: readonly string[], theta: ArrayLike<number>): ModelInputs => {
  const params = { ...base.params } as Record<string, number | boolean>;
  names.forEach((n, d) => (params[n] = theta[d]!));
  return { ...base, params: params as Params };
};

/**
 * Candidate runs: the scenario run until the targets' last month at `scale`, with parameters
 * `names` set to `thetas[k]` and seeded `seeds[k]`. Everything a process needs to redo them.
 */
export interface CandidateBatch {
  scale: number;
  names: readonly string[];
  thetas: readonly ArrayLike<number>[];
  seeds: readonly number[];
  /** What the batch is, for progress and logs (e.g. "generation 2, candidates 100-199"). */
  label: string;
}

/** Runs a batch and returns each candidate's target values (observeTargets), in batch order. */
export type SimulateBatch = (batch: CandidateBatch) => Promise<Float64Array[]>;

/**
 * Simulates candidates `which` of a batch (all by default) on the local worker pool; returns their
 * target values in that order. Also what each Slurm array task runs for its share of a batch.
 */
export async function simulateCandidates(scenario: ResolvedScenario, targets: readonly Target[], batch: CandidateBatch, hooks: PoolHooks, which?: readonly number[]): Promise<Float64Array[]> {
  const base = targetInputs(scenario, targets, batch.scale);
  const ks = which ?? batch.seeds.map((_, k) => k);
  const inputs = ks.map((k) => withParams(base, batch.names, batch.thetas[k]!));
  const tasks: Task[] = ks.map((k, j) => ({ index: j, scenarioIndex: 0, inputsIndex: j, scenario: scenario.name, point: k, replicate: 1, seed: batch.seeds[k]! }));
  const out: Float64Array[] = [];
  hooks.onBatchStart?.(tasks, inputs);
  await runTasks(tasks, inputs, {
    threads: hooks.threads,
    collectEvents: false,
    ...(hooks.onProgress && { onProgress: hooks.onProgress }),
    onResult: (task: Task, result: RunResult) => {
      out.push(observeTargets(targets, result, inputs[task.inputsIndex]!));
      hooks.onTaskDone?.(task);
    },
  });
  return out;
}

/** Runs a batch where the hooks say: a Slurm job array, or the local pool. */
function simulateBatch(scenario: ResolvedScenario, targets: readonly Target[], batch: CandidateBatch, hooks: PoolHooks): Promise<Float64Array[]> {
  return hooks.simulate ? hooks.simulate(batch) : simulateCandidates(scenario, targets, batch, hooks);
}

/** Replicates 1..R (seeds as `migsim run --seed`) at `scale` with `names` set to `theta`, reduced to fit rows. */
async function replicateFit(scenario: ResolvedScenario, fit: { scale: number; names: readonly string[]; theta: readonly number[]; label: string }, spec: { seed: number; replicates: number }, targets: readonly Target[], hooks: PoolHooks): Promise<FitRow[]> {
  const seeds = Array.from({ length: spec.replicates }, (_, r) => taskSeed(spec.seed, r + 1));
  const values = await simulateBatch(scenario, targets, { scale: fit.scale, names: fit.names, thetas: seeds.map(() => fit.theta), seeds, label: fit.label }, hooks);
  return fitRows(targets, values);
}

/** A calibration's files; `slurm` is the folder of its job arrays (calibrate --slurm). */
const CALIBRATION_FILES = ["posterior.csv", "particles.csv", "generations.csv", "refine.csv", "best-fit.yaml", "fit.csv", "fit.svg", "manifest.json", "slurm"];

/** Refuses to write over earlier results unless asked; creates the folder. Call only after validation. */
export function prepareOutDir(out: string, overwrite: boolean): void {
  if (existsSync(out)) {
    let entries: string[];
    try {
      entries = readdirSync(out);
    } catch (e) {
      throw new UserError(`Output folder ${out} cannot be used: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder).`);
    }
    const clash = entries.filter((f) => CALIBRATION_FILES.includes(f));
    if (clash.length > 0 && !overwrite) throw new UserError(`Output folder ${out} already holds results (${clash.join(", ")}); choose another --out, or pass --overwrite to replace them.`);
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new UserError(`Cannot create the output folder ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder that can be created and written).`);
  }
}

/**
 * What a manifest says of the code, data and targets a fit, calibration or refinement ran with, read when
 * it starts: a long calibration may outlive the checkout it started from (a commit, an edit), and
 * the code and tables it loaded are the ones that ran.
 */
interface Started { startedAt: string; dataFiles: ReturnType<typeof dataFileHashes>; code: ReturnType<typeof codeProvenance>; targetsSha256: string }

function started(targetsFile: string): Started {
  return { startedAt: new Date().toISOString(), dataFiles: dataFileHashes(), code: codeProvenance(), targetsSha256: sha256File(targetsFile) };
}

function baseManifest(command: string[], threads: number, start: Started) {
  return {
    migsim: VERSION, command, dataFiles: start.dataFiles, threads, node: process.version,
    platform: `${process.platform}-${process.arch}`, ...start.code, startedAt: start.startedAt, finishedAt: new Date().toISOString(),
  };
}

/** manifest.json of a fit or a calibration (their own shape: not a run's Manifest, which `migsim reproduce` reads). */
function writeCalibrationManifest(out: string, manifest: Record<string, unknown>): void {
  writeFileAtomic(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

const outputsOf = (out: string, files: string[]) => files.map((f) => ({ file: f, sha256: sha256File(join(out, f)) }));

/** `migsim fit`: replicates of a scenario against the targets; writes fit.csv, fit.svg and manifest.json. */
export async function runFit(spec: FitSpec, o: { out: string; overwrite: boolean; command: string[] } & PoolHooks): Promise<FitRow[]> {
  targetInputs(spec.scenario, spec.targets, spec.scale); // checks the targets fall within the run
  const provenance = started(spec.targetsFile);
  prepareOutDir(o.out, o.overwrite);
  const rows = await replicateFit(spec.scenario, { scale: spec.scale, names: [], theta: [], label: "fit replicates" }, spec, spec.targets, o);
  writeFitCsv(o.out, rows);
  await writeFitSvg(o.out, rows, `${spec.scenario.name}: simulated (mean, 95% CI over ${spec.replicates} replicates, scale ${spec.scale}) vs observed`);
  for (const f of ["posterior.csv", "particles.csv", "generations.csv", "refine.csv", "best-fit.yaml"]) rmSync(join(o.out, f), { force: true });
  writeCalibrationManifest(o.out, {
    ...baseManifest(o.command, o.threads, provenance),
    kind: "fit", scenario: spec.scenario, targetsFile: spec.targetsFile, targetsSha256: provenance.targetsSha256,
    seed: spec.seed, scale: spec.scale, replicates: spec.replicates, distance: fitDistance(rows),
    outputs: outputsOf(o.out, ["fit.csv", "fit.svg"]),
  });
  return rows;
}

export interface CalibrationResult {
  abc: AbcResult;
  best: Record<string, number>;
  fit: FitRow[];
  bestFitFile: string;
}

/** Rounds a calibrated value to 4 significant digits (whole numbers for integer parameters). */
function roundParam(name: ParamName, v: number): number {
  const spec = PARAMS[name] as { integer?: boolean };
  return spec.integer ? Math.round(v) : Number(v.toPrecision(4));
}

/** `migsim calibrate`: ABC-SMC over the calibrated parameters, then the best fit and its fit report. */
export async function runCalibration(spec: CalibrationSpec, o: { out: string; overwrite: boolean; command: string[]; onGeneration?: (g: Generation, simulations: number) => void } & PoolHooks): Promise<CalibrationResult> {
  const prior = priorOf(spec.params);
  // Both check that the targets fall within the runs, before anything is written.
  targetInputs(spec.scenario, spec.targets, spec.scale);
  targetInputs(spec.scenario, spec.targets, spec.fit.scale);
  const provenance = started(spec.targetsFile);
  prepareOutDir(o.out, o.overwrite);
  const name = spec.scenario.name;

  const abc = await abcSmc(
    prior,
    { particles: spec.particles, generations: spec.generations, quantile: spec.quantile, minAcceptance: spec.minAcceptance, maxSimulations: spec.maxSimulations, seed: spec.seed },
    async (thetas, g, first) => {
      const seeds = thetas.map((_, k) => candidateSeed(spec.seed, g, first + k));
      const label = `generation ${g}, candidates ${first + 1}-${first + thetas.length}`;
      const values = await simulateBatch(spec.scenario, spec.targets, { scale: spec.scale, names: spec.params, thetas, seeds, label }, o);
      return values.map((v) => targetDistance(spec.targets, v));
    },
    o.onGeneration,
  );
  const last = abc.generations[abc.generations.length - 1];
  if (!last) throw new UserError(`--max-simulations ${spec.maxSimulations} is below one generation of ${spec.particles} particles; raise it.`);

  // Best fit: of the last generation's `bestOf` particles nearest the data (one noisy run each),
  // the one whose replicate means (at the fit's scale, common seeds) are nearest on average.
  const order = last.distances.map((d, k) => [d, k] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, spec.bestOf);
  let best: { theta: number[]; rows: FitRow[]; distance: number } | null = null;
  for (const [, k] of order) {
    const theta = spec.params.map((n, d) => roundParam(n, last.thetas[k]![d]!));
    const rows = await replicateFit(spec.scenario, { scale: spec.fit.scale, names: spec.params, theta, label: `best fit: particle ${k + 1} of the last generation` }, { seed: spec.seed, replicates: spec.fit.replicates }, spec.targets, o);
    const distance = fitDistance(rows);
    if (!best || distance < best.distance) best = { theta, rows, distance };
  }
  const bestValues = Object.fromEntries(spec.params.map((n, d) => [n, best!.theta[d]!]));

  // Files, each atomically, after every simulation.
  const paramCols = [...spec.params];
  const particleRow = (g: Generation, k: number): (string | number)[] => [g.index, k + 1, g.weights[k]!, g.distances[k]!, ...Array.from(g.thetas[k]!)];
  writeCsvAtomic(join(o.out, "posterior.csv"), ["generation", "particle", "weight", "distance", ...paramCols], last.thetas.map((_, k) => particleRow(last, k)));
  writeCsvAtomic(join(o.out, "particles.csv"), ["generation", "particle", "weight", "distance", ...paramCols], abc.generations.flatMap((g) => g.thetas.map((_, k) => particleRow(g, k))));
  writeCsvAtomic(join(o.out, "generations.csv"), ["generation", "epsilon", "simulations", "kept", "acceptance", "ess", ...paramCols.flatMap((n) => [`${n}_mean`, `${n}_sd`])],
    abc.generations.map((g) => {
      const { mean, variance } = weightedMoments(g.thetas, g.weights, paramCols.length);
      return [g.index, Number.isFinite(g.epsilon) ? g.epsilon : "", g.simulations, g.thetas.length, g.thetas.length / g.simulations, effectiveSampleSize(g.weights),
        ...paramCols.flatMap((_, d) => [mean[d]!, Math.sqrt(variance[d]!)])];
    }));
  writeFitCsv(o.out, best!.rows);
  await writeFitSvg(o.out, best!.rows, `${name}, best fit: simulated (mean, 95% CI over ${spec.fit.replicates} replicates, scale ${spec.fit.scale}) vs observed`);
  const bestFitFile = join(o.out, "best-fit.yaml");
  writeBestFit(bestFitFile, { ...spec, command: "calibrate", beside: "posterior.csv and fit.csv" }, bestValues, best!.distance);
  rmSync(join(o.out, "refine.csv"), { force: true }); // a refinement's, if --overwrite reuses its folder
  writeCalibrationManifest(o.out, {
    ...baseManifest(o.command, o.threads, provenance),
    kind: "calibration", scenario: spec.scenario, targetsFile: spec.targetsFile, targetsSha256: provenance.targetsSha256,
    seed: spec.seed, scale: spec.scale, params: spec.params, metrics: spec.metrics ?? "all", fitThrough: spec.fitThrough ?? "all", prior: { lo: prior.lo, hi: prior.hi },
    abc: { particles: spec.particles, generations: spec.generations, quantile: spec.quantile, minAcceptance: spec.minAcceptance, maxSimulations: spec.maxSimulations, simulations: abc.simulations, stop: abc.stop, generationsRun: abc.generations.length - 1 },
    bestOf: spec.bestOf, fit: { ...spec.fit, distance: best!.distance }, best: bestValues,
    streams: { derivation: "proposals: Alea seeded 'migsim/abc/<seed>'; candidate k of generation g: sha256 of (seed, g, k) -> task seed; best-fit replicates: as migsim run --seed" },
    outputs: outputsOf(o.out, ["posterior.csv", "particles.csv", "generations.csv", "best-fit.yaml", "fit.csv", "fit.svg"]),
  });
  return { abc, best: bestValues, fit: best!.rows, bestFitFile };
}

/** What a best-fit file says it came from. */
interface BestFitOrigin extends FitSelection {
  /** "calibrate" (the ABC's best particle) or "refine" (the Nelder-Mead search from the scenario's values). */
  command: "calibrate" | "refine";
  /** Files written beside best-fit.yaml that it comes from. */
  beside: string;
}

/** A scenario file that extends the calibrated scenario with the best-fit values. */
function writeBestFit(path: string, spec: BestFitOrigin, values: Record<string, number>, distance: number): void {
  const scenarioFile = spec.scenario.files[0]?.path;
  const extendsPath = scenarioFile ? relative(dirname(resolve(path)), resolve(scenarioFile)).split(sep).join("/") : undefined;
  const how = spec.command === "calibrate" ? "ABC best-fit values" : "refined best-fit values (Nelder-Mead)";
  const doc = {
    name: `${spec.scenario.name.replace(/-(calibrated|refined)$/, "")}-${spec.command === "calibrate" ? "calibrated" : "refined"}`,
    description: `${spec.scenario.name} with the ${how} of ${spec.params.length} parameters (distance ${distance.toFixed(3)} over the ${spec.metrics ? `${spec.metrics.join(", ")} ` : ""}targets of ${spec.targetsFile}${spec.fitThrough ? ` through ${spec.fitThrough}` : ""}).`,
    sources: [`migsim ${spec.command} (seed ${spec.seed}); ${spec.beside} beside this file`],
    ...(extendsPath && { extends: extendsPath }),
    params: values,
  };
  // The command (with --threads and --out) is in manifest.json; this file depends on the seed and settings alone.
  const text = `# Written by migsim ${spec.command} (seed ${spec.seed}); the full command is in manifest.json beside this file.\n${stringify(doc, { lineWidth: 100 })}`;
  writeFileAtomic(path, text);
}

export interface RefineSpec extends FitSelection {
  /** Scale and replicates of every evaluation (the fit report's). */
  fit: { scale: number; replicates: number };
  maxEvaluations: number;
  /** Initial simplex side, as a share of each parameter's range. */
  step: number;
}

export interface RefineResult {
  start: Record<string, number>;
  startDistance: number;
  best: Record<string, number>;
  distance: number;
  evaluations: number;
  stop: NelderMeadResult["stop"];
  fit: FitRow[];
  bestFitFile: string;
}

/**
 * `migsim refine`: a Nelder-Mead search (nelder-mead.ts) over `params` within their ranges, from
 * the scenario's values, for the point whose fit (replicates 1..R at the fit's scale, as `migsim
 * fit`) is nearest the targets. Every evaluation uses the same seeds (common random numbers), so
 * the search compares parameter sets, not draws. Values are rounded as in best-fit.yaml before
 * they are run, so the file reproduces the distance it reports. Writes refine.csv (every
 * evaluation), best-fit.yaml, fit.csv, fit.svg and manifest.json.
 */
export async function runRefine(spec: RefineSpec, o: { out: string; overwrite: boolean; command: string[]; onEvaluation?: (k: number, distance: number, best: number) => void } & PoolHooks): Promise<RefineResult> {
  const prior = priorOf(spec.params);
  const base = targetInputs(spec.scenario, spec.targets, spec.fit.scale);
  const provenance = started(spec.targetsFile);
  const startTheta = spec.params.map((n) => Number(base.params[n]));
  // The search's unit box: each range mapped linearly, or by its logarithm where the range is
  // positive and spans a factor of 10 or more (a hazard from 0.0002 to 0.01 per month: a step of
  // a tenth of the range would otherwise treble the smallest values and barely move the largest).
  const logScale = spec.params.map((_, d) => prior.lo[d]! > 0 && prior.hi[d]! / prior.lo[d]! >= 10);
  const fromUnit = (u: number, d: number): number =>
    logScale[d] ? prior.lo[d]! * (prior.hi[d]! / prior.lo[d]!) ** u : prior.lo[d]! + u * (prior.hi[d]! - prior.lo[d]!);
  const toUnit = (v: number, d: number): number =>
    logScale[d] ? Math.log(v / prior.lo[d]!) / Math.log(prior.hi[d]! / prior.lo[d]!) : (v - prior.lo[d]!) / (prior.hi[d]! - prior.lo[d]!);
  const toTheta = (u: ArrayLike<number>) => spec.params.map((n, d) => roundParam(n, fromUnit(u[d]!, d)));
  const startU = startTheta.map((v, d) => toUnit(Math.min(prior.hi[d]!, Math.max(prior.lo[d]!, v)), d));
  prepareOutDir(o.out, o.overwrite);

  const seen = new Map<string, { distance: number; rows: FitRow[] }>();
  const log: (string | number)[][] = [];
  let best: { theta: number[]; rows: FitRow[]; distance: number } | null = null;
  const evaluate = async (u: ArrayLike<number>): Promise<number> => {
    const theta = toTheta(u);
    const key = theta.join(",");
    let hit = seen.get(key);
    if (!hit) {
      const rows = await replicateFit(spec.scenario, { scale: spec.fit.scale, names: spec.params, theta, label: `refine: evaluation ${log.length + 1}` }, { seed: spec.seed, replicates: spec.fit.replicates }, spec.targets, o);
      hit = { distance: fitDistance(rows), rows };
      seen.set(key, hit);
    }
    const within = hit.rows.filter((r) => r.target.weight > 0 && r.within === "yes").length;
    log.push([log.length + 1, hit.distance, within, ...theta]);
    if (!best || hit.distance < best.distance) best = { theta, rows: hit.rows, distance: hit.distance };
    o.onEvaluation?.(log.length, hit.distance, best.distance);
    return hit.distance;
  };
  // The simplex's first vertex is the start (clipped into the ranges): evaluation 1.
  const nm = await nelderMead(evaluate, startU, { maxEvaluations: spec.maxEvaluations, step: spec.step, valueTolerance: 1e-4, pointTolerance: 1e-3 });
  const startDistance = log[0]![1] as number;
  const found = best!;
  const bestValues = Object.fromEntries(spec.params.map((n, d) => [n, found.theta[d]!]));

  writeCsvAtomic(join(o.out, "refine.csv"), ["evaluation", "distance", "targets_within", ...spec.params], log);
  writeFitCsv(o.out, found.rows);
  await writeFitSvg(o.out, found.rows, `${spec.scenario.name}, refined best fit: simulated (mean, 95% CI over ${spec.fit.replicates} replicates, scale ${spec.fit.scale}) vs observed`);
  const bestFitFile = join(o.out, "best-fit.yaml");
  writeBestFit(bestFitFile, { ...spec, command: "refine", beside: "refine.csv and fit.csv" }, bestValues, found.distance);
  for (const f of ["posterior.csv", "particles.csv", "generations.csv"]) rmSync(join(o.out, f), { force: true });
  // The start as evaluated: clipped into the ranges and rounded (evaluation 1).
  const startEvaluated = toTheta(startU);
  const start = Object.fromEntries(spec.params.map((n, d) => [n, startEvaluated[d]!]));
  writeCalibrationManifest(o.out, {
    ...baseManifest(o.command, o.threads, provenance),
    kind: "refine", scenario: spec.scenario, targetsFile: spec.targetsFile, targetsSha256: provenance.targetsSha256,
    seed: spec.seed, params: spec.params, metrics: spec.metrics ?? "all", fitThrough: spec.fitThrough ?? "all", bounds: { lo: prior.lo, hi: prior.hi },
    refine: { method: "Nelder-Mead, adaptive coefficients (Gao and Han 2012), in the unit box of the ranges (logarithmic for logScale)", logScale: spec.params.filter((_, d) => logScale[d]), maxEvaluations: spec.maxEvaluations, step: spec.step, evaluations: log.length, distinctRuns: seen.size, stop: nm.stop },
    fit: { ...spec.fit, startDistance, distance: found.distance }, start, best: bestValues,
    streams: { derivation: "every evaluation: replicates 1..R seeded as migsim run --seed (common random numbers)" },
    outputs: outputsOf(o.out, ["refine.csv", "best-fit.yaml", "fit.csv", "fit.svg"]),
  });
  return { start, startDistance, best: bestValues, distance: found.distance, evaluations: log.length, stop: nm.stop, fit: found.rows, bestFitFile };
}
