// A whole `migsim run`: scenarios x sweep points (or --design points) x replicates on the worker pool, rows appended
// to CSV in task order with a checkpoint after every task, summary.csv (and effects.csv, with a
// reference scenario: `baseline` or `--reference NAME`) and manifest.json last.
// Validation happens before anything is created on disk. A run can be resumed from its folder
// (completed tasks are skipped and the bytes come out as if it had never stopped) and
// reproduced from its manifest.
//
// The folder is locked while the run writes it (output/lock.ts). Each checkpoint carries the
// sha256 of its task's rows and of the spec, which --resume checks before building on them. A
// disk or permission fault is an IoError (exit code 3) that says how to resume once it is fixed.
//
// A shard (`--shard K/N`) runs only tasks K, K+N, K+2N, ... of the same plan into a folder of its
// own; instead of summary.csv it keeps each task's byte ranges and metrics (shard-tasks.jsonl),
// from which `migsim merge` (merge.ts) rebuilds the single-machine outputs byte for byte.

import { createHash } from "node:crypto";
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, truncateSync } from "node:fs";
import { join, relative } from "node:path";
import type { RunResult } from "../engine/simulate.js";
import { STREAM_PURPOSES } from "../engine/rng.js";
import { UserError, ioError, withIoHint } from "../errors.js";
import { type ModelInputs, parseMonth } from "../model/inputs.js";
import type { Params } from "../model/params.js";
import { renameDurable, writeFileAtomic } from "../output/atomic.js";
import { CsvOutputs, type OutputName, csvHeader, writeCsvAtomic } from "../output/csv.js";
import { type FolderLock, lockFolder } from "../output/lock.js";
import { type EventsFileRecord, ParquetEvents, clearEventFiles, eventsFile, hasEventFiles, keepEventFiles } from "../output/parquet.js";
import { type ExperimentSpec, type Manifest, type Shard, codeProvenance, dataFileHashes, readManifest, sha256File, sha256Ranges, specSha256, writeManifest } from "../output/manifest.js";
import { EFFECTS_COLUMNS, type Metric, REFERENCE_SCENARIO, SUMMARY_COLUMNS, VARIANCE_COLUMNS, effectRow, metricNamesOf, summaryRow, taskMetrics, varianceRow } from "../output/summary.js";
import { designValue } from "../scenario/design.js";
import { policyWindowStart, runLastMonth } from "../scenario/policy-start.js";
import type { DeclaredMetric } from "../scenario/schema.js";
import { type MonthWindow, checkWindows, parseWindow } from "../scenario/window.js";
import { buildInputs } from "../scenario/resolve.js";
import { type SweepPoints, expandSweep } from "../scenario/sweep.js";
import { validateExperimentSpec, validateScenarios } from "../scenario/validate.js";
import { VERSION } from "../version.js";
import { runTasks } from "./pool.js";
import { withDraw } from "./posterior.js";
import { type Task, buildTasks } from "./tasks.js";

export interface RunOptions {
  out: string;
  threads: number;
  overwrite: boolean;
  /** Continue the run in `out` (its manifest and checkpoints) instead of starting afresh. */
  resume: boolean;
  /** Run only this shard's tasks (see shardTasks). */
  shard?: Shard | null;
  command: string[];
  onStart?: (tasks: readonly Task[], inputs: readonly ModelInputs[], alreadyDone: number) => void;
  onProgress?: (taskIndex: number, months: number, agentMonths: number) => void;
  onTaskDone?: (task: Task, result: RunResult) => void;
  shouldStop?: () => boolean;
  /** Called when every task is done and the files are being finished (renamed, summary.csv, effects.csv, manifest.json). */
  onFinishing?: () => void;
  /** Substitute worker script, for tests. */
  workerFile?: string;
}

export interface ExperimentResult {
  dir: string;
  files: string[];
  complete: boolean;
  tasksDone: number;
  tasks: number;
  agentMonths: number;
}

/** The files of a run in its folder. */
const RUN_FILES = ["manifest.json", "timeseries.csv", "flows.csv", "events.csv", "summary.csv", "effects.csv", "variance.csv", "report.html", "shard-tasks.jsonl"];
/** Scenario effects against the reference scenario, beside summary.csv (writeSummary). */
export const EFFECTS_FILE = "effects.csv";
/** Written beside summary.csv by a run over a posterior (summary.ts, varianceRow). */
export const VARIANCE_FILE = "variance.csv";
const CHECKPOINTS = "checkpoints.jsonl";
/** A finished shard's checkpoints: one line per task with its end offsets in each CSV and its metrics. */
export const SHARD_TASKS = "shard-tasks.jsonl";

export interface Checkpoint {
  /** The task's index in the run. */
  task: number;
  /** Size of each partial CSV after the task's rows: the task's rows end there. */
  sizes: Record<string, number>;
  /** sha256 of the task's rows in each partial CSV (its bytes from the previous task's size, or the header, to `sizes`); --resume checks them. */
  digests?: Record<string, string>;
  /** The root seed and the sha256 of the spec (specSha256) the task ran under: --resume refuses a manifest edited since. */
  seed?: number;
  spec?: string;
  metrics: Metric[];
  /** With spec.eventsFormat "parquet": the task's events file (output/parquet.ts) and its sha256; --resume checks it, merge copies it. */
  events?: EventsFileRecord;
}

/** The tasks of shard `index` (0-based) of `count`: every count-th task from the index-th, so shards get a mix of scenarios and replicates. */
export function shardTasks<T extends { index: number }>(tasks: readonly T[], shard: Shard | null | undefined): T[] {
  return shard ? tasks.filter((t) => t.index % shard.count === shard.index) : [...tasks];
}

/** Refuses to write into a folder that already holds a run, so nothing there is lost. */
export function checkOutputDir(dir: string, overwrite: boolean, hint?: string): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new UserError(`Output folder ${dir} cannot be used: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder).`);
  }
  const clash = entries.filter((f) => RUN_FILES.includes(f) || f.endsWith(".partial") || f === CHECKPOINTS);
  if (hasEventFiles(dir)) clash.push("events/");
  if (clash.length > 0 && !overwrite) {
    // A complete run has nothing left to resume: its hint does not offer --resume.
    const complete = completeRunIn(dir);
    throw new UserError(
      `Output folder ${dir} already holds a run (${clash.join(", ")}); ${hint ?? (complete
        ? `it is complete, so nothing is left to resume: choose another --out, or pass --overwrite to replace it${complete === "run" ? ` (migsim report ${dir} makes its report)` : ""}`
        : `choose another --out, pass --resume ${dir} to finish it, or --overwrite to replace it`)}.`,
    );
  }
}

/** "run" or "shard" when dir's manifest.json says its run is complete, else null (no manifest, unreadable, or not complete). */
function completeRunIn(dir: string): "run" | "shard" | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { complete?: unknown; shard?: unknown };
    return m.complete === true ? (m.shard ? "shard" : "run") : null;
  } catch {
    return null;
  }
}

/** With --overwrite: the earlier run's files, finished or partial, go (nothing else in the folder, and not the lock). */
export function clearRunFiles(dir: string): void {
  for (const f of readdirSync(dir)) {
    if (!(RUN_FILES.includes(f) || f === CHECKPOINTS || f.endsWith(".partial"))) continue;
    try {
      rmSync(join(dir, f), { force: true });
    } catch (e) {
      throw ioError(e, join(dir, f));
    }
  }
  // events/*.parquet of a run with --events-format parquet (and the folder, once empty).
  clearEventFiles(dir);
}

/**
 * Makes `dir` ready for a new run's files and returns its lock (output/lock.ts), which the caller
 * releases: refuses to replace a run without `overwrite`, creates the folder, takes its lock before
 * anything in it is touched (so a run in progress there is refused, --overwrite included), checks
 * again under the lock (the folder may have changed meanwhile), clears the old run's files.
 */
export function prepareRunDir(dir: string, overwrite: boolean, command: readonly string[], hint?: string): FolderLock {
  checkOutputDir(dir, overwrite, hint);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const io = ioError(e, dir, "create");
    if (io !== e) throw io;
    throw new UserError(`Cannot create the output folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder that can be created and written).`);
  }
  const lock = lockFolder(dir, command);
  try {
    checkOutputDir(dir, overwrite, hint);
    clearRunFiles(dir);
  } catch (e) {
    lock.release();
    throw e;
  }
  return lock;
}

/** The CSVs a run writes per task (events.csv only with --events). */
export function outputNames(spec: ExperimentSpec): OutputName[] {
  // With --events-format parquet, the events go to events/*.parquet instead (output/parquet.ts).
  return spec.events && spec.eventsFormat !== "parquet" ? ["timeseries", "flows", "events"] : ["timeseries", "flows"];
}

export interface Plan {
  tasks: Task[];
  /** One per scenario and sweep point (task.inputsIndex); without a posterior draw. */
  inputs: ModelInputs[];
  sweeps: SweepPoints[];
  sweepColumns: string[];
  /** The scenario effects.csv compares the others with (spec.reference, else REFERENCE_SCENARIO). */
  reference: string;
  /** The windows summary.csv counts over: runWindows(spec). */
  windows: MonthWindow[];
  /** The metrics the scenarios' files declare, every task counts them: runMetrics(spec). */
  metrics: DeclaredMetric[];
  /**
   * With spec.posterior: a task's inputs, its scenario's and sweep point's with its replicate's
   * posterior draw (run/posterior.ts withDraw). Absent without, when a task runs with inputs[task.inputsIndex].
   */
  inputsOf?: (task: Task) => ModelInputs;
  /** With spec.posterior: the replicates per draw (spec.posterior.perDraw, else 1); variance.csv is then written. */
  perDraw?: number;
}

/** Expands the spec to its inputs (per scenario and sweep point) and tasks; touches no files. */
export function planExperiment(spec: ExperimentSpec): Plan {
  // The checks of `migsim validate`, and the task count, before any task list is built.
  validateScenarios(spec.scenarios, spec);
  const names = spec.scenarios.map((s) => s.name);
  // With --design, its rows are every scenario's sweep points, in the file's order (a scenario
  // with a sweep of its own was refused above); the values as recorded in the spec.
  const design = spec.design;
  const sweeps: SweepPoints[] = spec.scenarios.map((s) => (design ? { names: design.params, points: design.points } : expandSweep(s.sweep, s.files[0]?.path ?? s.name)));
  const inputs: ModelInputs[] = [];
  spec.scenarios.forEach((s, k) => {
    const base = buildInputs(s, { ...(spec.scale !== null && { scale: spec.scale }), ...(spec.until !== null && { until: spec.until }) });
    const sw = sweeps[k]!;
    for (const values of sw.points) {
      // Over the scenario's params; its policy steps still apply from their months (engine/simulate.ts).
      const params = { ...base.params } as Record<string, number | boolean>;
      sw.names.forEach((n, j) => (params[n] = designValue(n, values[j]!)));
      inputs.push({ ...base, params: params as Params });
    }
  });
  const tasks = buildTasks(names, sweeps.map((s) => s.points.length), spec.replicates, spec.seed);
  // A design's columns in its file's order; sweeps' sorted.
  const sweepColumns = design ? [...design.params] : [...new Set(sweeps.flatMap((s) => s.names))].sort();
  const reference = spec.reference ?? REFERENCE_SCENARIO;
  const windows = runWindows(spec);
  const metrics = runMetrics(spec, windows);
  const posterior = spec.posterior;
  if (!posterior) return { tasks, inputs, sweeps, sweepColumns, reference, windows, metrics };
  // Replicate r of every scenario and point takes draw r; a parameter the scenario's files set,
  // or its sweep sweeps, keeps that value (the draw replaces the defaults only).
  const inputsOf = (task: Task): ModelInputs => withDraw(inputs[task.inputsIndex]!, posterior, task.scenarioIndex, task.replicate, sweeps[task.scenarioIndex]!.names);
  return { tasks, inputs, sweeps, sweepColumns, reference, windows, metrics, inputsOf, perDraw: posterior.perDraw ?? 1 };
}

/**
 * The windows summary.csv counts over: the run's `--window`s, those the scenario files declare
 * (`windows:`, refused outside a scenario's months), then each scenario's policy window, from the
 * first month it differs from the reference scenario to the run's last month
 * (scenario/policy-start.ts policyWindowStart), in month order; each window once. A scenario that
 * differs from the outset (its own parameters, not a dated policy) has none: its whole-run totals
 * are its window. Derived from the spec alone, so resume, shards and merge count the same windows.
 */
export function runWindows(spec: Pick<ExperimentSpec, "scenarios" | "windows" | "reference" | "until">): MonthWindow[] {
  const given = [...(spec.windows ?? [])];
  // The windows the scenarios' files declare (`windows:`), after the --windows, each once.
  const months = spec.scenarios.map((s) => ({ what: `scenario ${s.name}`, start: s.start, end: spec.until ?? s.end }));
  for (const s of spec.scenarios) {
    for (const text of s.windows ?? []) {
      const w = parseWindow(text);
      checkWindows([w], months, () => `scenario ${s.name} (${s.files[0]?.path ?? s.name}): windows: ${text}`, spec.until != null ? "--until" : "end");
      if (!given.some((g) => g.from === w.from && g.to === w.to)) given.push(w);
    }
  }
  const reference = spec.scenarios.find((s) => s.name === (spec.reference ?? REFERENCE_SCENARIO));
  if (!reference) return [...given];
  const run = { scenarios: spec.scenarios, until: spec.until };
  const last = runLastMonth(run);
  const starts = new Set<string>();
  for (const s of spec.scenarios) {
    if (s === reference) continue;
    const from = policyWindowStart(s, reference, run);
    if (from !== undefined) starts.add(from);
  }
  const auto = [...starts].sort().map((from) => ({ from, to: last })).filter((w) => !given.some((g) => g.from === w.from && g.to === w.to));
  return [...given, ...auto];
}

/**
 * The metrics the scenarios' files declare (`metrics:`), each once, in the order the scenarios
 * declare them: every task counts them all, so effects.csv pairs them with the reference's. Refuses
 * one name defined two ways, a name summary.csv already uses, and a window outside a scenario's
 * months. `windows`: runWindows(spec).
 */
export function runMetrics(spec: Pick<ExperimentSpec, "scenarios" | "until">, windows: readonly MonthWindow[]): DeclaredMetric[] {
  const out: DeclaredMetric[] = [];
  const owner: string[] = [];
  for (const s of spec.scenarios) {
    const where = `scenario ${s.name} (${s.files[0]?.path ?? s.name})`;
    for (const m of s.metrics ?? []) {
      const k = out.findIndex((x) => x.name === m.name);
      if (k < 0) {
        out.push(m);
        owner.push(where);
      } else if (JSON.stringify({ ...out[k], as: out[k]!.as ?? "count" }) !== JSON.stringify({ ...m, as: m.as ?? "count" })) {
        throw new UserError(`metrics: ${m.name} is defined one way in ${owner[k]} and another in ${where}; every scenario of a run counts every declared metric, so give the two different names.`);
      }
    }
  }
  if (out.length === 0) return out;
  for (const s of spec.scenarios) {
    const startAbs = parseMonth(s.start);
    const months = parseMonth(spec.until ?? s.end) - startAbs + 1;
    const builtIn = new Set(metricNamesOf(months, startAbs, windows));
    out.forEach((m, k) => {
      if (builtIn.has(m.name)) throw new UserError(`${owner[k]}: metrics: ${m.name} is a name summary.csv already gives a metric of its own; choose another name.`);
      if (!m.window) return;
      const w = parseWindow(m.window);
      checkWindows([w], [{ what: `scenario ${s.name}`, start: s.start, end: spec.until ?? s.end }], () => `${owner[k]}: metrics: ${m.name}: window ${m.window}`, spec.until != null ? "--until" : "end");
    });
  }
  return out;
}

/** Whether a parsed checkpoint line has the fields --resume, merge and the summary read. */
function isCheckpoint(c: unknown): c is Checkpoint {
  if (typeof c !== "object" || c === null) return false;
  const x = c as Record<string, unknown>;
  const numbers = (o: unknown): boolean => typeof o === "object" && o !== null && Object.values(o).every((v) => typeof v === "number");
  return Number.isInteger(x.task) && numbers(x.sizes) && Array.isArray(x.metrics) &&
    (x.digests === undefined || (typeof x.digests === "object" && x.digests !== null && Object.values(x.digests).every((v) => typeof v === "string"))) &&
    (x.events === undefined || (typeof x.events === "object" && x.events !== null && typeof (x.events as Record<string, unknown>).file === "string" && typeof (x.events as Record<string, unknown>).sha256 === "string"));
}

/**
 * The checkpoint lines of a file, each with the byte offset where it ends. A torn last line is
 * dropped; a line of the wrong shape before it is refused.
 */
function readCheckpointLines(path: string): { checkpoints: Checkpoint[]; ends: number[] } {
  const checkpoints: Checkpoint[] = [];
  const ends: number[] = [];
  if (!existsSync(path)) return { checkpoints, ends };
  // Line by line, not as one string: a line is ~30 KB (a task's metrics), and a file of tens of
  // thousands of tasks would pass V8's longest string (about 512 M characters).
  const lines = [...fileLines(path)];
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.text.trim() === "") last--;
  for (const [k, { text: line, end }] of lines.entries()) {
    if (line.trim() === "") continue;
    let c: unknown;
    try {
      c = JSON.parse(line);
    } catch {
      break; // a torn last line: the checkpoint before it is the last good one
    }
    if (!isCheckpoint(c)) {
      if (k === last) break; // torn, yet valid JSON: dropped like any torn last line
      throw new UserError(`${path} line ${k + 1} is not a checkpoint migsim wrote (task, sizes and metrics); delete it and the lines after it, and those tasks run again on --resume.`);
    }
    checkpoints.push(c);
    ends.push(end);
  }
  return { checkpoints, ends };
}

/**
 * A file's lines (without "\n") and the byte offset after each one's "\n", read in chunks. A last
 * line without its "\n" (a write cut just before it) ends one byte past the file, as if it had
 * one: keepCheckpointLines then adds it, so the next line is not glued on.
 */
export function* fileLines(path: string): Generator<{ text: string; end: number }> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pending: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let from = 0;
      for (let k = buf.indexOf(10, 0); k >= 0 && k < n; k = buf.indexOf(10, k + 1)) {
        pending.push(Buffer.from(buf.subarray(from, k)));
        const text = Buffer.concat(pending).toString("utf8");
        pending = [];
        yield { text, end: offset + k + 1 };
        from = k + 1;
      }
      if (from < n) pending.push(Buffer.from(buf.subarray(from, n)));
      offset += n;
    }
    if (pending.length > 0) yield { text: Buffer.concat(pending).toString("utf8"), end: offset + 1 };
  } finally {
    closeSync(fd);
  }
}

/** The checkpoint lines of a file (a torn last line is dropped). */
export function readCheckpoints(dir: string, file = CHECKPOINTS): Checkpoint[] {
  return readCheckpointLines(join(dir, file)).checkpoints;
}

export async function runExperiment(spec: ExperimentSpec, o: RunOptions): Promise<ExperimentResult> {
  // A resumed run's spec comes from its manifest: checked like scenario files before use.
  if (o.resume) validateExperimentSpec(spec, `Manifest ${join(o.out, "manifest.json")}`);
  const plan = planExperiment(spec);
  const { tasks, inputs, sweeps, sweepColumns } = plan;
  const shard = o.shard ?? null;
  const mine = shardTasks(tasks, shard);
  const dataFiles = dataFileHashes();
  // The code as loaded now is what runs, even if the checkout changes during the run.
  const code = codeProvenance();
  const outputs = outputNames(spec);
  const parquetEvents = spec.events && spec.eventsFormat === "parquet";

  // One process at a time in the folder (output/lock.ts), from before anything in it is touched.
  const lock = o.resume ? lockFolder(o.out, o.command) : prepareRunDir(o.out, o.overwrite, o.command);
  // Once the manifest exists the run can be resumed: a disk fault from then on says how.
  let resumable = o.resume;
  try {
    return await runLocked();
  } catch (e) {
    throw resumable ? withIoHint(e, `The run in ${o.out} keeps its completed tasks: once that is fixed, continue it with migsim run --resume ${o.out}.`) : e;
  } finally {
    lock.release();
  }

  async function runLocked(): Promise<ExperimentResult> {
    const checkpointsPath = join(o.out, CHECKPOINTS);
    // What every checkpoint records of the spec: --resume refuses a manifest edited since.
    const runSpec = specSha256(spec);
    // Where to start: afresh, or after the last checkpoint whose bytes are all on disk.
    let checkpoints: Checkpoint[] = [];
    let resumeAt: Record<string, number> | undefined;
    let startedAt = new Date().toISOString();
    if (o.resume) {
      const prev = readManifest(join(o.out, "manifest.json"));
      if (prev.complete) throw new UserError(`Run in ${o.out} is already complete: nothing to resume${prev.shard ? "" : `; its results are in ${o.out} (migsim report ${o.out} makes its report)`}. To run it again, give another --out (or --overwrite without --resume).`);
      if (JSON.stringify(prev.shard ?? null) !== JSON.stringify(shard)) throw new UserError(`Run in ${o.out} is ${prev.shard ? `shard ${prev.shard.index}/${prev.shard.count}` : "not a shard"}; resume it as it was started.`);
      if (prev.migsim !== VERSION) throw new UserError(`Run in ${o.out} was made by migsim ${prev.migsim}; this is ${VERSION}, which may not give the same bytes. Re-run it instead.`);
      if (JSON.stringify(prev.dataFiles) !== JSON.stringify(dataFiles)) throw new UserError(`Input tables in data/inputs changed since the run in ${o.out} started; re-run it instead.`);
      startedAt = prev.startedAt;
      // A crash after a shard's checkpoints became shard-tasks.jsonl but before its manifest said
      // complete: they are still its checkpoints (all of them, so nothing runs again).
      if (existsSync(join(o.out, SHARD_TASKS))) renameSync(join(o.out, SHARD_TASKS), checkpointsPath);
      // A crash while the run was being finished may have renamed some files already: take them back.
      for (const n of outputs) {
        const partial = join(o.out, `${n}.csv.partial`);
        const final = join(o.out, `${n}.csv`);
        if (!existsSync(partial) && existsSync(final)) renameSync(final, partial);
      }
      const sizes = (n: string): number => (existsSync(join(o.out, `${n}.csv.partial`)) ? statSync(join(o.out, `${n}.csv.partial`)).size : -1);
      const onDisk: Record<string, number> = {};
      for (const n of outputs) onDisk[n] = sizes(n);
      if (Object.values(onDisk).some((v) => v < 0)) throw new UserError(`Run in ${o.out}: its partial CSV files are missing; it cannot be resumed.`);
      const { checkpoints: all, ends } = readCheckpointLines(checkpointsPath);
      // Checkpoints are in task order; keep the prefix whose bytes are all on disk.
      let k = 0;
      // With Parquet events, also the task's events file (written before its checkpoint; a file deleted since runs again).
      const eventsOnDisk = (c: Checkpoint, task: Task): boolean => !parquetEvents || (c.events?.file === eventsFile(task) && existsSync(join(o.out, c.events.file)));
      while (k < all.length && all[k]!.task === mine[k]?.index && outputs.every((n) => (all[k]!.sizes[n] ?? Infinity) <= onDisk[n]!) && eventsOnDisk(all[k]!, mine[k]!)) k++;
      checkpoints = all.slice(0, k);
      verifyCheckpoints(o.out, spec, runSpec, checkpoints, outputs, sweepColumns);
      // The events files of the kept tasks, each with its recorded sha256; those of later tasks go.
      if (parquetEvents) {
        const describe = (index: number): string => {
          const t = plan.tasks[index]!;
          return `task ${index} (scenario ${t.scenario}, point ${t.point}, replicate ${t.replicate})`;
        };
        keepEventFiles(o.out, checkpoints.map((c) => ({ task: c.task, record: c.events! })), describe,
          `start the run afresh (migsim reproduce ${join(o.out, "manifest.json")} --out ANOTHER_DIR, or migsim run ... --overwrite --out ${o.out})`);
      }
      // Without any checkpoint the partial files are started afresh (resumeAt undefined).
      resumeAt = k > 0 ? checkpoints[k - 1]!.sizes : undefined;
      keepCheckpointLines(checkpointsPath, k > 0 ? ends[k - 1]! : 0);
    }
    const firstTask = checkpoints.length;
    // --events-format parquet: one events file per task (output/parquet.ts), recorded by its checkpoint.
    const parquet = parquetEvents
      ? new ParquetEvents<Task>({ dir: o.out, sweepColumns, sweepCells: (task) => sweepCells(plan, task), startMonthAbs: (task) => inputs[task.inputsIndex]!.startMonthAbs })
      : null;
    const eventFiles: string[] = checkpoints.flatMap((c) => (c.events ? [join(o.out, c.events.file)] : []));

    const csv = new CsvOutputs<Task>({
      dir: o.out,
      names: outputs,
      sweepColumns,
      sweepCells: (task) => sweepCells(plan, task),
      startMonthAbs: (task) => inputs[task.inputsIndex]!.startMonthAbs,
      scale: (task) => inputs[task.inputsIndex]!.scale,
      breakdown: spec.breakdown ?? [],
      ...(resumeAt && { resumeAt }),
    });
    const metrics: Metric[][] = checkpoints.map((c) => c.metrics);
    let agentMonths = 0;

    const manifest = (complete: boolean, files: string[]): Manifest => ({
      migsim: VERSION,
      command: o.command,
      spec,
      shard,
      dataFiles,
      threads: o.threads,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      git: code.git,
      dependencies: code.dependencies,
      startedAt,
      finishedAt: complete ? new Date().toISOString() : null,
      complete,
      tasks: mine.map((t, k) => {
        const sw = sweeps[t.scenarioIndex]!;
        const values = sw.points[t.point]!;
        return {
          index: t.index, scenario: t.scenario, point: t.point, sweep: Object.fromEntries(sw.names.map((n, j) => [n, values[j]!])),
          replicate: t.replicate, seed: t.seed, complete: k < metrics.length,
        };
      }),
      outputs: files.map((f) => ({ file: relative(o.out, f), sha256: sha256File(f) })),
      streams: { derivation: "sha256 of (root seed, replicate) -> task seed; sha256 of (task seed, purpose) -> Alea seed", purposes: STREAM_PURPOSES },
    });
    // The manifest exists from the start, so an interrupted run can be resumed.
    writeManifest(o.out, manifest(false, []));
    resumable = true;

    o.onStart?.(mine, inputs, firstTask);
    let failure: unknown = null;
    try {
      await runTasks(mine.slice(firstTask), inputs, {
        threads: o.threads,
        collectEvents: spec.events,
        ...(o.onProgress && { onProgress: o.onProgress }),
        ...(o.shouldStop && { shouldStop: o.shouldStop }),
        ...(o.workerFile && { workerFile: o.workerFile }),
        ...(plan.inputsOf && { inputsOf: plan.inputsOf }),
        csv: (task) => csv.taskSpec(task),
        onResult: (task, result, rows) => {
          if (!rows) throw new Error(`task ${task.index}: the worker returned no CSV rows`);
          // The rows first, then their checkpoint: a crash between the two loses only this task.
          const digests = csv.write(task, result, rows);
          const events = parquet?.write(task, result);
          const m = taskMetrics(result, inputs[task.inputsIndex]!.startMonthAbs, plan.windows, plan.metrics);
          const line = `${JSON.stringify({ task: task.index, sizes: csv.sizes(), digests, seed: spec.seed, spec: runSpec, metrics: m, ...(events && { events }) } satisfies Checkpoint)}\n`;
          try {
            appendFileSync(checkpointsPath, line);
          } catch (e) {
            throw ioError(e, checkpointsPath);
          }
          metrics.push(m);
          if (events) eventFiles.push(join(o.out, events.file));
          agentMonths += result.agentMonths;
          o.onTaskDone?.(task, result);
        },
      });
    } catch (e) {
      failure = e;
    }
    if (failure !== null) {
      // The first fault says what to fix. Closing and the manifest's list of completed tasks are
      // best effort (on a full disk they may fail too): the checkpoints decide what --resume keeps.
      try {
        csv.close(false);
      } catch {
        // reported by the first fault
      }
      try {
        writeManifest(o.out, manifest(false, []));
      } catch {
        // the manifest written at the start still allows --resume
      }
      throw failure;
    }
    const complete = metrics.length === mine.length;
    if (complete) o.onFinishing?.();
    // Each step of the finish is short but may wait on the disk: a Ctrl-C is heard between them.
    await betweenSteps();
    const files = csv.close(complete);
    // The events files of the tasks, in task order (each in place since its task finished).
    if (complete) files.push(...eventFiles);
    if (complete && shard) {
      // The summary needs every replicate: `migsim merge` writes it from these lines (none for a shard without tasks).
      if (existsSync(checkpointsPath)) renameDurable(checkpointsPath, join(o.out, SHARD_TASKS));
      else writeFileAtomic(join(o.out, SHARD_TASKS), "");
      files.push(join(o.out, SHARD_TASKS));
    } else if (complete) {
      await betweenSteps();
      files.push(...writeSummary(o.out, plan, metrics, spec.ciTarget));
    }
    await betweenSteps();
    // Completed tasks keep their rows; the manifest says which tasks they are.
    writeManifest(o.out, manifest(complete, complete ? files : []));
    // Only now: a crash before the complete manifest still finds every checkpoint on --resume.
    if (complete && !shard) rmSync(checkpointsPath, { force: true });
    return { dir: o.out, files: [...files, join(o.out, "manifest.json")], complete, tasksDone: metrics.length, tasks: mine.length, agentMonths };
  }
}

/** Lets the event loop run once (a signal handler, e.g. Ctrl-C) between steps of synchronous work. */
const betweenSteps = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Drops the checkpoint lines after the first `keepBytes` bytes. One truncation, not a rewrite:
 * deleting the file and writing the kept lines back would lose them all to a crash in between,
 * and a crash before or after a truncation leaves the kept lines whole.
 */
function keepCheckpointLines(path: string, keepBytes: number): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  // One byte short: the last kept line lacks its newline (a write cut just before it); add it, or
  // the next checkpoint would be appended to that line.
  if (keepBytes > size) appendFileSync(path, "\n");
  else if (keepBytes < size) truncateSync(path, keepBytes);
}

/**
 * Refuses to build on checkpointed work that changed since it was written (--resume): a manifest
 * whose spec (or seed) was edited, or a partial CSV whose header or rows of a checkpointed task
 * no longer have the sha256 recorded. Lines written before checkpoints had digests are not checked.
 */
function verifyCheckpoints(dir: string, spec: ExperimentSpec, runSpec: string, checkpoints: readonly Checkpoint[], outputs: readonly OutputName[], sweepColumns: readonly string[]): void {
  if (checkpoints.length === 0) return; // the partial files start afresh
  const manifestPath = join(dir, "manifest.json");
  const afresh = `start the run afresh (migsim reproduce ${manifestPath} --out ANOTHER_DIR, or migsim run ... --overwrite --out ${dir})`;
  const seeds = checkpoints.find((c) => c.seed !== undefined && c.seed !== spec.seed);
  if (seeds) {
    throw new UserError(`${dir}'s manifest.json was changed since the run started (seed ${seeds.seed} -> ${spec.seed}): its completed tasks ran with seed ${seeds.seed}, and the rest would not match them. Restore seed ${seeds.seed} in ${manifestPath} to resume, or ${afresh}.`);
  }
  if (checkpoints.some((c) => c.spec !== undefined && c.spec !== runSpec)) {
    throw new UserError(`${dir}'s manifest.json was changed since the run started (its spec, the scenarios, replicates, scale, until, events, events format, CI target, windows, reference, breakdown, posterior draws or design, differs from the one its completed tasks ran with, per ${join(dir, CHECKPOINTS)}). Restore the manifest as the run wrote it to resume, or ${afresh}.`);
  }
  for (const n of outputs) {
    const partial = join(dir, `${n}.csv.partial`);
    const header = Buffer.from(csvHeader(n, sweepColumns, spec.breakdown ?? []), "utf8");
    const digests = sha256Ranges(partial, [0, header.length, ...checkpoints.map((c) => c.sizes[n]!)]);
    if (digests[0] !== createHash("sha256").update(header).digest("hex")) {
      throw new UserError(`${partial} does not start with the header of this run's ${n}.csv, so it was changed or damaged since the run started; it cannot be resumed: ${afresh}.`);
    }
    checkpoints.forEach((c, k) => {
      const recorded = c.digests?.[n];
      if (recorded === undefined || recorded === digests[k + 1]) return;
      throw new UserError(
        `${partial} does not hold the rows ${CHECKPOINTS} recorded for task ${c.task} (its line ${k + 1}): their sha256 differs, so the file was changed or damaged after that task finished. Resuming would build on them: delete line ${k + 1} and the lines after it from ${join(dir, CHECKPOINTS)} (those tasks then run again), or ${afresh}.`,
      );
    });
  }
}

/** A task's values of the run's sweep columns ("" where its scenario does not sweep one). */
export function sweepCells(plan: Plan, task: Task): (string | number)[] {
  const sw = plan.sweeps[task.scenarioIndex]!;
  const values = sw.points[task.point]!;
  return plan.sweepColumns.map((c) => {
    const j = sw.names.indexOf(c as never);
    return j < 0 ? "" : values[j]!;
  });
}

/** Writes summary.csv and, when the run has a reference scenario, effects.csv; returns the paths written. */
export function writeSummary(dir: string, plan: Plan, metrics: Metric[][], ciTarget: number): string[] {
  const rows: unknown[][] = [];
  const { tasks, inputs, sweepColumns } = plan;
  // Groups are consecutive runs of tasks with the same scenario and point (replicates innermost).
  for (let a = 0; a < tasks.length; ) {
    let b = a;
    while (b < tasks.length && tasks[b]!.inputsIndex === tasks[a]!.inputsIndex) b++;
    const t = tasks[a]!;
    const cells = sweepCells(plan, t);
    const first = metrics[a]!;
    first.forEach((m, k) => {
      const values = metrics.slice(a, b).map((ms) => ms[k]!.value);
      rows.push([...summaryRow({ scenario: t.scenario, point: t.point, scale: inputs[t.inputsIndex]!.scale, metric: m.name, unit: m.unit, values }, ciTarget), ...cells]);
    });
    a = b;
  }
  writeCsvAtomic(join(dir, "summary.csv"), [...SUMMARY_COLUMNS, ...sweepColumns], rows);
  const files = [join(dir, "summary.csv")];
  const effects = effectsRows(plan, metrics);
  if (effects) {
    writeCsvAtomic(join(dir, EFFECTS_FILE), [...EFFECTS_COLUMNS, ...sweepColumns], effects);
    files.push(join(dir, EFFECTS_FILE));
  }
  if (plan.perDraw !== undefined) {
    writeCsvAtomic(join(dir, VARIANCE_FILE), [...VARIANCE_COLUMNS, ...sweepColumns], varianceRows(plan, metrics, plan.perDraw));
    files.push(join(dir, VARIANCE_FILE));
  }
  return files;
}

/** Each scenario and point's tasks (replicates in order: metrics[r] is replicate r's), consecutive in the plan. */
function taskGroups(plan: Plan, metrics: Metric[][]): { first: Task; metrics: Metric[][] }[] {
  const groups: { first: Task; metrics: Metric[][] }[] = [];
  plan.tasks.forEach((t, k) => {
    const last = groups[groups.length - 1];
    if (last && last.first.inputsIndex === t.inputsIndex) last.metrics[t.replicate] = metrics[k]!;
    else {
      const ms: Metric[][] = [];
      ms[t.replicate] = metrics[k]!;
      groups.push({ first: t, metrics: ms });
    }
  });
  return groups;
}

/** The reference's group paired with group `g` (as effects.csv pairs them), or undefined. */
function referenceGroupOf(plan: Plan, groups: { first: Task; metrics: Metric[][] }[], refIndex: number, g: { first: Task }): { first: Task; metrics: Metric[][] } | undefined {
  const refGroups = groups.filter((x) => x.first.scenarioIndex === refIndex);
  const refPoints = plan.sweeps[refIndex]!.points.length;
  const points = plan.sweeps[g.first.scenarioIndex]!.points.length;
  return refPoints === 1 ? refGroups[0] : refPoints === points ? refGroups.find((r) => r.first.point === g.first.point) : undefined;
}

/**
 * The value of metric `name` in each replicate's metrics, looked up through a name -> position map
 * per list, built once: tasks have hundreds of metrics (rows by nationality and sector), and a
 * search by name per metric and replicate grew with the square of their number.
 */
function metricLookup(): (ms: Metric[] | undefined, name: string) => number {
  const index = new WeakMap<Metric[], Map<string, number>>();
  return (ms, name) => {
    if (!ms) return NaN;
    let byName = index.get(ms);
    if (!byName) {
      byName = new Map(ms.map((m, k) => [m.name, k]));
      index.set(ms, byName);
    }
    const k = byName.get(name);
    return k === undefined ? NaN : ms[k]!.value;
  };
}

/**
 * variance.csv's rows (summary.ts, varianceRow): for every scenario and point, each metric's own
 * spread between and within posterior draws, and, against the reference where effects.csv pairs
 * them, the paired difference's.
 */
export function varianceRows(plan: Plan, metrics: Metric[][], perDraw: number): unknown[][] {
  const groups = taskGroups(plan, metrics);
  const refIndex = plan.tasks.find((t) => t.scenario === plan.reference)?.scenarioIndex;
  const replicates = Math.max(...groups.map((g) => g.metrics.length)) - 1; // metrics[r], r from 1
  const lookup = metricLookup();
  const valuesOf = (ms: Metric[][], name: string): number[] => Array.from({ length: replicates }, (_, k) => lookup(ms[k + 1], name));
  const rows: unknown[][] = [];
  for (const g of groups) {
    const t = g.first;
    const cells = sweepCells(plan, t);
    const scale = plan.inputs[t.inputsIndex]!.scale;
    const ref = refIndex !== undefined && t.scenarioIndex !== refIndex ? referenceGroupOf(plan, groups, refIndex, g) : undefined;
    for (const m of g.metrics.find((ms) => ms !== undefined) ?? []) {
      const values = valuesOf(g.metrics, m.name);
      rows.push([...varianceRow({ scenario: t.scenario, point: t.point, reference: "", scale, metric: m.name, unit: m.unit, values, perDraw }), ...cells]);
      if (!ref) continue;
      const refValues = valuesOf(ref.metrics, m.name);
      const diffs = values.map((v, k) => v - refValues[k]!);
      rows.push([...varianceRow({ scenario: t.scenario, point: t.point, reference: plan.reference, scale, metric: m.name, unit: m.unit, values: diffs, perDraw }), ...cells]);
    }
  }
  return rows;
}

/**
 * effects.csv's rows, or null when the run has no reference scenario (plan.reference) or no
 * other scenario. Replicate r of each other scenario and sweep point is paired with replicate r
 * of the reference: at its point 0 when it has one point, at the same point when it has as many
 * points as the scenario, and otherwise the scenario has no rows. Metrics are matched by name.
 */
export function effectsRows(plan: Plan, metrics: Metric[][]): unknown[][] | null {
  const { tasks, inputs } = plan;
  const refIndex = tasks.find((t) => t.scenario === plan.reference)?.scenarioIndex;
  if (refIndex === undefined || !tasks.some((t) => t.scenarioIndex !== refIndex)) return null;
  const groups = taskGroups(plan, metrics);
  const rows: unknown[][] = [];
  const lookup = metricLookup();
  for (const g of groups) {
    const t = g.first;
    if (t.scenarioIndex === refIndex) continue;
    const ref = referenceGroupOf(plan, groups, refIndex, g);
    if (!ref) continue;
    const cells = sweepCells(plan, t);
    const replicates = Math.max(g.metrics.length, ref.metrics.length);
    const valueOf = (ms: Metric[][], r: number, name: string): number => lookup(ms[r], name);
    const refNames = new Set(ref.metrics.flatMap((ms) => (ms ?? []).map((x) => x.name)));
    for (const m of g.metrics.find((ms) => ms !== undefined) ?? []) {
      if (!refNames.has(m.name)) continue;
      const values = Array.from({ length: replicates }, (_, r) => valueOf(g.metrics, r, m.name));
      const referenceValues = Array.from({ length: replicates }, (_, r) => valueOf(ref.metrics, r, m.name));
      rows.push([...effectRow({ scenario: t.scenario, point: t.point, reference: plan.reference, scale: inputs[t.inputsIndex]!.scale, metric: m.name, unit: m.unit, values, referenceValues }), ...cells]);
    }
  }
  return rows;
}
