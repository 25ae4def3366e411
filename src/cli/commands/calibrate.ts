// `migsim calibrate <scenario> --targets <file>`: ABC-SMC over the calibrated parameters on the
// worker pool, then the best fit and its fit report. `migsim fit <scenario>`: the fit report alone.

import { join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { type CalibrationSpec, type SimulateBatch, calibratedParams, runCalibration, runFit, runRefine } from "../../calibrate/calibrate.js";
import { type FitRow } from "../../calibrate/fit.js";
import { type Target, fittedThrough, loadTargets, onlyMetrics } from "../../calibrate/targets.js";
import { UserError } from "../../errors.js";
import { PARAMS, PARAM_NAMES, type ParamName } from "../../model/params.js";
import { DATA_DIR } from "../../scenario/data.js";
import { loadScenario, nearestKey } from "../../scenario/load.js";
import { type ModelInputs, parseMonth } from "../../model/inputs.js";
import type { Task } from "../../run/tasks.js";
import { type Progress, createProgress } from "../progress.js";
import { defaultOutDir, parseShard, quietOption, threadsOption } from "./run.js";
import { resourcesOf, slurmResourceOptions } from "./slurm.js";
import { runCandidateShard, slurmSimulator } from "../../calibrate/slurm.js";

/** The package's targets, wherever migsim is run from (a --targets path given is relative to the current folder). */
export const DEFAULT_TARGETS = join(DATA_DIR, "observed", "targets.csv");

interface CommonArgs {
  scenario: string;
  targets: string;
  seed: number;
  threads: number;
  out?: string;
  quiet: boolean;
  overwrite: boolean;
}

interface FitArgs extends CommonArgs {
  scale: number;
  replicates: number;
}

interface CalibrateArgs extends CommonArgs {
  slurm: boolean;
  shards: number;
  partition?: string;
  account?: string;
  time?: string;
  mem?: string;
  cpusPerTask: number;
  params?: string;
  metrics?: string;
  fitThrough?: string;
  scale: number;
  particles: number;
  generations: number;
  quantile: number;
  minAcceptance: number;
  maxSimulations: number;
  bestOf: number;
  fitScale: number;
  fitReplicates: number;
}

const wholeNumber = (name: string, v: number, min: number, max: number): void => {
  if (!Number.isInteger(v) || v < min || v > max) throw new UserError(`--${name} expects a whole number from ${min} to ${max}, got ${v}.`);
};
const share = (name: string, v: number, example: string): void => {
  if (!(v > 0 && v <= 1)) throw new UserError(`--${name} expects a number in (0, 1], e.g. ${example}, got ${v}.`);
};

function checkCommon(a: CommonArgs): void {
  wholeNumber("seed", a.seed, 0, 2 ** 32 - 1);
  wholeNumber("threads", a.threads, 1, 256);
}

function commonOptions<T>(y: Argv<T>) {
  return y
    .positional("scenario", { type: "string", demandOption: true, describe: "Scenario file (YAML or JSON)" })
    .option("targets", { type: "string", default: DEFAULT_TARGETS, defaultDescription: "data/observed/targets.csv of the migsim package", describe: "Observed targets (CSV: metric,nationality,date,observed,tolerance,weight,source); a path given is relative to the current folder" })
    .option("seed", { type: "number", default: 1, describe: "Root seed; the same seed gives the same results" })
    .option("threads", threadsOption)
    .option("out", { type: "string", describe: "Output folder (default: a new folder under output/)" })
    .option("quiet", quietOption)
    .option("overwrite", { type: "boolean", default: false, describe: "Replace earlier results in --out" });
}

/**
 * Progress: on a terminal, a bar per batch of simulations; otherwise a line every 30 s with the
 * runs done (calibrate also prints a line per generation).
 */
function hooks(quiet: boolean) {
  const mode = quiet ? "quiet" : process.stderr.isTTY ? "bar" : "lines";
  let progress: Progress = createProgress("quiet");
  let runs = 0;
  let lastLine = Date.now();
  return {
    onBatchStart: (tasks: readonly Task[], inputs: readonly ModelInputs[]) => {
      progress.stop();
      if (mode !== "bar") return;
      progress = createProgress(mode);
      progress.start(tasks, inputs);
    },
    onProgress: (k: number, m: number, am: number) => progress.update(k, m, am),
    onTaskDone: (t: { index: number }) => {
      progress.taskDone(t.index);
      runs++;
      if (mode === "lines" && Date.now() - lastLine > 30_000) {
        lastLine = Date.now();
        process.stderr.write(`migsim: ${runs} runs done\n`);
      }
    },
    stop: () => progress.stop(),
  };
}

/**
 * The fit in a line: the fitted targets within tolerance, and the reported-only ones (weight 0:
 * simulated and in fit.csv, not in the distance), so a miss among those is not hidden by "N of N".
 */
export function fitLine(rows: readonly FitRow[]): string {
  const simulated = rows.filter((r) => r.within !== "not simulated");
  const fitted = simulated.filter((r) => r.target.weight > 0);
  const reported = simulated.filter((r) => r.target.weight <= 0);
  const off = (r: FitRow): string => `${r.target.id} (${((r.mean / r.target.observed - 1) * 100).toFixed(0)}%)`;
  const missed = fitted.filter((r) => r.within === "no");
  const reportedMissed = reported.filter((r) => r.within === "no");
  return `${fitted.length - missed.length} of ${fitted.length} fitted targets within tolerance${missed.length ? `; outside: ${missed.map(off).join(", ")}` : ""}`
    + (reported.length === 0 ? "" : `; and ${reported.length} reported-only target${reported.length === 1 ? "" : "s"} (weight 0, not fitted), ${reportedMissed.length} of which ${reportedMissed.length === 1 ? "misses" : "miss"}${reportedMissed.length ? `: ${reportedMissed.map(off).join(", ")}` : ""}`);
}

function printFit(rows: readonly FitRow[]): void {
  process.stderr.write(`migsim: ${fitLine(rows)}\n`);
}

export const fitCommand: CommandModule<object, FitArgs> = {
  command: "fit <scenario>",
  describe: "Fit report: replicates of a scenario against the observed targets (fit.csv, fit.svg)",
  builder: (y: Argv) =>
    commonOptions(y)
      .option("scale", { type: "number", default: 0.1, describe: "Share of the real population simulated, in (0, 1]" })
      .option("replicates", { type: "number", default: 5, describe: "Replicates (the report shows their mean and 95% interval)" }) as unknown as Argv<FitArgs>,
  handler: async (a: ArgumentsCamelCase<FitArgs>) => {
    checkCommon(a);
    share("scale", a.scale, "0.1");
    wholeNumber("replicates", a.replicates, 1, 10000);
    const scenario = loadScenario(a.scenario);
    const targets = loadTargets(a.targets);
    const out = a.out ?? defaultOutDir([`fit-${scenario.name}`]);
    const h = hooks(a.quiet);
    try {
      const rows = await runFit({ scenario, targetsFile: a.targets, targets, seed: a.seed, scale: a.scale, replicates: a.replicates }, { out, overwrite: a.overwrite, command: process.argv.slice(2), threads: a.threads, ...h });
      h.stop();
      if (!a.quiet) {
        printFit(rows);
        process.stderr.write(`migsim: fit report written to ${join(out, "fit.csv")} and ${join(out, "fit.svg")}\n`);
      }
    } finally {
      h.stop();
    }
  },
};

/** Status lines of Slurm batches: every batch's first, then a changed line at most every 10 s. */
function slurmStatusLines(): (label: string, line: string) => void {
  let lastAt = 0;
  let lastLabel = "";
  let lastLine = "";
  return (label, line) => {
    if (label !== lastLabel || (line !== lastLine && Date.now() - lastAt > 10_000)) {
      process.stderr.write(`${line}\n`);
      lastAt = Date.now();
      lastLabel = label;
      lastLine = line;
    }
  };
}

interface CandidatesArgs {
  batch: string;
  shard: string;
  threads: number;
}

/** The array task of calibrate --slurm (not for users: no help entry). */
export const candidatesCommand: CommandModule<object, CandidatesArgs> = {
  command: "candidates <batch>",
  describe: false,
  builder: (y: Argv) =>
    y
      .positional("batch", { type: "string", demandOption: true })
      .option("shard", { type: "string", demandOption: true })
      .option("threads", threadsOption) as unknown as Argv<CandidatesArgs>,
  handler: async (a: ArgumentsCamelCase<CandidatesArgs>) => {
    wholeNumber("threads", a.threads, 1, 256);
    const path = await runCandidateShard(a.batch, parseShard(a.shard), { threads: a.threads });
    process.stderr.write(`migsim: wrote ${path}\n`);
  },
};

interface SelectionArgs {
  targets: string;
  params?: string;
  metrics?: string;
  fitThrough?: string;
}

/** The parameters to fit and the targets in the distance, from --params, --targets, --metrics and --fit-through. */
function fitSelection(a: SelectionArgs): { params: ParamName[]; targets: Target[]; metrics?: string[] } {
  for (const [flag, v] of [["params", a.params], ["metrics", a.metrics], ["fit-through", a.fitThrough]] as const) {
    if (Array.isArray(v)) throw new UserError(`--${flag} was given ${v.length} times; give it once, with the names separated by commas.`);
  }
  let params: ParamName[] = calibratedParams();
  if (a.params !== undefined) {
    params = a.params.split(",").map((p) => p.trim()).filter((p) => p !== "") as ParamName[];
    const unknown = params.filter((p) => !(p in PARAMS));
    if (unknown.length > 0) {
      const near = unknown.map((p) => [p, nearestKey(p, PARAM_NAMES)] as const).filter(([, k]) => k !== undefined);
      throw new UserError(`--params: unknown parameter(s) ${unknown.join(", ")}${near.length ? ` (did you mean ${near.map(([p, k]) => (unknown.length > 1 ? `"${k}" for ${p}` : `"${k}"`)).join(", ")}?)` : ""} (see migsim params for the names).`);
    }
    if (params.length === 0) throw new UserError("--params: name at least one parameter.");
    const twice = params.filter((p, k) => params.indexOf(p) !== k);
    if (twice.length > 0) throw new UserError(`--params names ${[...new Set(twice)].join(", ")} more than once; name each parameter once.`);
  }
  let targets = loadTargets(a.targets);
  const metrics = a.metrics?.split(",").map((m) => m.trim()).filter((m) => m !== "");
  if (metrics !== undefined) {
    if (metrics.length === 0) throw new UserError("--metrics: name at least one target metric, e.g. ti_missing,ti_stock.");
    targets = onlyMetrics(targets, metrics, a.targets);
  }
  if (a.fitThrough !== undefined) {
    let through: number;
    try {
      through = parseMonth(String(a.fitThrough));
    } catch {
      throw new UserError(`--fit-through expects a month as YYYY-MM, e.g. 2021-12, got "${a.fitThrough}".`);
    }
    targets = fittedThrough(targets, through, `--fit-through ${a.fitThrough}`);
  }
  return { params, targets, ...(metrics && { metrics }) };
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: "calibrate <scenario>",
  describe: "Calibrate parameters to observed targets by ABC-SMC on the worker pool; writes the posterior, a best-fit scenario and a fit report",
  builder: (y: Argv) =>
    slurmResourceOptions(commonOptions(y))
      .option("params", { type: "string", describe: "Comma-separated parameters to calibrate (default: every parameter whose source is 'calibrated'; see migsim params)" })
      .option("metrics", { type: "string", describe: "Comma-separated target metrics in the distance, e.g. ti_missing,ti_stock (default: all; the others are still reported in the fit)" })
      .option("fit-through", { type: "string", describe: "Fit only targets that end by this month (YYYY-MM); later ones are simulated and reported, not fitted (a forecast check: docs/validation.md)" })
      .option("scale", { type: "number", default: 0.05, describe: "Scale of each candidate's run, in (0, 1]" })
      .option("particles", { type: "number", default: 100, describe: "Particles per generation" })
      .option("generations", { type: "number", default: 4, describe: "ABC-SMC generations after the prior sample" })
      .option("quantile", { type: "number", default: 0.5, describe: "Each tolerance is this quantile of the previous generation's distances" })
      .option("min-acceptance", { type: "number", default: 0.05, describe: "Stop when a generation keeps fewer than this share of its candidates" })
      .option("max-simulations", { type: "number", default: 5000, describe: "Stop before this many candidate runs in all" })
      .option("best-of", { type: "number", default: 5, describe: "Re-run this many of the final particles nearest the data; the best on average is the best fit" })
      .option("fit-scale", { type: "number", default: 0.1, describe: "Scale of the best-fit replicates and the fit report" })
      .option("fit-replicates", { type: "number", default: 5, describe: "Replicates of each best-fit candidate and of the fit report" })
      .option("slurm", { type: "boolean", default: false, describe: "Run each batch of candidates as a Slurm job array (sbatch), waiting between batches; the posterior is the same as a local run's" })
      .option("shards", { type: "number", default: 10, describe: "With --slurm: array tasks per batch (each runs every N-th candidate)" })
      .group(["slurm", "shards", "partition", "account", "time", "mem", "cpus-per-task"], "Slurm (with --slurm):") as unknown as Argv<CalibrateArgs>,
  handler: async (a: ArgumentsCamelCase<CalibrateArgs>) => {
    checkCommon(a);
    share("scale", a.scale, "0.05");
    share("fit-scale", a.fitScale, "0.1");
    wholeNumber("particles", a.particles, 2, 100000);
    wholeNumber("generations", a.generations, 0, 100);
    wholeNumber("max-simulations", a.maxSimulations, 2, 10_000_000);
    wholeNumber("best-of", a.bestOf, 1, a.particles);
    wholeNumber("fit-replicates", a.fitReplicates, 1, 10000);
    if (!(a.quantile > 0 && a.quantile < 1)) throw new UserError(`--quantile expects a number in (0, 1), e.g. 0.5, got ${a.quantile}.`);
    if (!(a.minAcceptance >= 0 && a.minAcceptance < 1)) throw new UserError(`--min-acceptance expects a share in [0, 1), e.g. 0.05, got ${a.minAcceptance}.`);
    const scenario = loadScenario(a.scenario);
    const { params, targets, metrics } = fitSelection(a);
    const spec: CalibrationSpec = {
      scenario, targetsFile: a.targets, targets, params, ...(metrics && { metrics }), ...(a.fitThrough !== undefined && { fitThrough: String(a.fitThrough) }), seed: a.seed, scale: a.scale, particles: a.particles, generations: a.generations,
      quantile: a.quantile, minAcceptance: a.minAcceptance, maxSimulations: a.maxSimulations, bestOf: a.bestOf,
      fit: { scale: a.fitScale, replicates: a.fitReplicates },
    };
    const out = a.out ?? defaultOutDir([`calibrate-${scenario.name}`]);
    const h = hooks(a.quiet);
    let simulate: SimulateBatch | undefined;
    if (a.slurm) {
      wholeNumber("shards", a.shards, 1, 10_000);
      const resources = resourcesOf(a);
      simulate = slurmSimulator({ out, scenario, targetsFile: a.targets, resources, shards: a.shards, ...(!a.quiet && { onStatus: slurmStatusLines() }) });
    }
    const t0 = Date.now();
    try {
      const r = await runCalibration(spec, {
        out, overwrite: a.overwrite, command: process.argv.slice(2), threads: a.threads, ...h, ...(simulate && { simulate }),
        onGeneration: (g, sims) => {
          if (a.quiet) return;
          h.stop();
          const eps = Number.isFinite(g.epsilon) ? g.epsilon.toFixed(3) : "none (prior)";
          const min = Math.min(...g.distances);
          process.stderr.write(`migsim: generation ${g.index}/${a.generations}: tolerance ${eps}, kept ${g.thetas.length} of ${g.simulations} (${((100 * g.thetas.length) / g.simulations).toFixed(0)}%), nearest ${min.toFixed(3)}, ${sims} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
        },
      });
      h.stop();
      if (!a.quiet) {
        if (r.abc.stop !== "generations") process.stderr.write(`migsim: stopped early (${r.abc.stop === "budget" ? "--max-simulations reached" : "acceptance below --min-acceptance"}); the posterior is the last complete generation.\n`);
        printFit(r.fit);
        process.stderr.write(`migsim: posterior, best fit (${r.bestFitFile}) and fit report written to ${out}\n`);
      }
    } finally {
      h.stop();
    }
  },
};

interface RefineArgs extends CommonArgs {
  params?: string;
  metrics?: string;
  fitThrough?: string;
  maxEvaluations: number;
  step: number;
  scale: number;
  replicates: number;
}

export const refineCommand: CommandModule<object, RefineArgs> = {
  command: "refine <scenario>",
  describe: "Refine a best fit: a Nelder-Mead search from the scenario's parameter values for the fit nearest the targets (common seeds); writes refine.csv, best-fit.yaml and a fit report",
  builder: (y: Argv) =>
    commonOptions(y)
      .option("params", { type: "string", describe: "Comma-separated parameters to refine, within their ranges (default: every parameter whose source is 'calibrated')" })
      .option("metrics", { type: "string", describe: "Comma-separated target metrics in the distance (default: all; the others are still reported in the fit)" })
      .option("fit-through", { type: "string", describe: "Fit only targets that end by this month (YYYY-MM); later ones are simulated and reported, not fitted" })
      .option("max-evaluations", { type: "number", default: 200, describe: "Stop after this many evaluations (each a fit of --replicates runs; a point met before counts without a run)" })
      .option("step", { type: "number", default: 0.1, describe: "Initial simplex side, as a share of each parameter's range" })
      .option("scale", { type: "number", default: 0.1, describe: "Scale of each fit's replicates, in (0, 1]" })
      .option("replicates", { type: "number", default: 5, describe: "Replicates of each fit (the same seeds for every evaluation)" }) as unknown as Argv<RefineArgs>,
  handler: async (a: ArgumentsCamelCase<RefineArgs>) => {
    checkCommon(a);
    share("scale", a.scale, "0.1");
    share("step", a.step, "0.1");
    wholeNumber("max-evaluations", a.maxEvaluations, 1, 1_000_000);
    wholeNumber("replicates", a.replicates, 1, 10000);
    const scenario = loadScenario(a.scenario);
    const { params, targets, metrics } = fitSelection(a);
    const out = a.out ?? defaultOutDir([`refine-${scenario.name}`]);
    const h = hooks(true);
    const t0 = Date.now();
    let lastLine = 0;
    try {
      const r = await runRefine(
        { scenario, targetsFile: a.targets, targets, params, ...(metrics && { metrics }), ...(a.fitThrough !== undefined && { fitThrough: String(a.fitThrough) }), seed: a.seed, fit: { scale: a.scale, replicates: a.replicates }, maxEvaluations: a.maxEvaluations, step: a.step },
        {
          out, overwrite: a.overwrite, command: process.argv.slice(2), threads: a.threads, ...h,
          onEvaluation: (k, d, best) => {
            if (a.quiet || (k > 1 && k < a.maxEvaluations && Date.now() - lastLine < 10_000 && d > best)) return;
            lastLine = Date.now();
            process.stderr.write(`migsim: evaluation ${k}/${a.maxEvaluations}: distance ${d.toFixed(4)}, best ${best.toFixed(4)}, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
          },
        },
      );
      if (!a.quiet) {
        process.stderr.write(`migsim: ${r.stop === "converged" ? "converged" : "--max-evaluations reached"} after ${r.evaluations} evaluations; distance ${r.startDistance.toFixed(4)} at the start, ${r.distance.toFixed(4)} at the best\n`);
        printFit(r.fit);
        process.stderr.write(`migsim: refined best fit (${r.bestFitFile}), refine.csv and fit report written to ${out}\n`);
      }
    } finally {
      h.stop();
    }
  },
};
