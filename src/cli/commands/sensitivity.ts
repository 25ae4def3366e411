// `migsim sensitivity <scenario> [<scenario2>] --method morris|sobol --params ... --metrics ...`:
// a global sensitivity analysis (issue 18). Writes the plan (DIR/sensitivity.json) and its design
// in parameter units (DIR/design.csv), runs the design with `migsim run --design DIR/design.csv
// --out DIR/runs` through the CLI itself (so the run's checks, progress, Ctrl-C, --resume and
// manifest are the run's own), then computes the indices (DIR/sensitivity.csv, sensitivity.svg).
// `--design-only` stops after the plan and prints the commands to run it on a cluster and to
// finish; `migsim sensitivity --analyse DIR` computes the indices of a folder whose runs are done.
// Everything is checked before anything is written: the flags, the scenarios, the design against
// the run's rules (validateScenarios) and the metric names against those summary.csv will hold.

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { calibratedParams } from "../../calibrate/calibrate.js";
import { UserError, ioError } from "../../errors.js";
import { writeFileAtomic } from "../../output/atomic.js";
import { type FolderLock, lockFolder } from "../../output/lock.js";
import { analyseSensitivity } from "../../run/sensitivity-analysis.js";
import { runMetrics, runWindows } from "../../run/experiment.js";
import {
  CHART_FILE, DEFAULT_BOOTSTRAP, DEFAULT_N, DEFAULT_SCALE, DESIGN_FILE, MAX_BOOTSTRAP, PLAN_FILE, POSTERIOR_NOTE, RESULT_FILE, RUNS_DIR,
  SENSITIVITY_METHODS, type SensitivityMethod, type SensitivityPlan, checkDesignSize, makePlan, parseMetrics, parseParams, planText, readPlan,
  runArgs, shellLine,
} from "../../run/sensitivity-plan.js";
import { variedParamWarnings } from "../../scenario/design.js";
import { loadScenarioLayers } from "../../scenario/load.js";
import { readPosterior } from "../../scenario/posterior.js";
import { clipPath, quote } from "../../scenario/quote.js";
import { validateScenarios } from "../../scenario/validate.js";
import { DEFAULT_MORRIS_LEVELS } from "../../sensitivity/index.js";
import { defaultOutDir, experimentSpec, quietOption, threadsOption } from "./run.js";

interface SensitivityArgs {
  scenarios?: string[];
  method?: string;
  params?: string;
  metrics?: string;
  n?: number;
  levels?: number;
  replicates?: number;
  scale?: number;
  until?: string;
  window?: string | string[];
  posterior?: string;
  seed?: string;
  bootstrap?: number;
  threads: number;
  out?: string;
  overwrite: boolean;
  quiet: boolean;
  designOnly: boolean;
  analyse?: string;
}

/** The files of a sensitivity folder (a folder holding any of them holds an analysis). */
const FOLDER_FILES = [PLAN_FILE, DESIGN_FILE, RESULT_FILE, CHART_FILE, RUNS_DIR];

const once = (flag: string, v: unknown): void => {
  if (Array.isArray(v)) throw new UserError(`--${flag} was given ${v.length} times; give it once${flag === "params" || flag === "metrics" ? ", with the names separated by commas" : ""}.`);
};

function wholeNumber(flag: string, v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new UserError(`--${flag} expects ${what}, a whole number from ${lo} to ${hi}, got ${v}.`);
  return v;
}

/** The folder's analysis files already there (without --overwrite, refused). */
function existing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir).filter((f) => FOLDER_FILES.includes(f));
  } catch (e) {
    throw new UserError(`Output folder ${clipPath(dir)} cannot be used: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder).`);
  }
}

function refuseExisting(dir: string, overwrite: boolean): void {
  const found = existing(dir);
  if (found.length === 0 || overwrite) return;
  throw new UserError(`Output folder ${clipPath(dir)} already holds a sensitivity analysis (${found.join(", ")}); choose another --out, finish it (migsim run --resume ${join(dir, RUNS_DIR)} if its runs were interrupted, then migsim sensitivity --analyse ${clipPath(dir)}), or pass --overwrite to replace it.`);
}

/** The plan of a new analysis from the flags, checked in full; nothing is written. */
function planFromArgs(a: SensitivityArgs, out: (names: string[]) => string): { plan: SensitivityPlan; designText: string; dir: string; warnings: string[] } {
  const scenarios = a.scenarios ?? [];
  if (scenarios.length === 0 || scenarios.length > 2) {
    throw new UserError(`${scenarios.length === 0 ? "Name a scenario file" : `${scenarios.length} scenario files were given; name one or two`}: migsim sensitivity SCENARIO [SCENARIO2] --method morris|sobol --params NAMES --metrics NAMES (with two, the indices are of the second's effect against the first), or migsim sensitivity --analyse DIR.`);
  }
  for (const [flag, v] of [["method", a.method], ["params", a.params], ["metrics", a.metrics], ["n", a.n], ["levels", a.levels], ["replicates", a.replicates], ["scale", a.scale], ["until", a.until], ["posterior", a.posterior], ["seed", a.seed], ["bootstrap", a.bootstrap], ["out", a.out]] as const) once(flag, v);
  if (a.method === undefined) throw new UserError(`--method is missing: give --method morris (elementary effects, for screening many parameters) or --method sobol (first-order and total indices).`);
  const method = String(a.method).trim() as SensitivityMethod;
  if (!SENSITIVITY_METHODS.includes(method)) throw new UserError(`--method expects morris or sobol, got ${quote(a.method)}.`);
  if (a.params === undefined) throw new UserError(`--params is missing: name the numeric parameters to vary, separated by commas (migsim params lists them), or calibrated for the ${calibratedParams().length} calibrated ones.`);
  if (a.metrics === undefined) throw new UserError(`--metrics is missing: name the summary.csv metrics to analyse, separated by commas, e.g. --metrics abscond_total,return_total.`);
  const params = parseParams(String(a.params), calibratedParams());
  const n = a.n ?? DEFAULT_N[method];
  if (method === "sobol" && a.levels !== undefined) throw new UserError(`--levels sets the grid of --method morris; --method sobol samples its points uniformly and takes no --levels.`);
  const levels = method === "morris" ? a.levels ?? DEFAULT_MORRIS_LEVELS : null;
  if (levels !== null && (!Number.isInteger(levels) || levels < 2 || levels > 100 || levels % 2 !== 0)) {
    throw new UserError(`--levels expects the number of Morris grid levels, an even whole number from 2 to 100 (4 is usual), got ${levels}.`);
  }
  const points = checkDesignSize(method, n, params.length);
  const bootstrap = wholeNumber("bootstrap", a.bootstrap ?? DEFAULT_BOOTSTRAP, 0, MAX_BOOTSTRAP, "the number of bootstrap resamples (0: no intervals)");
  const scale = a.scale ?? DEFAULT_SCALE;
  // The run's own checks of the seed, replicates, scale, until and windows, and the scenario files loaded.
  const spec = experimentSpec({ scenarios, seed: a.seed ?? "1", ...(a.replicates !== undefined && { replicates: a.replicates }), scale, ...(a.until !== undefined && { until: String(a.until) }), events: false, ciTarget: 0.05, ...(a.window !== undefined && { window: a.window }) }, "sensitivity");
  const names = spec.scenarios.map((s) => s.name);
  const posterior = a.posterior !== undefined ? readPosterior(String(a.posterior)) : null;
  if (posterior && !params.some((p) => posterior.params.includes(p))) {
    throw new UserError(`--posterior ${clipPath(String(a.posterior))} holds none of the --params (${params.join(", ")}); its parameters are ${posterior.params.join(", ")}. Leave --posterior out to vary the parameters over their ranges.`);
  }
  // The scenarios' periods (an --until before a start), scale, names and windows, as the run checks them.
  validateScenarios(spec.scenarios, spec);
  const periods = spec.scenarios.map((s) => ({ name: s.name, start: s.start, end: spec.until ?? s.end }));
  const windows = spec.windows ?? [];
  // The run counts its policy windows and the scenarios' declared windows and metrics too (runWindows, runMetrics).
  const counted = runWindows(spec);
  const metrics = parseMetrics(String(a.metrics), periods, counted, runMetrics(spec, counted));
  const dir = a.out ?? out(names);
  const { plan, designText, design } = makePlan({
    method, params, n, levels, seed: spec.seed, bootstrap, metrics, scenarios: scenarios.map((file, k) => ({ file, name: names[k]! })),
    replicates: spec.replicates, scale, until: spec.until, windows, posterior,
  }, dir);
  if (plan.points !== points) throw new Error(`sensitivity: ${plan.points} design points, expected ${points}`);
  // What `migsim run --design` will check with the design (a scenario with a sweep of its own, the task cap), now.
  validateScenarios(spec.scenarios, { ...spec, design });
  // The design replaces a scenario's own value of a parameter it varies: said, since it changes what a scenario is.
  const warnings = scenarios.flatMap((file, k) => {
    const own = loadScenarioLayers(file).paramsSet.filter((p) => params.includes(p));
    return own.length === 0 ? [] : [`scenario ${names[k]} sets ${own.join(", ")} in its params:, which the design varies: every point runs with the design's value instead${names.length === 2 ? `, so the effect of ${names[1]} leaves out its own change of ${own.length > 1 ? "these parameters" : "it"}` : ""}.`];
  });
  // A policy step that sets a varied parameter: `migsim run` says so when it runs the design; --design-only says it now.
  const stepWarnings = a.designOnly ? variedParamWarnings(spec.scenarios, design) : [];
  return { plan, designText, dir, warnings: [...warnings, ...stepWarnings] };
}

/** Creates DIR and takes its lock, checking again under the lock; clears the earlier analysis's results with --overwrite. */
function prepareDir(dir: string, overwrite: boolean): FolderLock {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const io = ioError(e, dir, "create");
    if (io !== e) throw io;
    throw new UserError(`Cannot create the output folder ${clipPath(dir)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder that can be created and written).`);
  }
  const lock = lockFolder(dir, process.argv.slice(2));
  try {
    refuseExisting(dir, overwrite);
    // The old results would describe another plan; the old runs are replaced by the run's own --overwrite.
    for (const f of [RESULT_FILE, CHART_FILE]) {
      try {
        rmSync(join(dir, f), { force: true });
      } catch (e) {
        throw ioError(e, join(dir, f));
      }
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  return lock;
}

/** Computes and writes the indices of DIR, printing the table on stdout. */
async function analyse(dir: string, plan: SensitivityPlan, quiet: boolean): Promise<void> {
  const r = await analyseSensitivity(dir, plan);
  process.stdout.write(r.table);
  if (!quiet) process.stderr.write(`migsim: indices written to ${r.files.join(" and ")}\n`);
}

export const sensitivityCommand: CommandModule<object, SensitivityArgs> = {
  command: "sensitivity [scenarios..]",
  describe: "Global sensitivity analysis: Morris elementary effects or Sobol indices of summary.csv metrics (or of a second scenario's effect against the first) over parameters' ranges or a posterior",
  builder: (y: Argv) =>
    y
      .usage("migsim sensitivity <scenario> [<scenario2>] --method morris|sobol --params NAMES|calibrated --metrics NAMES [options]\nmigsim sensitivity --analyse DIR")
      .positional("scenarios", { type: "string", array: true, describe: "One scenario file, or two: the indices are then of the second's paired effect against the first (effects.csv's diff_mean)" })
      .option("method", { type: "string", describe: "morris: elementary effects (mu, mu*, sigma), to screen many parameters; sobol: first-order and total indices (Saltelli 2010, Jansen), N (k + 2) runs" })
      .option("params", { type: "string", describe: "Comma-separated numeric parameters to vary (migsim params), each over its documented range, or calibrated for the calibrated set" })
      .option("metrics", { type: "string", describe: "Comma-separated summary.csv metrics, e.g. abscond_total,stock_TI_2030-12 (window metrics need their --window)" })
      .option("n", { type: "number", describe: "Morris trajectories (default 10; at least 2; n (k + 1) points) or Sobol base rows (default 64; at least 8; n (k + 2) points)" })
      .option("levels", { type: "number", defaultDescription: String(DEFAULT_MORRIS_LEVELS), describe: "Morris grid levels (even)" })
      .option("replicates", { type: "number", defaultDescription: "1", describe: "Replicates per design point (their mean is the point's output)" })
      .option("scale", { type: "number", defaultDescription: String(DEFAULT_SCALE), describe: "Share of the real population simulated in each run, in (0, 1]" })
      .option("until", { type: "string", describe: "Last simulated month, YYYY-MM (default: the scenario's end)" })
      .option("window", { type: "string", describe: "Also count flows over months FROM..TO, so its metrics (abscond_FROM_TO, ...) can be analysed; repeatable" })
      .option("posterior", { type: "string", describe: "A calibration's posterior.csv: the --params it holds vary over their weighted marginal posteriors (independently: the joint's correlations are lost), the others over their ranges" })
      .option("seed", { type: "string", defaultDescription: "1", describe: "Seed of the design, the runs and the bootstrap: the same seed gives the same bytes" })
      .option("bootstrap", { type: "number", defaultDescription: String(DEFAULT_BOOTSTRAP), describe: "Bootstrap resamples for the 95% intervals (0: none)" })
      .option("threads", threadsOption)
      .option("out", { type: "string", describe: "Output folder: sensitivity.json, design.csv, runs/, sensitivity.csv, sensitivity.svg (default: a new folder under output/)" })
      .option("overwrite", { type: "boolean", default: false, describe: "Replace an earlier analysis (and its runs) in --out" })
      .option("quiet", quietOption)
      .option("design-only", { type: "boolean", default: false, describe: "Write sensitivity.json and design.csv and stop, printing the commands that run the design (migsim slurm) and finish (--analyse)" })
      .option("analyse", { type: "string", alias: "analyze", describe: "Compute the indices of the folder DIR whose runs are done (DIR/sensitivity.json, DIR/runs/): writes sensitivity.csv and sensitivity.svg" }) as unknown as Argv<SensitivityArgs>,
  handler: async (a: ArgumentsCamelCase<SensitivityArgs>) => {
    if (a.analyse !== undefined) {
      once("analyse", a.analyse);
      const given = [
        (a.scenarios ?? []).length > 0 && "scenario files",
        ...(["method", "params", "metrics", "n", "levels", "replicates", "scale", "until", "window", "posterior", "seed", "bootstrap", "out"] as const).map((k) => a[k] !== undefined && `--${k}`),
        a.overwrite && "--overwrite",
        a.designOnly && "--design-only",
      ].filter((x): x is string => typeof x === "string");
      if (given.length > 0) throw new UserError(`--analyse ${clipPath(String(a.analyse))} reads the plan from ${join(String(a.analyse), PLAN_FILE)} and takes no ${given.join(", ")}; to change the plan, start a new analysis (migsim sensitivity SCENARIO ... --out ANOTHER_DIR).`);
      const dir = String(a.analyse);
      const plan = readPlan(dir);
      const lock = lockFolder(dir, process.argv.slice(2));
      try {
        await analyse(dir, plan, a.quiet);
      } finally {
        lock.release();
      }
      return;
    }
    if (!Number.isInteger(a.threads) || a.threads < 1 || a.threads > 256) throw new UserError(`--threads expects a whole number from 1 to 256, got ${a.threads}.`);
    const { plan, designText, dir, warnings } = planFromArgs(a, (names) => defaultOutDir([`sensitivity-${names.join("+")}`]));
    refuseExisting(dir, a.overwrite);
    const runs = plan.points * plan.replicates * plan.scenarios.length;
    const lock = prepareDir(dir, a.overwrite);
    try {
      writeFileAtomic(join(dir, DESIGN_FILE), designText);
      writeFileAtomic(join(dir, PLAN_FILE), planText(plan));
      const what = `${plan.method === "morris" ? `Morris, ${plan.n} trajectories of ${plan.params.length + 1} points` : `Sobol, ${plan.n} base rows of ${plan.params.length + 2} points`} (${plan.params.length} parameters)`;
      const count = `${plan.points} points x ${plan.replicates} replicate(s) x ${plan.scenarios.length} scenario(s) = ${runs} model runs`;
      if (!a.quiet) {
        for (const w of warnings) process.stderr.write(`migsim: warning: ${w}\n`);
        if (plan.posterior) process.stderr.write(`migsim: ${plan.posterior.params.length} parameter(s) over ${plan.posterior.file}: ${POSTERIOR_NOTE}.\n`);
      }
      if (a.designOnly) {
        const args = runArgs(plan, dir);
        const overwrite = existsSync(join(dir, RUNS_DIR)) ? ["--overwrite"] : [];
        process.stdout.write(
          `Wrote ${join(dir, PLAN_FILE)} and ${join(dir, DESIGN_FILE)}: ${what}, ${count}.\n`
          + `Run the design on a Slurm cluster (choose --shards and the sbatch options):\n  migsim ${shellLine(["slurm", ...args, ...overwrite, "--shards", "10", "--submit"])}\n`
          + `or on this machine:\n  migsim ${shellLine(["run", ...args, ...overwrite])}\n`
          + `then compute the indices:\n  migsim ${shellLine(["sensitivity", "--analyse", dir])}\n`,
        );
        return;
      }
      if (!a.quiet) process.stderr.write(`migsim: sensitivity: ${what}: ${count}, into ${join(dir, RUNS_DIR)}\n`);
      // The run itself, by the CLI's own path (imported here, when needed: index.ts imports this file).
      const { buildCli } = await import("../index.js");
      const before = process.exitCode;
      process.exitCode = undefined;
      await buildCli(["run", ...runArgs(plan, dir), "--threads", String(a.threads), ...(a.quiet ? ["--quiet"] : []), ...(a.overwrite ? ["--overwrite"] : [])]).parseAsync();
      const code = process.exitCode;
      if (typeof code === "number" && code !== 0) {
        process.stderr.write(`migsim: the runs stopped before the end; finish them with migsim run --resume ${join(dir, RUNS_DIR)}, then compute the indices with migsim sensitivity --analyse ${dir}\n`);
        return;
      }
      process.exitCode = before;
      await analyse(dir, plan, a.quiet);
    } finally {
      lock.release();
    }
  },
};
