// A whole `migsim run`: scenarios x sweep points x replicates on the worker pool, rows appended
// to CSV in task order with a checkpoint after every task, summary.csv and manifest.json last.
// Validation happens before anything is created on disk. A run can be resumed from its folder
// (completed tasks are skipped and the bytes come out as if it had never stopped) and
// reproduced from its manifest.
//
// A shard (`--shard K/N`) runs only tasks K, K+N, K+2N, ... of the same plan into a folder of its
// own; instead of summary.csv it keeps each task's byte ranges and metrics (shard-tasks.jsonl),
// from which `migsim merge` (merge.ts) rebuilds the single-machine outputs byte for byte.

import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { RunResult } from "../engine/simulate.js";
import { STREAM_PURPOSES } from "../engine/rng.js";
import { UserError } from "../errors.js";
import type { ModelInputs } from "../model/inputs.js";
import type { Params } from "../model/params.js";
import { renameDurable, writeFileAtomic } from "../output/atomic.js";
import { CsvOutputs, type OutputName, writeCsvAtomic } from "../output/csv.js";
import { type ExperimentSpec, type Manifest, type Shard, dataFileHashes, readManifest, sha256File, writeManifest } from "../output/manifest.js";
import { type Metric, SUMMARY_COLUMNS, summaryRow, taskMetrics } from "../output/summary.js";
import { buildInputs } from "../scenario/resolve.js";
import { type SweepPoints, expandSweep } from "../scenario/sweep.js";
import { VERSION } from "../version.js";
import { runTasks } from "./pool.js";
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
const RUN_FILES = ["manifest.json", "timeseries.csv", "flows.csv", "events.csv", "summary.csv", "report.html", "shard-tasks.jsonl"];
const CHECKPOINTS = "checkpoints.jsonl";
/** A finished shard's checkpoints: one line per task with its end offsets in each CSV and its metrics. */
export const SHARD_TASKS = "shard-tasks.jsonl";

export interface Checkpoint {
  /** The task's index in the run. */
  task: number;
  /** Size of each partial CSV after the task's rows: the task's rows end there. */
  sizes: Record<string, number>;
  metrics: Metric[];
}

/** The tasks of shard `index` (0-based) of `count`: every count-th task from the index-th, so shards get a mix of scenarios and replicates. */
export function shardTasks<T extends { index: number }>(tasks: readonly T[], shard: Shard | null | undefined): T[] {
  return shard ? tasks.filter((t) => t.index % shard.count === shard.index) : [...tasks];
}

/** Refuses to write into a folder that already holds a run, so nothing there is lost. */
export function checkOutputDir(dir: string, overwrite: boolean, hint = `choose another --out, pass --resume ${dir} to finish it, or --overwrite to replace it`): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    throw new UserError(`Output folder ${dir} cannot be used: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder).`);
  }
  const clash = entries.filter((f) => RUN_FILES.includes(f) || f.endsWith(".partial") || f === CHECKPOINTS);
  if (clash.length > 0 && !overwrite) {
    throw new UserError(
      `Output folder ${dir} already holds a run (${clash.join(", ")}); ${hint}.`,
    );
  }
}

/** With --overwrite: the earlier run's files, finished or partial, go (nothing else in the folder). */
export function clearRunFiles(dir: string): void {
  for (const f of readdirSync(dir)) {
    if (RUN_FILES.includes(f) || f === CHECKPOINTS || f.endsWith(".partial")) rmSync(join(dir, f), { force: true });
  }
}

/** Makes `dir` ready for a new run's files: refuses to replace a run without `overwrite`, creates it, clears the old run's files. */
export function prepareRunDir(dir: string, overwrite: boolean, hint?: string): void {
  checkOutputDir(dir, overwrite, hint);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`Cannot create the output folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (expected a folder that can be created and written).`);
  }
  clearRunFiles(dir);
}

/** The CSVs a run writes per task (events.csv only with --events). */
export function outputNames(spec: ExperimentSpec): OutputName[] {
  return spec.events ? ["timeseries", "flows", "events"] : ["timeseries", "flows"];
}

export interface Plan {
  tasks: Task[];
  inputs: ModelInputs[];
  sweeps: SweepPoints[];
  sweepColumns: string[];
}

/** Expands the spec to its inputs (per scenario and sweep point) and tasks; touches no files. */
export function planExperiment(spec: ExperimentSpec): Plan {
  const names = spec.scenarios.map((s) => s.name);
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup) throw new UserError(`Two scenarios are named "${dup}": give one a different 'name:' so their rows can be told apart.`);
  const sweeps = spec.scenarios.map((s) => expandSweep(s.sweep, s.files[0]?.path ?? s.name));
  const inputs: ModelInputs[] = [];
  spec.scenarios.forEach((s, k) => {
    const base = buildInputs(s, { ...(spec.scale !== null && { scale: spec.scale }), ...(spec.until !== null && { until: spec.until }) });
    const sw = sweeps[k]!;
    for (const values of sw.points) {
      const params = { ...base.params } as Record<string, number | boolean>;
      sw.names.forEach((n, j) => (params[n] = values[j]!));
      inputs.push({ ...base, params: params as Params });
    }
  });
  const tasks = buildTasks(names, sweeps.map((s) => s.points.length), spec.replicates, spec.seed);
  const sweepColumns = [...new Set(sweeps.flatMap((s) => s.names))].sort();
  return { tasks, inputs, sweeps, sweepColumns };
}

/** The checkpoint lines of a file (a torn last line is dropped). */
export function readCheckpoints(dir: string, file = CHECKPOINTS): Checkpoint[] {
  const path = join(dir, file);
  if (!existsSync(path)) return [];
  const out: Checkpoint[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as Checkpoint);
    } catch {
      break; // a torn last line: the checkpoint before it is the last good one
    }
  }
  return out;
}

export async function runExperiment(spec: ExperimentSpec, o: RunOptions): Promise<ExperimentResult> {
  const plan = planExperiment(spec);
  const { tasks, inputs, sweeps, sweepColumns } = plan;
  const shard = o.shard ?? null;
  const mine = shardTasks(tasks, shard);
  const dataFiles = dataFileHashes();
  const outputs = outputNames(spec);

  // Where to start: afresh, or after the last checkpoint whose bytes are all on disk.
  let checkpoints: Checkpoint[] = [];
  let resumeAt: Record<string, number> | undefined;
  let startedAt = new Date().toISOString();
  if (o.resume) {
    const prev = readManifest(join(o.out, "manifest.json"));
    if (prev.complete) throw new UserError(`Run in ${o.out} is already complete: nothing to resume.`);
    if (JSON.stringify(prev.shard ?? null) !== JSON.stringify(shard)) throw new UserError(`Run in ${o.out} is ${prev.shard ? `shard ${prev.shard.index}/${prev.shard.count}` : "not a shard"}; resume it as it was started.`);
    if (prev.migsim !== VERSION) throw new UserError(`Run in ${o.out} was made by migsim ${prev.migsim}; this is ${VERSION}, which may not give the same bytes. Re-run it instead.`);
    if (JSON.stringify(prev.dataFiles) !== JSON.stringify(dataFiles)) throw new UserError(`Input tables in data/inputs changed since the run in ${o.out} started; re-run it instead.`);
    startedAt = prev.startedAt;
    // A crash after a shard's checkpoints became shard-tasks.jsonl but before its manifest said
    // complete: they are still its checkpoints (all of them, so nothing runs again).
    if (existsSync(join(o.out, SHARD_TASKS))) renameSync(join(o.out, SHARD_TASKS), join(o.out, CHECKPOINTS));
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
    const all = readCheckpoints(o.out);
    // Checkpoints are in task order; keep the prefix whose bytes are all on disk.
    let k = 0;
    while (k < all.length && all[k]!.task === mine[k]?.index && outputs.every((n) => (all[k]!.sizes[n] ?? Infinity) <= onDisk[n]!)) k++;
    checkpoints = all.slice(0, k);
    // Without any checkpoint the partial files are started afresh (resumeAt undefined).
    resumeAt = k > 0 ? checkpoints[k - 1]!.sizes : undefined;
    // Rewrite the checkpoint file to the kept prefix.
    rmSync(join(o.out, CHECKPOINTS), { force: true });
    for (const c of checkpoints) appendFileSync(join(o.out, CHECKPOINTS), `${JSON.stringify(c)}\n`);
  } else {
    prepareRunDir(o.out, o.overwrite);
  }
  const firstTask = checkpoints.length;

  const csv = new CsvOutputs<Task>({
    dir: o.out,
    names: outputs,
    sweepColumns,
    sweepCells: (task) => sweepCells(plan, task),
    startMonthAbs: (task) => inputs[task.inputsIndex]!.startMonthAbs,
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

  o.onStart?.(mine, inputs, firstTask);
  let failure: unknown = null;
  try {
    await runTasks(mine.slice(firstTask), inputs, {
      threads: o.threads,
      collectEvents: spec.events,
      ...(o.onProgress && { onProgress: o.onProgress }),
      ...(o.shouldStop && { shouldStop: o.shouldStop }),
      ...(o.workerFile && { workerFile: o.workerFile }),
      csv: (task) => csv.taskSpec(task),
      onResult: (task, result, rows) => {
        if (!rows) throw new Error(`task ${task.index}: the worker returned no CSV rows`);
        csv.write(task, result, rows);
        const m = taskMetrics(result, inputs[task.inputsIndex]!.startMonthAbs);
        metrics.push(m);
        appendFileSync(join(o.out, CHECKPOINTS), `${JSON.stringify({ task: task.index, sizes: csv.sizes(), metrics: m } satisfies Checkpoint)}\n`);
        agentMonths += result.agentMonths;
        o.onTaskDone?.(task, result);
      },
    });
  } catch (e) {
    failure = e;
  }
  const complete = failure === null && metrics.length === mine.length;
  const files = csv.close(complete);
  if (complete && shard) {
    // The summary needs every replicate: `migsim merge` writes it from these lines (none for a shard without tasks).
    if (existsSync(join(o.out, CHECKPOINTS))) renameDurable(join(o.out, CHECKPOINTS), join(o.out, SHARD_TASKS));
    else writeFileAtomic(join(o.out, SHARD_TASKS), "");
    files.push(join(o.out, SHARD_TASKS));
  } else if (complete) {
    writeSummary(o.out, plan, metrics, spec.ciTarget);
    files.push(join(o.out, "summary.csv"));
  }
  // Completed tasks keep their rows; the manifest says which tasks they are.
  writeManifest(o.out, manifest(complete, complete ? files : []));
  // Only now: a crash before the complete manifest still finds every checkpoint on --resume.
  if (complete && !shard) rmSync(join(o.out, CHECKPOINTS), { force: true });
  if (failure) throw failure;
  return { dir: o.out, files: [...files, join(o.out, "manifest.json")], complete, tasksDone: metrics.length, tasks: mine.length, agentMonths };
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

export function writeSummary(dir: string, plan: Plan, metrics: Metric[][], ciTarget: number): void {
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
}
