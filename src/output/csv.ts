// Writes a run's results to CSV with csv-stringify. Files grow as NAME.csv.partial, by
// synchronous appends (so after each task the bytes on disk are known and can be checkpointed,
// with the sha256 of the task's rows in each file, which --resume checks), and are renamed into
// place only when the run completes (flushed to the device first, atomic.ts): a crash never
// leaves a CSV that looks complete. A disk or permission fault is an IoError naming the file.

import { createHash } from "node:crypto";
import { closeSync, openSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { RunResult } from "../engine/simulate.js";
import { ioError } from "../errors.js";
import {
  BREAKDOWN_DIMS, type BreakdownDim, EVENT_CODES, GROUP_COUNT, NATIONALITY_CODES, NATIONALITY_COUNT, NO_STATUS, SECTOR_CODES, STATUS_CODES, STATUS_COUNT, WORKPLACE_COUNT, WORKPLACE_REGION,
  WORKPLACE_SIZE, isExit,
} from "../model/codes.js";
import { formatMonth } from "../model/inputs.js";
import { EVENT_LOG_WIDTH, type FlowCell, STOCK_CELLS, decodeFlowCell } from "../model/observers.js";
import { renameDurable, writeAllSync, writeFileAtomic } from "./atomic.js";

/**
 * What a task's rows say about it: the scenario, replicate, seed and point columns. The run's Task
 * (run/tasks.ts) extends it; it is declared here so that output needs nothing from run.
 */
export interface TaskIdentity {
  scenario: string;
  /** Sweep point within the scenario (0 when it has no sweep). */
  point: number;
  replicate: number;
  /** Seed of all this task's streams, from (root seed, replicate): see engine/rng.ts. */
  seed: number;
}

/**
 * The columns of each output, in order (+ sweep columns). `national` is count / scale; flows'
 * `rate_per_1000_person_years` is the month's count per 1,000 person-years of the `from` status
 * (and nationality, and breakdown group) in Japan at the end of the month before: 12,000 x count /
 * that stock; empty for entries and in the first month.
 */
export const COLUMNS = {
  timeseries: ["scenario", "replicate", "month", "date", "status", "nationality", "count", "national", "seed", "point"],
  flows: ["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "count", "national", "rate_per_1000_person_years", "seed", "point"],
  events: ["scenario", "replicate", "month", "date", "agent", "nationality", "event", "from", "to", "seed", "point"],
} as const;
export type OutputName = keyof typeof COLUMNS;

/** An output's columns with the run's breakdown and sweep columns. */
export function outputColumns(name: OutputName, sweepColumns: readonly string[], breakdown: readonly BreakdownDim[] = []): string[] {
  const cols: string[] = [...COLUMNS[name]];
  if (name !== "events" && breakdown.length > 0) cols.splice(cols.indexOf("nationality") + 1, 0, ...BREAKDOWN_DIMS.filter((d) => breakdown.includes(d)));
  return [...cols, ...sweepColumns];
}

/** The header line of an output (with the run's breakdown and sweep columns), exactly as written. */
export function csvHeader(name: OutputName, sweepColumns: readonly string[], breakdown: readonly BreakdownDim[] = []): string {
  return stringify([outputColumns(name, sweepColumns, breakdown)]);
}

/**
 * One cell as csv-stringify writes it (quoted and escaped where needed; numbers as String(n)).
 * Rows are assembled from cells formatted this way, once per distinct text: calling csv-stringify
 * per row cost about 6 microseconds a row, more than the simulation of a small task.
 */
export function csvCell(value: string | number): string {
  return stringify([[value]]).slice(0, -1);
}

/** Several cells as csv-stringify writes them, joined by the delimiter (no record delimiter). */
function csvCells(values: readonly (string | number)[]): string {
  return stringify([values]).slice(0, -1);
}

/** Rows per chunk of text (bounds the size of one string). */
const CHUNK_ROWS = 20000;

const STATUS_CELLS = STATUS_CODES.map(csvCell);
const NATIONALITY_CELLS = NATIONALITY_CODES.map(csvCell);
const EVENT_CELLS = EVENT_CODES.map(csvCell);
const statusCell = (s: number): string => (s === NO_STATUS ? csvCell("") : STATUS_CELLS[s]!);

/** What a task's rows need besides its results. */
export interface RowSpec {
  /** Absolute month of the task's month 0 (for the date column). */
  startMonthAbs: number;
  /** The cells after the fixed columns: seed, point, then the sweep columns' values. */
  extra: readonly (string | number)[];
  /** The task's scale (simulated agents per real person), for the national column. */
  scale: number;
  /** `--breakdown` dimensions ([] for none). */
  breakdown: readonly BreakdownDim[];
}

/** What a worker needs to format a task's rows: the outputs it formats, and the rows' spec. */
export interface TaskCsvSpec extends RowSpec {
  names: readonly OutputName[];
}

/** A number as the outputs write it: 10 significant digits, so count / scale does not print 140.00000000000003. */
const numberCell = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(10))) : "");

/**
 * The breakdown key of each group (codes.ts GROUP_COUNT) for the requested dimensions, as the
 * cells written after `nationality` ("sector,region,size" part), and the number of keys.
 */
function breakdownKeys(breakdown: readonly BreakdownDim[]): { keyOfGroup: Int32Array; cells: string[] } {
  const dims = BREAKDOWN_DIMS.filter((d) => breakdown.includes(d));
  const keyOfGroup = new Int32Array(GROUP_COUNT);
  const cells: string[] = [];
  const index = new Map<string, number>();
  for (let g = 0; g < GROUP_COUNT; g++) {
    const sector = Math.floor(g / WORKPLACE_COUNT);
    const wp = g % WORKPLACE_COUNT;
    const text = dims.map((d) => csvCell(d === "sector" ? SECTOR_CODES[sector]! : d === "region" ? WORKPLACE_REGION[wp]! : WORKPLACE_SIZE[wp]!)).join(",");
    let k = index.get(text);
    if (k === undefined) {
      k = cells.length;
      index.set(text, k);
      cells.push(text);
    }
    keyOfGroup[g] = k;
  }
  return { keyOfGroup, cells };
}

/**
 * The rows of one task in one output, as CSV text (no header), handed to `emit` in chunks of
 * CHUNK_ROWS rows. Pure: the workers call it for timeseries and flows (formatTaskCsv), the main
 * thread for events as it writes them (CsvOutputs.write).
 */
export function formatTaskRows(name: OutputName, task: TaskIdentity, r: RunResult, spec: RowSpec, emit: (text: string) => void): void {
  // Numbers (month index, counts, agent ids) are written as String(n), as csv-stringify does.
  const head = csvCells([task.scenario, task.replicate]);
  const tail = csvCells(spec.extra);
  const start = spec.startMonthAbs;
  const dates: string[] = [];
  const dateCell = (t: number): string => (dates[t] ??= csvCell(formatMonth(start + t)));
  const national = (count: number): string => numberCell(count / spec.scale);
  // Emitted in chunks: a task's events can run to hundreds of megabytes, more than one string holds.
  const rows: string[] = [];
  const push = (row: string): void => {
    rows.push(row);
    if (rows.length >= CHUNK_ROWS) {
      emit(rows.join(""));
      rows.length = 0;
    }
  };
  const broken = spec.breakdown.length > 0 && name !== "events";
  const { keyOfGroup, cells: keyCells } = broken ? breakdownKeys(spec.breakdown) : { keyOfGroup: new Int32Array(GROUP_COUNT), cells: [] };
  const keys = keyCells.length;
  // Stock of a cell at the end of month t, by breakdown key (broken-down outputs).
  const stockByKey = (t: number, cell: number, out: Float64Array): Float64Array => {
    out.fill(0);
    const base = (t * STOCK_CELLS + cell) * GROUP_COUNT;
    for (let g = 0; g < GROUP_COUNT; g++) out[keyOfGroup[g]!]! += r.stocksByGroup[base + g]!;
    return out;
  };
  // The rate's denominator: the `from` status's stock (same nationality) at the end of month t - 1.
  const rateCell = (t: number, from: number, count: number, stock: number): string =>
    t === 0 || from === NO_STATUS || isExit(from) || !(stock > 0) ? "" : numberCell((12000 * count) / stock);
  if (name === "timeseries") {
    const byKey = new Float64Array(keys);
    for (let t = 0; t < r.months; t++) {
      const lead = `${head},${t},${dateCell(t)},`;
      for (let st = 0; st < STATUS_COUNT; st++) {
        for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
          if (!broken) {
            const count = r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]!;
            push(`${lead}${STATUS_CELLS[st]},${NATIONALITY_CELLS[nat]},${count},${national(count)},${tail}\n`);
            continue;
          }
          stockByKey(t, st * NATIONALITY_COUNT + nat, byKey);
          for (let k = 0; k < keys; k++) {
            const count = byKey[k]!;
            if (count !== 0) push(`${lead}${STATUS_CELLS[st]},${NATIONALITY_CELLS[nat]},${keyCells[k]},${count},${national(count)},${tail}\n`);
          }
        }
      }
    }
  } else if (name === "flows") {
    const cell: FlowCell = { event: 0, from: 0, to: 0, nationality: 0 };
    if (!broken) {
      for (let k = 0; k < r.flows.length; k += 3) {
        const t = r.flows[k]!;
        const { event, from, to, nationality } = decodeFlowCell(r.flows[k + 1]!, cell);
        const count = r.flows[k + 2]!;
        const stock = t > 0 && from !== NO_STATUS && !isExit(from) ? r.stocks[(t - 1) * STOCK_CELLS + from * NATIONALITY_COUNT + nationality]! : 0;
        push(`${head},${t},${dateCell(t)},${EVENT_CELLS[event]},${statusCell(from)},${STATUS_CELLS[to]},${NATIONALITY_CELLS[nationality]},${count},${national(count)},${rateCell(t, from, count, stock)},${tail}\n`);
      }
    } else {
      // Triples are in index order within a month, the group innermost: a cell's groups are consecutive.
      const byKey = new Float64Array(keys);
      const stocks = new Float64Array(keys);
      const f = r.flowsByGroup;
      for (let k = 0; k < f.length; ) {
        const t = f[k]!;
        const base = (f[k + 1]! - (f[k + 1]! % GROUP_COUNT)) / GROUP_COUNT;
        byKey.fill(0);
        for (; k < f.length && f[k] === t && Math.floor(f[k + 1]! / GROUP_COUNT) === base; k += 3) byKey[keyOfGroup[f[k + 1]! % GROUP_COUNT]!]! += f[k + 2]!;
        const { event, from, to, nationality } = decodeFlowCell(base, cell);
        const withStock = t > 0 && from !== NO_STATUS && !isExit(from);
        if (withStock) stockByKey(t - 1, from * NATIONALITY_COUNT + nationality, stocks);
        const lead = `${head},${t},${dateCell(t)},${EVENT_CELLS[event]},${statusCell(from)},${STATUS_CELLS[to]},${NATIONALITY_CELLS[nationality]},`;
        for (let j = 0; j < keys; j++) {
          const count = byKey[j]!;
          if (count !== 0) push(`${lead}${keyCells[j]},${count},${national(count)},${rateCell(t, from, count, withStock ? stocks[j]! : 0)},${tail}\n`);
        }
      }
    }
  } else {
    const e = r.events;
    for (let k = 0; k < e.length; k += EVENT_LOG_WIDTH) {
      const t = e[k]!;
      push(`${head},${t},${dateCell(t)},${e[k + 1]!},${NATIONALITY_CELLS[e[k + 2]!]},${EVENT_CELLS[e[k + 3]!]},${statusCell(e[k + 4]!)},${STATUS_CELLS[e[k + 5]!]},${tail}\n`);
    }
  }
  if (rows.length > 0) emit(rows.join(""));
}

/** A task's rows in one output as one string (small outputs and tests). */
export function taskRowsText(name: OutputName, task: TaskIdentity, r: RunResult, spec: RowSpec): string {
  const parts: string[] = [];
  formatTaskRows(name, task, r, spec, (text) => parts.push(text));
  return parts.join("");
}

/**
 * The outputs the workers format: their size per task is bounded by months x cells. Events (one
 * row per event, up to hundreds of megabytes a task at scale 1) are formatted on the main thread
 * in chunks as they are written, so no task's events are held as text.
 */
export const WORKER_FORMATTED: readonly OutputName[] = ["timeseries", "flows"];

/** A task's rows in every output of `spec.names`, UTF-8 encoded (transferable from a worker). */
export function formatTaskCsv(spec: TaskCsvSpec, task: TaskIdentity, r: RunResult): Uint8Array[] {
  const encoder = new TextEncoder();
  return spec.names.map((name) => encoder.encode(taskRowsText(name, task, r, spec)));
}

interface OpenFile {
  name: OutputName;
  path: string;
  partial: string;
  fd: number;
}

/** `T`: the caller's task type, handed back to sweepCells and startMonthAbs. */
export interface CsvOutputsOptions<T extends TaskIdentity> {
  dir: string;
  names: readonly OutputName[];
  /** Swept parameter columns (after the fixed ones), empty without sweeps. */
  sweepColumns: readonly string[];
  /** Values of the sweep columns for a task ("" where the task's scenario does not sweep one). */
  sweepCells: (task: T) => readonly (string | number)[];
  startMonthAbs: (task: T) => number;
  /** The task's scale, for the national column. */
  scale: (task: T) => number;
  /** `--breakdown` dimensions ([] for none). */
  breakdown: readonly BreakdownDim[];
  /** Resume: keep the partial files, truncated to these sizes, instead of starting afresh. */
  resumeAt?: Record<string, number>;
}

export class CsvOutputs<T extends TaskIdentity> {
  private readonly files: OpenFile[] = [];

  constructor(private readonly o: CsvOutputsOptions<T>) {
    for (const name of o.names) {
      const path = join(o.dir, `${name}.csv`);
      const partial = `${path}.partial`;
      const keep = o.resumeAt?.[name];
      try {
        if (keep !== undefined) truncateSync(partial, keep); // drop rows of tasks after the checkpoint
        const fd = openSync(partial, keep !== undefined ? "a" : "w");
        this.files.push({ name, path, partial, fd });
        if (keep === undefined) writeAllSync(fd, Buffer.from(csvHeader(name, o.sweepColumns, o.breakdown), "utf8"));
      } catch (e) {
        try {
          this.closeAll();
        } catch {
          // the first error says more
        }
        throw ioError(e, partial);
      }
    }
  }

  /** Bytes in each partial file: the checkpoint after a task. */
  sizes(): Record<string, number> {
    return Object.fromEntries(this.files.map((f) => [f.name, statSync(f.partial).size]));
  }

  /** What a worker needs to format a task's rows for these files (formatTaskCsv): the WORKER_FORMATTED ones. */
  taskSpec(task: T): TaskCsvSpec {
    return {
      names: this.o.names.filter((n) => WORKER_FORMATTED.includes(n)), startMonthAbs: this.o.startMonthAbs(task), extra: this.extra(task),
      scale: this.o.scale(task), breakdown: this.o.breakdown,
    };
  }

  private extra(task: T): (string | number)[] {
    return [task.seed, task.point, ...this.o.sweepCells(task)];
  }

  /**
   * Appends one task's rows: `formatted`, from formatTaskCsv with taskSpec(task), one buffer per
   * worker-formatted file in order; the other files (events) are formatted here, chunk by chunk.
   * Returns the sha256 of the bytes appended to each file (the task's checkpoint keeps them).
   */
  write(task: T, r: RunResult, formatted: readonly Uint8Array[]): Record<string, string> {
    const spec = this.taskSpec(task);
    if (formatted.length !== spec.names.length) throw new Error(`CsvOutputs.write: ${formatted.length} buffers for ${spec.names.length} files`);
    const digests: Record<string, string> = {};
    for (const f of this.files) {
      const hash = createHash("sha256");
      const append = (bytes: Uint8Array): void => {
        hash.update(bytes);
        writeAllSync(f.fd, bytes);
      };
      try {
        const k = spec.names.indexOf(f.name);
        if (k >= 0) append(formatted[k]!);
        else formatTaskRows(f.name, task, r, spec, (text) => append(Buffer.from(text, "utf8")));
      } catch (e) {
        throw ioError(e, f.partial);
      }
      digests[f.name] = hash.digest("hex");
    }
    return digests;
  }

  /** Closes every file; the first error (e.g. EIO reported at close on NFS) is thrown after all are closed. */
  private closeAll(): void {
    let first: unknown = null;
    for (const f of this.files.splice(0)) {
      try {
        closeSync(f.fd);
      } catch (e) {
        first ??= ioError(e, f.partial);
      }
    }
    if (first) throw first;
  }

  /** Closes the files; with `complete`, moves them into place. Returns the final or partial paths. */
  close(complete: boolean): string[] {
    const files = [...this.files];
    this.closeAll();
    if (!complete) return files.map((f) => f.partial);
    for (const f of files) renameDurable(f.partial, f.path);
    return files.map((f) => f.path);
  }
}

/** Writes a small CSV (header and rows, formatted by csv-stringify) atomically: writeFileAtomic. */
export function writeCsvAtomic(path: string, header: readonly string[], rows: unknown[][]): void {
  writeFileAtomic(path, stringify([[...header], ...rows]));
}
