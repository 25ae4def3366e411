// A whole `migsim run`: scenarios x replicates on the worker pool, rows streamed to CSV in
// task order, manifest last. Validation happens before anything is created on disk.

import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "../engine/simulate.js";
import { STREAM_PURPOSES } from "../engine/rng.js";
import { UserError } from "../errors.js";
import type { ModelInputs } from "../model/inputs.js";
import { CsvOutputs, type OutputName } from "../output/csv.js";
import { type Manifest, sha256File, writeManifest } from "../output/manifest.js";
import type { ResolvedScenario } from "../scenario/load.js";
import { buildInputs } from "../scenario/resolve.js";
import { runTasks } from "./pool.js";
import { type Task, buildTasks } from "./tasks.js";
import { VERSION } from "../version.js";

export interface ExperimentOptions {
  seed: number;
  replicates: number;
  threads: number;
  scale?: number;
  until?: string;
  out: string;
  events: boolean;
  overwrite: boolean;
  command: string[];
  onStart?: (tasks: readonly Task[], inputs: readonly ModelInputs[]) => void;
  onProgress?: (taskIndex: number, months: number, agentMonths: number) => void;
  onTaskDone?: (task: Task, result: RunResult) => void;
  shouldStop?: () => boolean;
}

export interface ExperimentResult {
  dir: string;
  files: string[];
  complete: boolean;
  tasksDone: number;
  tasks: number;
  agentMonths: number;
}

const OUR_FILES = ["manifest.json", "timeseries.csv", "flows.csv", "events.csv", "summary.csv"];

/** Refuses to write into a folder that already holds a run, so nothing there is lost. */
export function checkOutputDir(dir: string, overwrite: boolean): void {
  if (!existsSync(dir)) return;
  const clash = readdirSync(dir).filter((f) => OUR_FILES.includes(f));
  if (clash.length > 0 && !overwrite) {
    throw new UserError(
      `Output folder ${dir} already holds a run (${clash.join(", ")}); choose another --out, or pass --overwrite to replace those files.`,
    );
  }
}

export async function runExperiment(scenarios: readonly ResolvedScenario[], o: ExperimentOptions): Promise<ExperimentResult> {
  const names = scenarios.map((s) => s.name);
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup) throw new UserError(`Two scenarios are named "${dup}": give one a different 'name:' so their rows can be told apart.`);
  const inputs = scenarios.map((s) => buildInputs(s, { ...(o.scale !== undefined && { scale: o.scale }), ...(o.until !== undefined && { until: o.until }) }));
  const tasks = buildTasks(names, o.replicates, o.seed);
  checkOutputDir(o.out, o.overwrite);
  mkdirSync(o.out, { recursive: true });

  const startedAt = new Date().toISOString();
  const outputs: OutputName[] = o.events ? ["timeseries", "flows", "events"] : ["timeseries", "flows"];
  const csv = new CsvOutputs(o.out, outputs, (task) => inputs[task.scenarioIndex]!.startMonthAbs);
  const completed = new Set<number>();
  let agentMonths = 0;
  o.onStart?.(tasks, inputs);
  const manifest = (complete: boolean, files: string[]): Manifest => ({
    migsim: VERSION,
    command: o.command,
    seed: o.seed,
    replicates: o.replicates,
    scale: inputs[0]?.scale ?? 1,
    until: o.until ?? null,
    events: o.events,
    threads: o.threads,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    startedAt,
    finishedAt: new Date().toISOString(),
    complete,
    scenarios: scenarios.map((s, k) => ({ ...s, scale: inputs[k]!.scale, end: o.until ?? s.end })),
    tasks: tasks.map((t) => ({ scenario: t.scenario, replicate: t.replicate, seed: t.seed, complete: completed.has(t.index) })),
    outputs: files.map((f) => ({ file: f.slice(o.out.length + 1), sha256: sha256File(f) })),
    streams: { derivation: "sha256 of (root seed, replicate) -> task seed; sha256 of (task seed, purpose) -> Alea seed", purposes: STREAM_PURPOSES },
  });

  let failure: unknown = null;
  let done = 0;
  try {
    done = await runTasks(tasks, inputs, {
      threads: o.threads,
      collectEvents: o.events,
      ...(o.onProgress && { onProgress: o.onProgress }),
      ...(o.shouldStop && { shouldStop: o.shouldStop }),
      onResult: async (task, result) => {
        await csv.write(task, result);
        completed.add(task.index);
        agentMonths += result.agentMonths;
        o.onTaskDone?.(task, result);
      },
    });
  } catch (e) {
    failure = e;
    done = completed.size;
  }
  // Completed tasks keep their rows; the manifest says which tasks they are.
  const files = await csv.close();
  const complete = failure === null && done === tasks.length;
  writeManifest(o.out, manifest(complete, files));
  if (failure) throw failure;
  return { dir: o.out, files: [...files, join(o.out, "manifest.json")], complete, tasksDone: done, tasks: tasks.length, agentMonths };
}
