// Runs tasks on a pool of worker threads. worker-threads-pool starts the workers; each is kept
// alive and fed task after task by message (the library starts a new Worker per acquire, so we
// acquire once per thread). Results are handed back strictly in task order, whatever order they
// finish in, so output bytes never depend on the thread count or on scheduling. At most
// `window` tasks run ahead of the next one to write, which bounds memory on long sweeps.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Worker } from "node:worker_threads";
import type { RunResult } from "../engine/simulate.js";
import type { ModelInputs } from "../model/inputs.js";
import type { TaskCsvSpec } from "../output/csv.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import type { Task } from "./tasks.js";

const require = createRequire(import.meta.url);
const Pool = require("worker-threads-pool") as new (opts: { max: number }) => {
  acquire(file: string, cb: (err: Error | null, worker: Worker) => void): void;
};

/** The compiled worker (also when this module runs from src/ under the test runner). */
export const WORKER_FILE = fileURLToPath(new URL("../../dist/run/worker.js", import.meta.url));

export class TaskError extends Error {
  /** The worker's full stack trace (printed with MIGSIM_DEBUG=1). */
  readonly detail: string;
  constructor(readonly task: Task, detail: string) {
    super(`Task failed: scenario ${task.scenario}, sweep point ${task.point}, replicate ${task.replicate}, seed ${task.seed}: ${detail.split("\n")[0]}`);
    this.name = "TaskError";
    this.detail = detail;
  }
}

export interface PoolOptions {
  threads: number;
  collectEvents: boolean;
  /**
   * Called in task order. May return a promise (e.g. waiting for a file stream to drain). `csv`:
   * the task's rows as formatted by the worker (formatTaskCsv), when `csv` below is given.
   */
  onResult: (task: Task, result: RunResult, csv?: Uint8Array[]) => void | Promise<void>;
  /** What the worker needs to format a task's CSV rows (omit for no CSV). */
  csv?: (task: Task) => TaskCsvSpec;
  onProgress?: (taskIndex: number, months: number, agentMonths: number) => void;
  /** Checked between tasks: when true, no new task starts and the run ends after those in flight. */
  shouldStop?: () => boolean;
  /** The worker script (tests substitute one that fails); default WORKER_FILE. */
  workerFile?: string;
  /** A task's inputs when they are not `inputs[task.inputsIndex]` as they are (a posterior draw per replicate: run/posterior.ts). */
  inputsOf?: (task: Task) => ModelInputs;
}

function acquire(pool: InstanceType<typeof Pool>, file: string): Promise<Worker> {
  return new Promise((resolve, reject) => pool.acquire(file, (err, w) => (err ? reject(err) : resolve(w))));
}

/**
 * Runs `tasks` (any subset of a run, in run order; inputs by task.inputsIndex) and returns the number
 * of tasks whose results were delivered (all of them unless stopped). Throws TaskError if a task fails; results already
 * delivered stay delivered.
 */
export async function runTasks(tasks: readonly Task[], inputs: readonly ModelInputs[], opts: PoolOptions): Promise<number> {
  const threads = Math.max(1, Math.min(opts.threads, tasks.length));
  const pool = new Pool({ max: threads });
  const workers = await Promise.all(Array.from({ length: threads }, () => acquire(pool, opts.workerFile ?? WORKER_FILE)));
  const window = threads * 2;
  // Workers answer with the task's index in the run; `tasks` may be any subset of the run (a
  // resumed run starts after the completed tasks, a shard takes every N-th task).
  const position = new Map(tasks.map((t, k) => [t.index, k]));
  const done = new Map<number, { result: RunResult; csv?: Uint8Array[] }>();
  let nextToStart = 0;
  let nextToWrite = 0;
  let failure: Error | null = null;
  let stopped = false;
  let writing = Promise.resolve();

  return await new Promise<number>((resolve, reject) => {
    const idle: Worker[] = [];
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      for (const w of workers) {
        w.removeAllListeners("message");
        w.removeAllListeners("error");
        void w.terminate();
      }
      writing.then(() => (failure ? reject(failure) : resolve(nextToWrite)), reject);
    };
    const dispatch = (): void => {
      if (!failure && !stopped && opts.shouldStop?.()) stopped = true;
      while (idle.length > 0 && !failure && !stopped && nextToStart < tasks.length && nextToStart < nextToWrite + window) {
        const task = tasks[nextToStart++]!;
        const w = idle.pop()!;
        w.postMessage({ type: "task", task, inputs: opts.inputsOf ? opts.inputsOf(task) : inputs[task.inputsIndex]!, collectEvents: opts.collectEvents, ...(opts.csv && { csv: opts.csv(task) }) } satisfies ToWorker);
      }
      if (idle.length === workers.length && (failure || stopped || nextToWrite === tasks.length)) finish();
    };
    const flush = (): void => {
      while (done.has(nextToWrite)) {
        const { result, csv } = done.get(nextToWrite)!;
        done.delete(nextToWrite);
        const task = tasks[nextToWrite]!;
        nextToWrite++;
        // After a failed write, later results are not written (the run stops with the failure).
        writing = writing.then(() => (failure ? undefined : opts.onResult(task, result, csv))).catch((e: unknown) => {
          failure ??= e instanceof Error ? e : new Error(String(e));
        });
      }
    };
    for (const w of workers) {
      w.on("message", (msg: FromWorker) => {
        if (msg.type === "progress") {
          opts.onProgress?.(msg.taskIndex, msg.months, msg.agentMonths);
          return;
        }
        if (msg.type === "error") failure ??= new TaskError(tasks[position.get(msg.taskIndex)!]!, msg.message);
        else done.set(position.get(msg.taskIndex)!, { result: msg.result, ...(msg.csv && { csv: msg.csv }) });
        flush();
        idle.push(w);
        // Hand the worker its next task at once: writing (queued by flush) runs on this thread
        // meanwhile. The window is bounded by nextToWrite, which flush has already advanced.
        dispatch();
      });
      w.on("error", (e) => {
        failure ??= e;
        idle.push(w);
        dispatch();
      });
      idle.push(w);
    }
    dispatch();
  });
}
