// `migsim run <scenario files...>`: simulate scenarios x sweep (or --design) points x replicates into an output folder.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { BREAKDOWN_DIMS, type BreakdownDim } from "../../model/codes.js";
import { parseMonth } from "../../model/inputs.js";
import { runExperiment } from "../../run/experiment.js";
import { lockFolder } from "../../output/lock.js";
import { EVENTS_FORMATS, type EventsFormat } from "../../output/parquet.js";
import { type ExperimentSpec, type Manifest, type Shard, readManifest } from "../../output/manifest.js";
import { REFERENCE_SCENARIO } from "../../output/summary.js";
import { drawPosterior, posteriorWarnings } from "../../run/posterior.js";
import { shellQuote } from "../../run/slurm.js";
import { variedParamWarnings, readDesign } from "../../scenario/design.js";
import { type PolicyEntry, loadScenario, loadScenarioLayers } from "../../scenario/load.js";
import { policyWarnings } from "../../scenario/policy-effect.js";
import { MAX_REPLICATES } from "../../scenario/validate.js";
import { quote } from "../../scenario/quote.js";
import { parseWindow } from "../../scenario/window.js";
import { typedFlags } from "../given.js";
import { PACKAGE_ROOT } from "../../version.js";
import { createProgress } from "../progress.js";

/** The options that define an experiment (shared by run and slurm). */
export interface ExperimentArgs {
  scenarios?: string[];
  /** As typed (a string), so an error can quote it; a number when set in code. */
  seed: number | string;
  /** Undefined when not given (1 then), so that --draws can tell a disagreeing --replicates from the default. */
  replicates?: number;
  scale?: number;
  until?: string;
  events: boolean;
  /** `--events-format csv|parquet` (default csv): with parquet, events/*.parquet instead of events.csv (output/parquet.ts). */
  eventsFormat?: string;
  ciTarget: number;
  /** `migsim run --posterior FILE`: replicate r of every scenario takes posterior draw r (run/posterior.ts). */
  posterior?: string;
  /** `--draws K`: K draws, so K replicates (default: --replicates); K x R with --per-draw R. */
  draws?: number;
  /** `--per-draw R`: R replicates per posterior draw (variance.csv separates the two spreads). */
  perDraw?: number;
  /** `--window FROM..TO`, as typed: a string, or a list when given more than once. */
  window?: string | string[];
  /** `--reference NAME`: the scenario effects.csv compares the others with (default: baseline). */
  reference?: string;
  /** `--breakdown sector,region,size` (any of them). */
  breakdown?: string | string[];
  /** `--design FILE`: its rows are every scenario's sweep points (scenario/design.ts). */
  design?: string;
}

export interface RunArgs extends ExperimentArgs {
  threads: number;
  out?: string;
  quiet: boolean;
  overwrite: boolean;
  resume?: string;
  shard?: string;
}

/**
 * Parses `--shard K/N` (0 <= K < N) or `auto/N`, where K comes from the job array's environment:
 * SLURM_ARRAY_TASK_ID (Slurm) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env, flag = "--shard"): Shard {
  const m = /^(auto|\d+)\/(\d+)$/.exec(text.trim());
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1 && count <= 1_000_000)) {
    throw new UserError(`${flag} expects K/N, shard K (counted from 0) of N shards, e.g. 0/4, or auto/N to read K from the job array; got "${text}".`);
  }
  let index: number;
  if (m[1] === "auto") {
    const set = (v: string | undefined): boolean => v !== undefined && v.trim() !== "";
    const from = set(env.SLURM_ARRAY_TASK_ID) ? "SLURM_ARRAY_TASK_ID" : set(env.JOB_COMPLETION_INDEX) ? "JOB_COMPLETION_INDEX" : null;
    if (!from) throw new UserError(`${flag} ${text} reads the shard number from SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), and neither is set; give it as K/N instead.`);
    const v = env[from]!;
    if (!/^\d+$/.test(v)) throw new UserError(`${flag} ${text}: ${from} is "${v}", expected a whole number from 0 to ${count - 1}.`);
    index = Number(v);
    if (index >= count) throw new UserError(`${flag} ${text}: ${from} is ${v}, but shards are numbered 0 to ${count - 1}; submit the array as --array=0-${count - 1}.`);
  } else {
    index = Number(m[1]);
    if (index >= count) throw new UserError(`${flag} ${text}: shards are numbered from 0, so K must be below N (0 to ${count - 1}).`);
  }
  return { index, count };
}

function positiveInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UserError(`--${name} expects a whole number from 1 to ${max}, got ${v}.`);
}

/** The default output folder: output/<UTC timestamp>-<scenario names>. */
export function defaultOutDir(names: string[], now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const label = names.length <= 3 ? names.join("+") : `${names.slice(0, 3).join("+")}+${names.length - 3}more`;
  return join("output", `${stamp}-${label}`);
}

export const threadsOption = { type: "number", default: availableParallelism(), defaultDescription: "available cores", describe: "Worker threads (results do not depend on it)" } as const;
export const quietOption = { type: "boolean", default: false, describe: "No progress output" } as const;

/**
 * The policy steps the run's scenarios share as background (policyWarnings): those of the run's
 * reference scenario (--reference, else the one named baseline), else of the library's baseline.
 */
function referenceSteps(spec: ExperimentSpec): readonly PolicyEntry[] {
  const reference = spec.scenarios.find((s) => s.name === (spec.reference ?? REFERENCE_SCENARIO));
  if (reference) return reference.policy;
  try {
    return loadScenario(join(PACKAGE_ROOT, "scenarios", "baseline.yaml")).policy;
  } catch {
    return [];
  }
}

/** Runs an experiment with progress output and Ctrl-C handling; sets the exit code. */
export async function executeExperiment(spec: ExperimentSpec, opts: { out: string; threads: number; quiet: boolean; overwrite: boolean; resume: boolean; shard?: Shard | null }): Promise<void> {
  positiveInt("threads", opts.threads, 256);
  const mode = opts.quiet ? "quiet" : process.stderr.isTTY ? "bar" : "lines";
  if (!opts.quiet) for (const line of [...posteriorWarnings(spec), ...variedParamWarnings(spec.scenarios, spec.design)]) process.stderr.write(`migsim: warning: ${line}\n`);
  const progress = createProgress(mode);
  let interrupted = false;
  // Every task is done and the files are being finished: a Ctrl-C then says what is left to do.
  let finishing = false;
  const onSigint = (): void => {
    // Abandoned: the lock goes at exit (output/lock.ts); checkpoints and partial files stay for --resume.
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(finishing
      ? `\nmigsim: finishing: renaming the CSVs into place, writing ${opts.shard ? "shard-tasks.jsonl" : "summary.csv"} and manifest.json; press Ctrl-C again to abandon (the run stays resumable)\n`
      : "\nmigsim: interrupted; finishing the tasks in progress (Ctrl-C again to abort at once)\n");
  };
  process.on("SIGINT", onSigint);
  try {
    const r = await runExperiment(spec, {
      out: opts.out,
      threads: opts.threads,
      overwrite: opts.overwrite,
      resume: opts.resume,
      shard: opts.shard ?? null,
      command: process.argv.slice(2),
      onStart: (tasks, inputs, done) => {
        if (opts.resume && !opts.quiet) process.stderr.write(`migsim: resuming ${opts.out}: ${done} of ${tasks.length} tasks already done\n`);
        // Once the run is checked and under way (not again on --resume): policy steps that cannot take effect.
        if (!opts.resume && !opts.quiet) for (const line of policyWarnings(spec.scenarios, spec.until, referenceSteps(spec))) process.stderr.write(`migsim: warning: ${line}\n`);
        progress.start(tasks.slice(done), inputs);
      },
      onProgress: (k, m, am) => progress.update(k, m, am),
      onTaskDone: (task) => progress.taskDone(task.index),
      shouldStop: () => interrupted,
      onFinishing: () => {
        finishing = true;
      },
    });
    progress.stop();
    if (!opts.quiet || !r.complete) {
      const what = opts.shard ? `shard ${opts.shard.index}/${opts.shard.count}: ${r.tasks} tasks` : `${r.tasks} tasks`;
      process.stderr.write(
        r.complete
          // The last line says where the results are and what to do next (a shard: join the shards).
          ? `migsim: ${what} written to ${r.dir}\n${opts.shard ? `migsim: once every shard is done, join them with: npx migsim merge <shard folders> --out DIR\n` : `migsim: next: npx migsim report ${shellQuote(r.dir)}   (charts, effects and summary in ${join(r.dir, "report.html")})\n`}`
          : `migsim: stopped after ${r.tasksDone} of ${r.tasks} tasks; completed tasks are in ${r.dir} (continue with: migsim run --resume ${r.dir})\n`,
      );
    }
    if (!r.complete) process.exitCode = 130;
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
  }
}

/** The scenario files and the options that define an experiment's bytes. */
export function experimentOptions(y: Argv) {
  return y
    .positional("scenarios", { type: "string", array: true, describe: "Scenario files (YAML or JSON)" })
    .option("seed", { type: "string", default: 1, describe: "Root seed; the same seed gives the same bytes" })
    .option("replicates", { type: "number", defaultDescription: "1", describe: "Replicates per scenario and sweep point" })
    .option("scale", { type: "number", describe: "Share of the real population simulated, in (0, 1] (overrides the scenario)" })
    .option("until", { type: "string", describe: "Last simulated month, YYYY-MM (overrides the scenario)" })
    .option("events", { type: "boolean", default: false, describe: "Also write each agent's events: events.csv, one row per event (or, with --events-format parquet, events/*.parquet)" })
    .option("events-format", {
      type: "string",
      defaultDescription: "csv",
      describe: "With --events: csv (events.csv) or parquet (one zstd Parquet file per task under events/, with the agent's sector, employer region and size, age and months in Japan; pandas, polars, DuckDB and R arrow read the folder)",
    })
    .option("ci-target", { type: "number", default: 0.05, describe: "summary.csv: CI half-width, as a share of the mean, that counts as enough replicates" })
    // Not `array: true`: that would take the scenario files after it as windows too. Given twice, yargs makes a list.
    .option("window", {
      type: "string",
      describe: "summary.csv (and effects.csv): also count flows over months FROM..TO (YYYY-MM, both included, within every scenario's start..end), as abscond_FROM_TO, ti_job_change_FROM_TO, ti_to_ssw1_FROM_TO and return_FROM_TO; repeatable, e.g. --window 2028-04..2035-12",
    })
    .option("reference", { type: "string", describe: "effects.csv: compare every other scenario with the scenario of this name (default: baseline)" })
    .option("breakdown", {
      type: "string",
      describe: "timeseries.csv and flows.csv: also split the counts by these, comma-separated: sector, region (urban or rural employer), size (sme or large employer); rows with a count of 0 are then left out, e.g. --breakdown sector,region",
    })
    .option("design", {
      type: "string",
      describe: "A CSV design made elsewhere (SALib, EMA Workbench, pyABC): a header of parameter names, one row per design point; every scenario runs every point (x --replicates) as sweep points 0, 1, ... in row order. Not with a scenario that has a sweep:",
    });
}

/** `--breakdown a,b`: the dimensions in BREAKDOWN_DIMS order, each once; [] when not given. */
export function parseBreakdown(value: unknown): BreakdownDim[] {
  if (value === undefined) return [];
  const given = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(",")).map((d) => d.trim()).filter((d) => d !== "");
  const bad = given.find((d) => !(BREAKDOWN_DIMS as readonly string[]).includes(d));
  if (bad !== undefined || given.length === 0) {
    throw new UserError(`--breakdown expects one or more of ${BREAKDOWN_DIMS.join(", ")}, comma-separated (e.g. --breakdown sector,region); got ${JSON.stringify(String(value))}.`);
  }
  return BREAKDOWN_DIMS.filter((d) => given.includes(d));
}

/** `--events-format csv|parquet` (default csv); parquet needs --events. */
export function parseEventsFormat(value: unknown, events: boolean): EventsFormat {
  if (value === undefined) return "csv";
  const format = String(value).trim().toLowerCase();
  if (!(EVENTS_FORMATS as readonly string[]).includes(format)) {
    throw new UserError(`--events-format expects csv (events.csv, the default) or parquet (one Parquet file per task under events/), got ${quote(String(value))}.`);
  }
  if (format === "parquet" && !events) {
    throw new UserError("--events-format parquet says how to write the events of each agent, and the run collects none: add --events to write them as Parquet files under events/ (or leave --events-format out).");
  }
  return format as EventsFormat;
}

/** Checks the experiment's options and loads its scenario files (before anything is written). */
export function experimentSpec(argv: ExperimentArgs, command = "run"): ExperimentSpec {
  if (!argv.scenarios || argv.scenarios.length === 0) {
    throw new UserError(`Name at least one scenario file, e.g. migsim ${command} scenarios/baseline.yaml (or --resume DIR).`);
  }
  const seed = typeof argv.seed === "number" ? argv.seed : String(argv.seed).trim() === "" ? NaN : Number(argv.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new UserError(`--seed expects a whole number from 0 to 4294967295, got ${quote(argv.seed)}.`);
  }
  if (argv.replicates !== undefined) positiveInt("replicates", argv.replicates, MAX_REPLICATES);
  // --draws K is the number of replicates: replicate r takes draw r. A --replicates that says
  // otherwise is refused rather than one of the two silently winning.
  if (argv.perDraw !== undefined) positiveInt("per-draw", argv.perDraw, MAX_REPLICATES);
  if (argv.draws !== undefined) {
    if (argv.posterior === undefined) throw new UserError(`--draws ${argv.draws} sets how many posterior draws (and so replicates) a run takes, and needs --posterior FILE, e.g. --posterior data/calibration/posterior.csv; without a posterior, give --replicates instead.`);
    positiveInt("draws", argv.draws, MAX_REPLICATES);
    const implied = argv.draws * (argv.perDraw ?? 1);
    if (argv.replicates !== undefined && argv.replicates !== implied) {
      throw new UserError(argv.perDraw === undefined
        ? `--draws ${argv.draws} and --replicates ${argv.replicates} disagree: with --posterior, replicate r of every scenario takes posterior draw r, so --draws K runs K replicates; give one of them (or the same number to both).`
        : `--draws ${argv.draws} x --per-draw ${argv.perDraw} runs ${implied} replicates, but --replicates says ${argv.replicates}; leave --replicates out.`);
    }
  }
  // --per-draw R: each of the K draws serves R replicates in a row, so K x R replicates.
  let perDraw = 1;
  if (argv.perDraw !== undefined) {
    if (argv.posterior === undefined || argv.draws === undefined) {
      throw new UserError(`--per-draw ${argv.perDraw} sets how many replicates share each posterior draw, and needs --posterior FILE and --draws K, e.g. --posterior data/calibration/posterior.csv --draws 20 --per-draw 3 (60 replicates).`);
    }
    positiveInt("per-draw", argv.perDraw, MAX_REPLICATES);
    perDraw = argv.perDraw;
  }
  if (argv.draws !== undefined && argv.draws * perDraw > MAX_REPLICATES) {
    throw new UserError(`--draws ${argv.draws} x --per-draw ${perDraw} is ${argv.draws * perDraw} replicates, more than ${MAX_REPLICATES}.`);
  }
  const replicates = argv.draws !== undefined ? argv.draws * perDraw : (argv.replicates ?? 1);
  if (argv.scale !== undefined && !(argv.scale > 0 && argv.scale <= 1)) {
    throw new UserError(`--scale expects a share of the real population in (0, 1], e.g. 0.1 for 10%, got ${argv.scale}.`);
  }
  if (!(argv.ciTarget > 0 && argv.ciTarget < 1)) throw new UserError(`--ci-target expects a share in (0, 1), e.g. 0.05, got ${argv.ciTarget}.`);
  if (argv.until !== undefined) {
    try {
      parseMonth(argv.until);
    } catch {
      throw new UserError(`--until expects a month as YYYY-MM, e.g. 2030-12, got "${argv.until}".`);
    }
  }
  // Checked against the scenarios' months (and for FROM after TO, or twice) with them, in validateScenarios.
  const windows = (argv.window === undefined ? [] : Array.isArray(argv.window) ? argv.window : [argv.window]).map((w) => parseWindow(String(w)));
  const breakdown = parseBreakdown(argv.breakdown);
  const eventsFormat = parseEventsFormat(argv.eventsFormat, argv.events);
  const layers = argv.scenarios.map((f) => loadScenarioLayers(f));
  // Read here, once; the spec keeps its values, so reproduce, --resume and merge need no file.
  const design = argv.design !== undefined ? readDesign(String(argv.design)) : undefined;
  return {
    scenarios: layers.map((l) => l.scenario),
    seed,
    replicates,
    scale: argv.scale ?? null,
    until: argv.until ?? null,
    events: argv.events,
    // Absent for CSV, so the spec of such a run is as before.
    ...(eventsFormat === "parquet" && { eventsFormat }),
    ciTarget: argv.ciTarget,
    // Absent when not given, so the spec, its sha256 and the manifest of such a run are as before.
    ...(windows.length > 0 && { windows }),
    ...(argv.reference !== undefined && { reference: String(argv.reference) }),
    ...(breakdown.length > 0 && { breakdown }),
    // Drawn here, once, from the root seed; the spec keeps the drawn values, so reproduce, --resume
    // and merge use them without the file. Absent without --posterior (the spec is as before).
    ...(argv.posterior !== undefined && { posterior: drawPosterior(argv.posterior, replicates / perDraw, seed, layers.map((l) => l.paramsSet), perDraw) }),
    // Absent without --design (the spec is as before).
    ...(design && { design }),
  };
}

/**
 * `run --resume DIR` with options that say something else than DIR's manifest: refused in one
 * paragraph naming each option, the run's value and the given one, rather than one of the two
 * silently winning (the resumed run would use the manifest's). A typed option that agrees with the
 * manifest is allowed, so the command that started the run can be repeated with --resume DIR.
 * `typed`: the flags typed on the command line (cli/given.ts), which tells `--seed 1` from no --seed.
 */
export function checkResumeOptions(argv: RunArgs, prev: Manifest, typed: ReadonlySet<string>, dir: string): void {
  const spec = prev.spec;
  const clashes: { flag: string; given: string; recorded: string }[] = [];
  // What a scenario-level value was in the run: the spec's override, else each scenario's own.
  const perScenario = (of: (s: ExperimentSpec["scenarios"][number]) => string | number): string => {
    const values = [...new Set(spec.scenarios.map(of))];
    return values.length === 1 ? String(values[0]) : spec.scenarios.map((s) => `${s.name} ${of(s)}`).join(", ");
  };
  if (argv.scenarios !== undefined && argv.scenarios.length > 0) {
    const identity = (s: { name: string; files: { sha256: string }[] }): string => `${s.name}:${s.files.map((f) => f.sha256).join(",")}`;
    const given = argv.scenarios.map((f) => loadScenario(f));
    if (given.map(identity).join(" ") !== spec.scenarios.map(identity).join(" ")) {
      clashes.push({ flag: "the scenario files", given: argv.scenarios.join(" "), recorded: `scenarios ${spec.scenarios.map((s) => s.name).join(", ")} (spec.scenarios, with their files' sha256)` });
    }
  }
  if (typed.has("seed")) {
    const seed = typeof argv.seed === "number" ? argv.seed : Number(String(argv.seed).trim());
    if (seed !== spec.seed) clashes.push({ flag: "--seed", given: /^\d+$/.test(String(argv.seed)) ? String(argv.seed) : quote(argv.seed), recorded: `seed ${spec.seed}` });
  }
  if (argv.replicates !== undefined && argv.replicates !== spec.replicates) clashes.push({ flag: "--replicates", given: String(argv.replicates), recorded: `${spec.replicates} replicates` });
  if (argv.scale !== undefined) {
    const recorded = spec.scale ?? null;
    if (recorded !== null ? argv.scale !== recorded : spec.scenarios.some((s) => s.scale !== argv.scale)) {
      clashes.push({ flag: "--scale", given: String(argv.scale), recorded: recorded !== null ? `scale ${recorded}` : `the scenarios' own scale (${perScenario((s) => s.scale)})` });
    }
  }
  if (argv.until !== undefined) {
    const recorded = spec.until ?? null;
    if (recorded !== null ? argv.until !== recorded : spec.scenarios.some((s) => s.end !== argv.until)) {
      clashes.push({ flag: "--until", given: String(argv.until), recorded: recorded !== null ? `until ${recorded}` : `the scenarios' own end (${perScenario((s) => s.end)})` });
    }
  }
  if (typed.has("events") && argv.events !== spec.events) {
    clashes.push({ flag: argv.events ? "--events" : "--no-events", given: "", recorded: spec.events ? "events.csv written" : "no events.csv" });
  }
  if (argv.eventsFormat !== undefined && String(argv.eventsFormat).trim().toLowerCase() !== (spec.eventsFormat ?? "csv")) {
    clashes.push({ flag: "--events-format", given: String(argv.eventsFormat), recorded: spec.eventsFormat === "parquet" ? "events as Parquet files (spec.eventsFormat parquet)" : "events as CSV (no spec.eventsFormat)" });
  }
  if (argv.breakdown !== undefined) {
    const given = parseBreakdown(argv.breakdown);
    const recorded = spec.breakdown ?? [];
    if (given.join(",") !== recorded.join(",")) clashes.push({ flag: "--breakdown", given: given.join(","), recorded: recorded.length > 0 ? `breakdown ${recorded.join(",")} (spec.breakdown)` : "no breakdown" });
  }
  if (typed.has("ci-target") && argv.ciTarget !== spec.ciTarget) clashes.push({ flag: "--ci-target", given: String(argv.ciTarget), recorded: `CI target ${spec.ciTarget}` });
  if (argv.shard !== undefined) {
    const shard = parseShard(argv.shard);
    const recorded = prev.shard ?? null;
    if (recorded === null || recorded.index !== shard.index || recorded.count !== shard.count) {
      clashes.push({ flag: "--shard", given: String(argv.shard), recorded: recorded ? `shard ${recorded.index}/${recorded.count}` : "a whole run, not a shard" });
    }
  }
  if (argv.out !== undefined && resolve(argv.out) !== resolve(dir)) clashes.push({ flag: "--out", given: argv.out, recorded: `its own folder, ${dir}` });
  if (argv.overwrite) {
    throw new UserError(`--overwrite cannot be given with --resume: --resume ${dir} continues the run there, keeping its completed tasks, and --overwrite would replace it; give one of them.`);
  }
  if (clashes.length === 0) return;
  const named = clashes.map((c) => (c.given === "" ? c.flag : `${c.flag} ${c.given}`));
  const list = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);
  throw new UserError(
    `${list(named)} ${clashes.length === 1 && clashes[0]!.flag.startsWith("--") ? "differs" : "differ"} from the run in ${dir}, whose manifest.json records ${list(clashes.map((c) => c.recorded))}: `
    + `--resume continues a run with the options it was started with, and nothing was run or written. Leave ${clashes.length === 1 ? clashes[0]!.flag : "them"} out to resume it, or start a new run with another --out.`,
  );
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: "run [scenarios..]",
  describe: "Run scenario files (scenarios x sweep points x replicates) and write outcome CSVs",
  builder: (y: Argv) =>
    experimentOptions(y)
      .option("threads", threadsOption)
      .option("out", { type: "string", describe: "Output folder (default: a new folder under output/)" })
      .option("quiet", quietOption)
      .option("overwrite", { type: "boolean", default: false, describe: "Replace the results of an earlier run in --out" })
      .option("resume", { type: "string", describe: "Finish an interrupted run in this folder: its manifest says what to run, and an option that says otherwise (e.g. another --scale) is refused" })
      .option("posterior", { type: "string", describe: "A calibration's posterior.csv (e.g. data/calibration/posterior.csv): replicate r of every scenario runs with particle draw r, drawn by weight from --seed; a scenario's own params keep their values" })
      .option("draws", { type: "number", describe: "With --posterior: the number of draws, and so of replicates (default: --replicates)" })
      .option("per-draw", { type: "number", describe: "With --posterior and --draws K: R replicates per draw (K x R replicates); variance.csv then separates the spread between draws (parameters) from the spread within them (stochastic)" })
      .option("shard", { type: "string", describe: "Run only shard K of N (K from 0), e.g. 0/4, into --out; auto/N takes K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX. Join the shards with migsim merge" }) as unknown as Argv<RunArgs>,
  handler: async (argv: ArgumentsCamelCase<RunArgs>) => {
    positiveInt("threads", argv.threads, 256);
    if (argv.resume !== undefined) {
      // A resumed run counts what its manifest records, as its completed tasks did; a new value would be ignored.
      const given = [argv.window !== undefined && "--window", argv.reference !== undefined && "--reference"].filter((x) => x !== false);
      if (given.length > 0) {
        throw new UserError(`${given.join(" and ")} cannot be given with --resume: the run in ${argv.resume} keeps the windows and reference its manifest.json records (spec.windows, spec.reference), so that all its tasks are counted alike; to change them, start a new run with another --out.`);
      }
      if (argv.design !== undefined) {
        throw new UserError(`--design cannot be given with --resume: the run in ${argv.resume} runs the design points its manifest.json records (spec.design), without reading a file; to run another design, start a new run with another --out.`);
      }
      const drawn = [argv.posterior !== undefined && "--posterior", argv.draws !== undefined && "--draws", argv.perDraw !== undefined && "--per-draw"].filter((x) => x !== false);
      if (drawn.length > 0) {
        throw new UserError(`${drawn.join(", ")} cannot be given with --resume: the run in ${argv.resume} runs the posterior draws its manifest.json records (spec.posterior), without reading a file; to draw others, start a new run with another --out.`);
      }
      // Locked before its manifest is read (runExperiment takes the lock again: it is re-entrant), so
      // a run still in progress there is refused naming its process, whatever its files say now.
      const lock = existsSync(argv.resume) ? lockFolder(argv.resume, process.argv.slice(2)) : null;
      try {
        const prev = readManifest(join(argv.resume, "manifest.json"));
        // A complete run is refused by runExperiment as such (nothing to resume), whatever the flags.
        if (prev.complete !== true) checkResumeOptions(argv, prev, typedFlags(argv), argv.resume);
        await executeExperiment(prev.spec, { out: argv.resume, threads: argv.threads, quiet: argv.quiet, overwrite: false, resume: true, shard: prev.shard ?? null });
      } finally {
        lock?.release();
      }
      return;
    }
    const shard = argv.shard !== undefined ? parseShard(argv.shard) : null;
    const spec = experimentSpec(argv);
    const out = argv.out ?? defaultOutDir([...spec.scenarios.map((s) => s.name), ...(shard ? [`shard${shard.index}of${shard.count}`] : [])]);
    await executeExperiment(spec, { out, threads: argv.threads, quiet: argv.quiet, overwrite: argv.overwrite, resume: false, shard });
  },
};
