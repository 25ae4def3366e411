// Writes a run's results to CSV with csv-stringify. Files grow as NAME.csv.partial, by
// synchronous appends (so after each task the bytes on disk are known and can be checkpointed),
// and are renamed into place only when the run completes: a crash never leaves a CSV that
// looks complete.

import { closeSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { RunResult } from "../engine/simulate.js";
import { EVENT_CODES, NATIONALITY_CODES, NATIONALITY_COUNT, NO_STATUS, STATUS_CODES, STATUS_COUNT } from "../model/codes.js";
import { formatMonth } from "../model/inputs.js";
import { STOCK_CELLS } from "../model/population.js";
import { EVENT_LOG_WIDTH, FROM_SLOTS } from "../model/state.js";
import type { Task } from "../run/tasks.js";

/** The columns of each output, in order: the columns first, then extras (+ sweep columns). */
export const COLUMNS = {
  timeseries: ["scenario", "replicate", "month", "date", "status", "nationality", "count", "seed", "point"],
  flows: ["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "count", "seed", "point"],
  events: ["scenario", "replicate", "month", "date", "agent", "nationality", "event", "from", "to", "seed", "point"],
} as const;
export type OutputName = keyof typeof COLUMNS;

/** The header line of an output (with the run's sweep columns), exactly as written. */
export function csvHeader(name: OutputName, sweepColumns: readonly string[]): string {
  return stringify([[...COLUMNS[name], ...sweepColumns]]);
}

const statusCode = (s: number): string => (s === NO_STATUS ? "" : STATUS_CODES[s]!);
/** Rows per csv-stringify call: bounds the size of one string. */
const CHUNK_ROWS = 20000;

/** Appends rows to a file descriptor in chunks; returns nothing, throws on I/O errors. */
class RowSink {
  private rows: unknown[][] = [];
  constructor(private readonly fd: number) {}
  push(row: unknown[]): void {
    this.rows.push(row);
    if (this.rows.length >= CHUNK_ROWS) this.flush();
  }
  flush(): void {
    if (this.rows.length === 0) return;
    const text = stringify(this.rows);
    this.rows = [];
    writeSync(this.fd, text);
  }
}

interface OpenFile {
  name: OutputName;
  path: string;
  partial: string;
  fd: number;
}

export interface CsvOutputsOptions {
  dir: string;
  names: readonly OutputName[];
  /** Swept parameter columns (after the fixed ones), empty without sweeps. */
  sweepColumns: readonly string[];
  /** Values of the sweep columns for a task ("" where the task's scenario does not sweep one). */
  sweepCells: (task: Task) => readonly (string | number)[];
  startMonthAbs: (task: Task) => number;
  /** Resume: keep the partial files, truncated to these sizes, instead of starting afresh. */
  resumeAt?: Record<string, number>;
}

export class CsvOutputs {
  private readonly files: OpenFile[] = [];

  constructor(private readonly o: CsvOutputsOptions) {
    for (const name of o.names) {
      const path = join(o.dir, `${name}.csv`);
      const partial = `${path}.partial`;
      const keep = o.resumeAt?.[name];
      if (keep !== undefined) truncateSync(partial, keep); // drop rows of tasks after the checkpoint
      const fd = openSync(partial, keep !== undefined ? "a" : "w");
      if (keep === undefined) writeSync(fd, csvHeader(name, o.sweepColumns));
      this.files.push({ name, path, partial, fd });
    }
  }

  /** Bytes in each partial file: the checkpoint after a task. */
  sizes(): Record<string, number> {
    return Object.fromEntries(this.files.map((f) => [f.name, statSync(f.partial).size]));
  }

  /** Appends every row of one task. */
  write(task: Task, r: RunResult): void {
    const start = this.o.startMonthAbs(task);
    const extra = [task.seed, task.point, ...this.o.sweepCells(task)];
    for (const f of this.files) {
      const sink = new RowSink(f.fd);
      if (f.name === "timeseries") {
        for (let t = 0; t < r.months; t++) {
          const date = formatMonth(start + t);
          for (let st = 0; st < STATUS_COUNT; st++) {
            for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
              const count = r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
              sink.push([task.scenario, task.replicate, t, date, STATUS_CODES[st], NATIONALITY_CODES[nat], count, ...extra]);
            }
          }
        }
      } else if (f.name === "flows") {
        for (let k = 0; k < r.flows.length; k += 3) {
          const t = r.flows[k]!;
          let idx = r.flows[k + 1]!;
          const nat = idx % NATIONALITY_COUNT;
          idx = (idx - nat) / NATIONALITY_COUNT;
          const to = idx % STATUS_COUNT;
          idx = (idx - to) / STATUS_COUNT;
          const fromSlot = idx % FROM_SLOTS;
          const event = (idx - fromSlot) / FROM_SLOTS;
          const from = fromSlot === STATUS_COUNT ? NO_STATUS : fromSlot;
          sink.push([task.scenario, task.replicate, t, formatMonth(start + t), EVENT_CODES[event], statusCode(from),
            STATUS_CODES[to], NATIONALITY_CODES[nat], r.flows[k + 2]!, ...extra]);
        }
      } else {
        const e = r.events;
        for (let k = 0; k < e.length; k += EVENT_LOG_WIDTH) {
          const t = e[k]!;
          sink.push([task.scenario, task.replicate, t, formatMonth(start + t), e[k + 1]!, NATIONALITY_CODES[e[k + 2]!],
            EVENT_CODES[e[k + 3]!], statusCode(e[k + 4]!), STATUS_CODES[e[k + 5]!], ...extra]);
        }
      }
      sink.flush();
    }
  }

  /** Closes the files; with `complete`, moves them into place. Returns the final or partial paths. */
  close(complete: boolean): string[] {
    for (const f of this.files) closeSync(f.fd);
    if (!complete) return this.files.map((f) => f.partial);
    for (const f of this.files) renameSync(f.partial, f.path);
    return this.files.map((f) => f.path);
  }
}

/** Writes a small CSV atomically (temporary file, then rename). */
export function writeCsvAtomic(path: string, header: readonly string[], rows: unknown[][]): void {
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, stringify([[...header], ...rows]));
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
