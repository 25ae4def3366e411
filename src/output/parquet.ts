// `migsim run --events --events-format parquet`: each task's events as one Parquet file,
// DIR/events/<scenario>-p<point>-r<replicate>.parquet (zstd), which pandas, polars, DuckDB and R
// arrow read as one dataset (docs/outputs.md). The columns of events.csv, with nulls where the CSV
// has empty cells, and the agent's sector, employer region and size, age and months in Japan.
//
// Built with apache-arrow (columns) and parquet-wasm's synchronous writeParquet, which throws on
// error (its streaming writer swallows them). Each column has a typed array of its own: apache-arrow
// can write a corrupt file when two columns share one (arrow-js #315). The text columns are
// dictionary-encoded in Arrow (one byte a row, not a string), which keeps a task of 13 million
// events (scale 1) in a few hundred megabytes; readers that keep Arrow's types read them as
// categoricals (pandas, polars, R factors), DuckDB as VARCHAR. The bytes depend only on the
// events, so a re-run, --resume or merge gives the same files.
//
// A file is written atomically (atomic.ts) as its task's result arrives: it exists under its name
// complete or not at all. The run's checkpoint after the task records its sha256, which --resume
// checks (keepEventFiles) before keeping the files of completed tasks.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as ArrowTypes from "apache-arrow";
import type * as ParquetWasmTypes from "parquet-wasm";
import type { RunResult } from "../engine/simulate.js";
import { UserError, ioError } from "../errors.js";
import { EVENT_CODES, NATIONALITY_CODES, NO_STATUS, SECTOR_CODES, STATUS_CODES, WORKPLACE_REGION, WORKPLACE_SIZE } from "../model/codes.js";
import { formatMonth } from "../model/inputs.js";
import { EVENT_FIELD, EVENT_LOG_WIDTH } from "../model/observers.js";
import { writeFileAtomic } from "./atomic.js";
import { sha256File } from "./manifest.js";
import type { TaskIdentity } from "./csv.js";

/** The folder of a run's Parquet events, and the format's name in the spec and on the command line. */
export const EVENTS_DIR = "events";
export const EVENTS_FORMATS = ["csv", "parquet"] as const;
export type EventsFormat = (typeof EVENTS_FORMATS)[number];

/** The columns of every events file, in order; the run's sweep columns (float, null where a scenario does not sweep one) follow. */
export const PARQUET_EVENT_COLUMNS = [
  "scenario", "replicate", "point", "seed", "month", "date", "agent", "nationality", "event", "from", "to",
  "sector", "region", "size", "age_years", "months_in_japan",
] as const;

// Loaded on first use: together they take about 0.2 s to load, which no other command should pay.
const require = createRequire(import.meta.url);
let libs: { arrow: typeof ArrowTypes; pq: typeof ParquetWasmTypes } | null = null;
function load(): { arrow: typeof ArrowTypes; pq: typeof ParquetWasmTypes } {
  libs ??= { arrow: require("apache-arrow") as typeof ArrowTypes, pq: require("parquet-wasm") as typeof ParquetWasmTypes };
  return libs;
}

/**
 * A scenario name as a file name: letters, digits, "_", "-" and "." (not first) as they are,
 * every other byte of its UTF-8 as %XX, so that distinct names give distinct files.
 */
export function fileSafeName(name: string): string {
  return [...Buffer.from(name, "utf8")].map((b, k) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_-]/.test(c) || (c === "." && k > 0) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

/** A task's events file, relative to the run folder: events/<scenario>-p<point>-r<replicate>.parquet. */
export function eventsFile(task: TaskIdentity): string {
  return `${EVENTS_DIR}/${fileSafeName(task.scenario)}-p${task.point}-r${task.replicate}.parquet`;
}

/** A sweep column's value for a task: a number, or "" where its scenario does not sweep it (null in the file). */
export type SweepCell = string | number;

/**
 * One task's events as the bytes of a Parquet file (zstd). Pure: the same events give the same
 * bytes. `startMonthAbs`: the absolute month of the task's month 0 (for `date`).
 */
export function taskEventsParquet(task: TaskIdentity, r: RunResult, startMonthAbs: number, sweepColumns: readonly string[], sweepCells: readonly SweepCell[]): Uint8Array {
  const { pq } = load();
  // The columns and their Arrow IPC bytes are garbage once in WebAssembly memory (about 45 bytes
  // an event each: 0.6 GB for a task at scale 1), so they are made in a function of their own.
  const table = pq.Table.fromIPCStream(taskEventsIpc(task, r, startMonthAbs, sweepColumns, sweepCells));
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).build();
  return pq.writeParquet(table, props);
}

/** One task's events as an Arrow IPC stream (taskEventsParquet). */
function taskEventsIpc(task: TaskIdentity, r: RunResult, startMonthAbs: number, sweepColumns: readonly string[], sweepCells: readonly SweepCell[]): Uint8Array {
  const { arrow } = load();
  const e = r.events;
  const n = e.length / EVENT_LOG_WIDTH;
  if (!Number.isInteger(n)) throw new Error(`taskEventsParquet: ${e.length} values is not a whole number of events of ${EVENT_LOG_WIDTH}`);

  /** Field `f` of every event, in a typed array of its own. */
  const field = (f: number): Int32Array => {
    const out = new Int32Array(n);
    for (let k = 0, j = f; k < n; k++, j += EVENT_LOG_WIDTH) out[k] = e[j]!;
    return out;
  };
  /** A validity bitmap (Arrow's: bit k of byte k >> 3, least significant first), or null when every row is valid. */
  const bitmap = (valid: (k: number) => boolean): { bits: Uint8Array | null; nulls: number } => {
    const bits = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    for (let k = 0; k < n; k++) {
      if (valid(k)) bits[k >> 3]! |= 1 << (k & 7);
      else nulls++;
    }
    return nulls === 0 ? { bits: null, nulls } : { bits, nulls };
  };
  /**
   * A text column: `values` dictionary-encoded by `index(k)` (a fresh dictionary and index array
   * per column: arrow-js #315), null where index(k) < 0. Int8 indices, or Int16 when `wide`: the
   * same for every file, whatever its number of values, or readers could not join the files
   * (pyarrow refuses int8 and int16 indices of one column in one dataset).
   */
  const textColumn = (values: readonly string[], index: (k: number) => number, wide = false): ArrowTypes.Vector => {
    if (values.length > (wide ? 32767 : 127)) throw new Error(`taskEventsParquet: ${values.length} values for a column of ${wide ? "Int16" : "Int8"} indices`);
    const indices = wide ? new Int16Array(n) : new Int8Array(n);
    for (let k = 0; k < n; k++) indices[k] = index(k);
    const { bits, nulls } = bitmap((k) => indices[k]! >= 0);
    if (bits) for (let k = 0; k < n; k++) if (indices[k]! < 0) indices[k] = 0;
    const dictionary = arrow.vectorFromArray([...values], new arrow.Utf8());
    const type = new arrow.Dictionary(new arrow.Utf8(), wide ? new arrow.Int16() : new arrow.Int8());
    return arrow.makeVector(arrow.makeData({ type, length: n, nullCount: nulls, ...(bits && { nullBitmap: bits }), data: indices, dictionary }));
  };
  const constantInt32 = (v: number): ArrowTypes.Vector => arrow.makeVector(new Int32Array(n).fill(v));

  const month = field(EVENT_FIELD.month);
  const nationality = field(EVENT_FIELD.nationality);
  const event = field(EVENT_FIELD.event);
  const from = field(EVENT_FIELD.from);
  const to = field(EVENT_FIELD.to);
  const sector = field(EVENT_FIELD.sector);
  const workplace = field(EVENT_FIELD.workplace);
  const ageYears = field(EVENT_FIELD.ageMonths);
  for (let k = 0; k < n; k++) ageYears[k] = Math.floor(ageYears[k]! / 12);
  const months = Math.max(r.months, lastMonth(month) + 1);
  const dates = Array.from({ length: months }, (_, t) => formatMonth(startMonthAbs + t));
  const columns: Record<string, ArrowTypes.Vector> = {
    scenario: textColumn([task.scenario], () => 0),
    replicate: constantInt32(task.replicate),
    point: constantInt32(task.point),
    seed: arrow.makeVector(new BigInt64Array(n).fill(BigInt(task.seed))),
    month: arrow.makeVector(month),
    date: textColumn(dates, (k) => month[k]!, true),
    agent: arrow.makeVector(field(EVENT_FIELD.agent)),
    nationality: textColumn(NATIONALITY_CODES, (k) => nationality[k]!),
    event: textColumn(EVENT_CODES, (k) => event[k]!),
    from: textColumn(STATUS_CODES, (k) => (from[k] === NO_STATUS ? -1 : from[k]!)),
    to: textColumn(STATUS_CODES, (k) => to[k]!),
    sector: textColumn(SECTOR_CODES, (k) => sector[k]!),
    // Workplace codes (codes.ts): 0 without an employer, then urban/rural x large/sme.
    region: textColumn(REGION.values, (k) => REGION.index[workplace[k]!]!),
    size: textColumn(SIZE.values, (k) => SIZE.index[workplace[k]!]!),
    age_years: arrow.makeVector(ageYears),
    months_in_japan: arrow.makeVector(field(EVENT_FIELD.monthsInJapan)),
  };
  sweepColumns.forEach((c, j) => {
    const v = sweepCells[j];
    const values = new Float64Array(n);
    if (typeof v === "number") values.fill(v);
    const bits = typeof v === "number" || n === 0 ? null : new Uint8Array((n + 7) >> 3);
    columns[c] = arrow.makeVector(arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: bits ? n : 0, ...(bits && { nullBitmap: bits }), data: values }));
  });
  // The schema is declared, not taken from the data (apache-arrow would make a column nullable only
  // where it has a null), so that every file of a run has the same one: nullable are `from`,
  // `region`, `size` and the sweep columns.
  const names = Object.keys(columns);
  const fields = names.map((c) => new arrow.Field(c, columns[c]!.type, NULLABLE.has(c) || sweepColumns.includes(c)));
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: names.map((c) => columns[c]!.data[0]!) });
  return arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(new arrow.Schema(fields), data)]), "stream");
}

/** The last month of the log, -1 when it is empty (the date dictionary covers 0..r.months-1, and this in case). */
function lastMonth(month: Int32Array): number {
  let hi = -1;
  for (const m of month) {
    if (m < 0) throw new Error(`taskEventsParquet: an event in month ${m}`);
    if (m > hi) hi = m;
  }
  return hi;
}

/** The distinct non-empty values of a by-code list, and each code's index among them (-1 for ""): a workplace's region or size. */
function codeValues(byCode: readonly string[]): { values: string[]; index: Int8Array } {
  const values = [...new Set(byCode.filter((v) => v !== ""))];
  return { values, index: Int8Array.from(byCode, (v) => values.indexOf(v)) };
}
const REGION = codeValues(WORKPLACE_REGION);
/** The columns that hold nulls (besides the sweep columns). */
const NULLABLE = new Set(["from", "region", "size"]);
const SIZE = codeValues(WORKPLACE_SIZE);

/** `T`: the caller's task type, handed back to sweepCells and startMonthAbs. */
export interface ParquetEventsOptions<T extends TaskIdentity> {
  dir: string;
  sweepColumns: readonly string[];
  sweepCells: (task: T) => readonly SweepCell[];
  startMonthAbs: (task: T) => number;
}

/** A task's events file as a checkpoint records it: path relative to the run folder, and sha256. */
export interface EventsFileRecord {
  file: string;
  sha256: string;
}

/** Writes each task's events file into DIR/events as the task's result arrives. */
export class ParquetEvents<T extends TaskIdentity> {
  constructor(private readonly o: ParquetEventsOptions<T>) {
    const dir = join(o.dir, EVENTS_DIR);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw ioError(e, dir, "create");
    }
  }

  /** Writes the task's file (atomically) and returns what its checkpoint records. */
  write(task: T, r: RunResult): EventsFileRecord {
    const file = eventsFile(task);
    const path = join(this.o.dir, file);
    let bytes: Uint8Array;
    try {
      bytes = taskEventsParquet(task, r, this.o.startMonthAbs(task), this.o.sweepColumns, this.o.sweepCells(task));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // parquet-wasm works in WebAssembly memory, at most 4 GB: a task of tens of millions of events can exceed it.
      if (/memory|unreachable/i.test(message)) {
        throw new UserError(`Cannot write ${path}: the Parquet writer ran out of memory (${r.events.length / EVENT_LOG_WIDTH} events in this task; it works within 4 GB of WebAssembly memory). Write the events as CSV (--events-format csv) or run at a smaller --scale.`);
      }
      throw new Error(`writing ${path}: ${message}`);
    }
    writeFileAtomic(path, bytes);
    return { file, sha256: createHash("sha256").update(bytes).digest("hex") };
  }
}

/**
 * --resume: checks that the events file of every completed task is there with the sha256 its
 * checkpoint recorded, and deletes everything else in DIR/events (files of tasks after the
 * checkpoint, and temporary files of a write that was cut short). `afresh` says how to start over.
 */
export function keepEventFiles(dir: string, keep: readonly { task: number; record: EventsFileRecord }[], describe: (task: number) => string, afresh: string): void {
  const folder = join(dir, EVENTS_DIR);
  for (const { task, record } of keep) {
    const path = join(dir, record.file);
    if (!existsSync(path)) {
      throw new UserError(`${path}, the events of ${describe(task)}, is missing, though the run's checkpoints record it as written; it was deleted since. Resuming cannot rebuild it without re-running that task: ${afresh}.`);
    }
    if (sha256File(path) !== record.sha256) {
      throw new UserError(`${path}, the events of ${describe(task)}, changed after that task finished (its sha256 differs from the one the run's checkpoints record). Resuming would build on it: ${afresh}.`);
    }
  }
  if (!existsSync(folder)) return;
  const kept = new Set(keep.map((k) => k.record.file.slice(EVENTS_DIR.length + 1)));
  for (const f of readdirSync(folder)) {
    if (kept.has(f) || !(f.endsWith(".parquet") || f.endsWith(".partial"))) continue;
    try {
      rmSync(join(folder, f), { force: true });
    } catch (e) {
      throw ioError(e, join(folder, f));
    }
  }
}

/** --overwrite: an earlier run's events files (and temporary files) go; the folder too once empty. Nothing else in it is touched. */
export function clearEventFiles(dir: string): void {
  const folder = join(dir, EVENTS_DIR);
  if (!existsSync(folder)) return;
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return; // not a folder: not ours
  }
  for (const f of entries) {
    if (!(f.endsWith(".parquet") || f.endsWith(".partial"))) continue;
    try {
      rmSync(join(folder, f), { force: true });
    } catch (e) {
      throw ioError(e, join(folder, f));
    }
  }
  if (readdirSync(folder).length === 0) rmSync(folder, { recursive: true, force: true });
}

/** Whether a run folder holds events files (for the check before a run replaces a folder). */
export function hasEventFiles(dir: string): boolean {
  try {
    return readdirSync(join(dir, EVENTS_DIR)).some((f) => f.endsWith(".parquet") || f.endsWith(".partial"));
  } catch {
    return false;
  }
}
