// Streams a run's results to CSV with csv-stringify. Each file is written as NAME.partial and
// renamed into place only when the run ends, so a crash never leaves a CSV that looks complete.

import { createWriteStream, renameSync, rmSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { type Stringifier, stringify } from "csv-stringify";
import type { RunResult } from "../engine/simulate.js";
import { EVENT_CODES, NATIONALITY_CODES, NATIONALITY_COUNT, NO_STATUS, STATUS_CODES, STATUS_COUNT } from "../model/codes.js";
import { formatMonth } from "../model/inputs.js";
import { STOCK_CELLS } from "../model/population.js";
import { EVENT_LOG_WIDTH, FROM_SLOTS } from "../model/state.js";
import type { Task } from "../run/tasks.js";

/** The columns of each output, in order: the columns first, then extras. */
export const COLUMNS = {
  timeseries: ["scenario", "replicate", "month", "date", "status", "nationality", "count", "seed"],
  flows: ["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "count", "seed"],
  events: ["scenario", "replicate", "month", "date", "agent", "nationality", "event", "from", "to", "seed"],
} as const;
export type OutputName = keyof typeof COLUMNS;

const statusCode = (s: number): string => (s === NO_STATUS ? "" : STATUS_CODES[s]!);

interface OpenFile {
  name: OutputName;
  path: string;
  partial: string;
  csv: Stringifier;
  file: WriteStream;
  done: Promise<void>;
}

export class CsvOutputs {
  private readonly files: OpenFile[] = [];

  constructor(readonly dir: string, names: readonly OutputName[], private readonly startMonthAbs: (task: Task) => number) {
    for (const name of names) {
      const path = join(dir, `${name}.csv`);
      const partial = `${path}.partial`;
      const csv = stringify({ header: true, columns: [...COLUMNS[name]] });
      const file = createWriteStream(partial);
      csv.pipe(file);
      const done = new Promise<void>((resolve, reject) => {
        file.on("finish", resolve);
        file.on("error", reject);
        csv.on("error", reject);
      });
      this.files.push({ name, path, partial, csv, file, done });
    }
  }

  private get(name: OutputName): OpenFile | undefined {
    return this.files.find((f) => f.name === name);
  }

  /** Writes every row of one task, honouring back-pressure. */
  async write(task: Task, r: RunResult): Promise<void> {
    const start = this.startMonthAbs(task);
    const ts = this.get("timeseries");
    if (ts) {
      for (let t = 0; t < r.months; t++) {
        const date = formatMonth(start + t);
        for (let st = 0; st < STATUS_COUNT; st++) {
          for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
            const count = r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
            const w = put(ts.csv, [task.scenario, task.replicate, t, date, STATUS_CODES[st], NATIONALITY_CODES[nat], count, task.seed]);
            if (w) await w;
          }
        }
      }
    }
    const fl = this.get("flows");
    if (fl) {
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
        const w = put(fl.csv, [task.scenario, task.replicate, t, formatMonth(start + t), EVENT_CODES[event], statusCode(from),
          STATUS_CODES[to], NATIONALITY_CODES[nat], r.flows[k + 2]!, task.seed]);
        if (w) await w;
      }
    }
    const ev = this.get("events");
    if (ev) {
      const e = r.events;
      for (let k = 0; k < e.length; k += EVENT_LOG_WIDTH) {
        const t = e[k]!;
        const w = put(ev.csv, [task.scenario, task.replicate, t, formatMonth(start + t), e[k + 1]!, NATIONALITY_CODES[e[k + 2]!],
          EVENT_CODES[e[k + 3]!], statusCode(e[k + 4]!), STATUS_CODES[e[k + 5]!], task.seed]);
        if (w) await w;
      }
    }
  }

  /** Ends the streams and moves the files into place. Returns the final paths. */
  async close(): Promise<string[]> {
    for (const f of this.files) f.csv.end();
    await Promise.all(this.files.map((f) => f.done));
    for (const f of this.files) renameSync(f.partial, f.path);
    return this.files.map((f) => f.path);
  }

  /** Removes the partial files (after a failure before anything was complete). */
  async discard(): Promise<void> {
    for (const f of this.files) f.csv.end();
    await Promise.allSettled(this.files.map((f) => f.done));
    for (const f of this.files) rmSync(f.partial, { force: true });
  }
}

function put(csv: Stringifier, row: unknown[]): Promise<void> | void {
  if (!csv.write(row)) return new Promise((resolve) => csv.once("drain", () => resolve()));
}
