// Reading a finished run folder for `migsim report`: manifest.json, timeseries.csv, flows.csv and
// summary.csv (streamed with csv-parse and aggregated on the fly, so large runs fit in memory),
// effects.csv when the run has one, plus the observed TI stock in data/observed/. Counts stay in
// simulated agents here; each series carries the scale that converts them to national figures.
// Each CSV is hashed as it is read and refused unless its sha256 is the one manifest.json records:
// a report never shows a file changed (edited, truncated, damaged) after the run finished.

import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { mean, sampleStandardDeviation } from "simple-statistics";
import { UserError, ioError } from "../errors.js";
import { FIRST_EXIT_STATUS, NATIONALITY_CODES, STATUS_CODES } from "../model/codes.js";
import { type Manifest, readManifest } from "../output/manifest.js";
import { COLUMNS, outputColumns } from "../output/csv.js";
import { EFFECTS_COLUMNS, REFERENCE_SCENARIO, SUMMARY_COLUMNS, tCritical95, tHalfWidth95 } from "../output/summary.js";
import { DATA_DIR } from "../scenario/data.js";
import type { ResolvedScenario } from "../scenario/load.js";
import { policyWindowStart } from "../scenario/policy-start.js";

/** Statuses of people living in Japan (the exits RETURNED, ONWARD, DEPORTED, SUBSIDIARY are left out). */
export const IN_JAPAN_STATUSES: readonly string[] = STATUS_CODES.slice(0, FIRST_EXIT_STATUS);

/** Whole-run event totals per replicate, named as in summary.csv. */
export const TOTALS = ["abscond_total", "ti_to_ssw1_total", "return_total", "onward_total", "deport_total"] as const;
export type TotalName = (typeof TOTALS)[number];

/** One scenario at one sweep point (point 0 without a sweep), across its replicates. */
export interface Series {
  scenario: string;
  point: number;
  /** Name in charts: the scenario, with its swept values when it sweeps (sweepLabel). */
  label: string;
  sweep: Record<string, number>;
  /** Share of the real population simulated: divide counts by it for national figures. */
  scale: number;
  /** Replicate numbers, ascending; arrays below are indexed like this list. */
  replicates: number[];
  /** YYYY-MM of each month index. */
  dates: string[];
  /** status -> [replicate][month] stock at the end of the month, all nationalities. */
  stocks: Map<string, number[][]>;
  /** nationality -> abscondings over the whole run, per replicate. */
  abscondByNationality: Map<string, number[]>;
  totals: Record<TotalName, number[]>;
  /** calendar year -> TI -> SSW1 transfers and returns home from TI, per replicate. */
  tiExitsByYear: Map<number, { toSsw1: number[]; returned: number[] }>;
  /** [replicate][month] interns' legal transfers: job_change events from TI (the intern stays TI, with another employer). */
  tiTransfersByMonth: number[][];
  /** [replicate][month] interns who absconded: abscond events (TI -> IRREGULAR). */
  abscondsByMonth: number[][];
  /** YYYY-MM a policy step switches Employment for Skill Development on (esdStartMonth); undefined if none does. */
  esdStart: string | undefined;
  /**
   * The start of the scenario's policy window (scenario/policy-start.ts policyWindowStart, the rule
   * the run's summary.csv follows, on the resolved scenarios of the manifest; a sweep point's swept
   * values are not compared): the first month it differs from the run's reference, after the run's
   * first month and by its last. Undefined for the reference itself, for a scenario that differs
   * from the outset, and for one that does not differ within the run.
   */
  policyStart: string | undefined;
}

/** One row of effects.csv (output/summary.ts, effectRow): a scenario and point against the reference on one metric, in simulated units. */
export interface EffectRow {
  scenario: string;
  point: number;
  reference: string;
  /** As in summary.csv; a row of one group ends in the group's code in brackets, e.g. abscond_total[VN]. */
  metric: string;
  unit: string;
  n: number;
  scenarioMean: number;
  referenceMean: number;
  diffMean: number;
  diffSd: number;
  diffCi95Low: number;
  diffCi95High: number;
  /** scenario_mean / reference_mean (NaN when the reference mean is 0). */
  ratio: number;
  /** The scenario's scale. */
  scale: number;
  sweep: Record<string, string>;
}

export interface SummaryRow {
  scenario: string;
  point: number;
  metric: string;
  unit: string;
  n: number;
  mean: number;
  /** Sample standard deviation of the replicate values (NaN when n < 2). */
  sd: number;
  ci95Low: number;
  ci95High: number;
  enoughReplicates: boolean;
  scale: number;
  /** Values of the sweep columns ("" where the scenario does not sweep one). */
  sweep: Record<string, string>;
}

export interface ObservedPoint {
  date: string;
  count: number;
  source: string;
}

export interface RunData {
  dir: string;
  manifest: Manifest;
  series: Series[];
  /** The series others are compared with: the run's --reference, else the scenario named "baseline" (point 0), else the first. */
  baseline: Series;
  summary: SummaryRow[];
  sweepColumns: string[];
  /** effects.csv's rows; null when the run has none (no reference scenario, or a single scenario). */
  effects: EffectRow[] | null;
  /** data/observed/ti_stock.csv, all nationalities ([] if the file is missing). */
  observedTi: ObservedPoint[];
}

export interface MeanCi {
  n: number;
  mean: number;
  /** 95% confidence interval of the mean (Student t); equal to the mean when n < 2. */
  lo: number;
  hi: number;
}

/** Mean and 95% CI of the mean of replicate values (NaN values are dropped). */
export function meanCi(values: readonly number[]): MeanCi {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n, mean: NaN, lo: NaN, hi: NaN };
  const m = mean(v);
  if (n < 2) return { n, mean: m, lo: m, hi: m };
  const half = tHalfWidth95(sampleStandardDeviation(v), n);
  return { n, mean: m, lo: m - half, hi: m + half };
}

/**
 * 95% CI of the mean of a quantity that cannot be negative (a count or a stock), from the number
 * of replicates, their mean and their sample sd; it never goes below 0.
 *
 * The Student t interval mean +- t * se (se = sd / sqrt(n)) goes below 0 whenever a count is
 * small and noisy (interns of one nationality who absconded, at a small scale: replicates of 0
 * and 2 give 1 +- 12.7). This one is built on the log scale, where the bound 0 is at minus
 * infinity: by the delta method log(mean) has standard error se / mean, so the interval is
 *   mean * exp(-t * se / mean)  to  mean * exp(+t * se / mean):
 * positive, longer above the mean than below (as a count's uncertainty is), and nearly the
 * symmetric interval when se is small against the mean (10 replicates with se / mean = 0.03:
 * the two differ by about 0.2% of the mean). It is the transformation method used for estimators
 * with a bounded range such as survival curves, with g = log for a bound at 0 (Borgan and
 * Liestol 1990, "A note on confidence intervals and bands for the survival function based on
 * transformations", Scand. J. Statist. 17:35-41: transformed intervals stay in range and cover
 * better than linear ones; the delta method: Casella and Berger 2002, Statistical Inference, 2nd
 * ed., sec. 5.5.4).
 *
 * Why not a t interval on the logs of the replicate values: that is an interval for their
 * geometric mean, not for the arithmetic mean the report shows, and a replicate of 0 has no
 * log. This one contains the mean, allows zeros, and needs only n, mean and sd, so the report
 * applies it to summary.csv's rows too. Checked by simulation (Poisson and negative-binomial
 * replicate values, 3 to 20 replicates, means of 5 and 50): it covered the mean 94-96% of the
 * time, the symmetric interval (cut at 0 or not) 92-95%, missing above it up to 8% of the time.
 * For values that cannot be negative se / mean is at most 1, so the upper bound is at most
 * exp(t) times the mean; with 2 replicates (t = 12.7) it can be very long, as any interval from
 * 2 values is in its own way.
 *
 * A mean of 0 of values that cannot be negative means every value is 0: the interval is [0, 0].
 * NaN bounds when n < 2 (no interval); a negative mean is not a count, so it gets the symmetric
 * interval.
 */
export function logScaleCi(n: number, m: number, sd: number): { lo: number; hi: number } {
  if (!(n >= 2) || !Number.isFinite(m) || !Number.isFinite(sd)) return { lo: NaN, hi: NaN };
  const se = sd / Math.sqrt(n);
  const t = tCritical95(n - 1);
  if (m < 0) return { lo: m - t * se, hi: m + t * se };
  if (m === 0) return { lo: 0, hi: 0 };
  const f = Math.exp((t * se) / m);
  return { lo: m / f, hi: m * f };
}

/**
 * Mean and 95% CI of the mean of replicate values that cannot be negative (counts, stocks):
 * logScaleCi, which never goes below 0 (NaN values are dropped; no interval when n < 2, as meanCi).
 */
export function countMeanCi(values: readonly number[]): MeanCi {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n < 2) return meanCi(v);
  const m = mean(v);
  return { n, mean: m, ...logScaleCi(n, m, sampleStandardDeviation(v)) };
}

const seriesKey = (scenario: string, point: number): string => `${scenario}\u0000${point}`;

/** Checks that `dir` holds a complete run and returns its manifest. */
export function checkRunFolder(dir: string): Manifest {
  if (!existsSync(dir)) throw new UserError(`Run folder ${dir} does not exist; name the folder a migsim run wrote (its --out).`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is not a folder; name the folder a migsim run wrote (its --out), not a file in it.`);
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) {
    throw new UserError(`${path} is missing, so ${dir} is not a migsim run folder; make one with migsim run SCENARIO.yaml --out ${dir}.`);
  }
  const m = readManifest(path);
  if (!Array.isArray(m.tasks) || !Array.isArray(m.outputs)) {
    throw new UserError(`${path}: expected a migsim manifest with "tasks" and "outputs"; it was not written by migsim run.`);
  }
  if (m.shard) {
    throw new UserError(`${dir} holds shard ${m.shard.index}/${m.shard.count} of a run, not the whole run; merge the shards first (migsim merge SHARD_FOLDERS... --out DIR) and make the report of the merged folder.`);
  }
  if (m.complete !== true) {
    const done = m.tasks.filter((t) => t.complete).length;
    throw new UserError(`The run in ${dir} is incomplete (${done} of ${m.tasks.length} tasks done, per ${path}); finish it with migsim run --resume ${dir}, then make the report.`);
  }
  for (const f of REPORTED) {
    if (!existsSync(join(dir, f))) throw new UserError(`${join(dir, f)} is missing from the run folder ${dir}; re-run it (migsim reproduce ${path}) to get every output.`);
    if (!m.outputs.some((o) => o.file === f && typeof o.sha256 === "string")) {
      throw new UserError(`${path} records no sha256 for ${f}, so ${join(dir, f)} cannot be checked; the manifest was changed or not written by migsim run: re-run it (migsim reproduce ${path} --out ANOTHER_DIR) and report that.`);
    }
  }
  return m;
}

/** The files the report reads, each checked against the sha256 manifest.json records. */
const REPORTED = ["timeseries.csv", "flows.csv", "summary.csv"] as const;
/** Read too when the manifest lists it among the outputs (migsim run writes it when the run has a reference scenario). */
const EFFECTS_FILE = "effects.csv";
type Reported = (typeof REPORTED)[number] | typeof EFFECTS_FILE;

/** Refuses a file whose bytes are not the ones the run finished with (`actual`: their sha256). */
function checkSha256(dir: string, m: Manifest, file: Reported, actual: string): void {
  if (actual === m.outputs.find((o) => o.file === file)!.sha256) return;
  const manifestPath = join(dir, "manifest.json");
  throw new UserError(`${join(dir, file)} changed after the run finished (its sha256 differs from the one ${manifestPath} records), so the report would not show the run; re-create it (migsim reproduce ${manifestPath} --out ANOTHER_DIR) and report that.`);
}

/**
 * Streams the rows of a CSV as string arrays after checking that its header starts with `expected`,
 * then checks the sha256 of all its bytes against the manifest's.
 */
async function* csvRows(dir: string, m: Manifest, file: Reported, expected: readonly string[]): AsyncGenerator<string[], void, undefined> {
  const path = join(dir, file);
  const hash = createHash("sha256");
  const input = createReadStream(path);
  input.on("data", (chunk) => hash.update(chunk));
  const parser = input.pipe(parse({ relax_column_count: false }));
  let first = true;
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      if (first) {
        first = false;
        if (expected.some((c, k) => rec[k] !== c)) {
          throw new UserError(`${path}: expected the columns ${expected.join(",")} (see docs/outputs.md), found ${rec.join(",")}.`);
        }
        continue;
      }
      yield rec;
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    const io = ioError(e, path, "read");
    if (io !== e) throw io;
    throw new UserError(`${path} cannot be read as CSV: ${(e as Error).message}.`);
  }
  if (first) throw new UserError(`${path} is empty; expected the columns ${expected.join(",")} (see docs/outputs.md).`);
  // The parser has ended, so has the file: every byte went through the hash.
  checkSha256(dir, m, file, hash.digest("hex"));
}

const num = (s: string | undefined, path: string, what: string): number => {
  const x = s === undefined || s === "" ? NaN : Number(s);
  if (!Number.isFinite(x)) throw new UserError(`${path}: ${what} "${s ?? ""}" is not a number.`);
  return x;
};

/**
 * A sweep point's name in legends: the scenario and its swept values, e.g.
 * "risky: abscondBaseHazardPerMonth = 0.001" (the scenario alone without a sweep). Values show
 * `digits` significant digits.
 */
export function sweepLabel(scenario: string, sweep: Record<string, number>, digits = 4): string {
  const entries = Object.entries(sweep);
  if (entries.length === 0) return scenario;
  return `${scenario}: ${entries.map(([k, v]) => `${k} = ${Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v)}`).join(", ")}`;
}

/**
 * Labels of a scenario's series (all its points): its swept values with the fewest significant
 * digits (4 to 17) that tell every point apart, so a Latin hypercube's values stay short; the
 * point number is added only if full precision does not (two points with the same values).
 */
function labelPoints(points: Series[]): void {
  for (const digits of [4, 6, 8, 12, 17]) {
    const labels = points.map((p) => sweepLabel(p.scenario, p.sweep, digits));
    if (new Set(labels).size === labels.length) {
      points.forEach((p, k) => (p.label = labels[k]!));
      return;
    }
  }
  for (const p of points) p.label = `${sweepLabel(p.scenario, p.sweep, 17)} (point ${p.point})`;
}

/**
 * The month (YYYY-MM) a scenario's policy timeline switches Employment for Skill Development on:
 * the first month after its start at which esdActive goes from false to true once every step of
 * that month is applied, in timeline order, as the run applies them (engine/simulate.ts: a later
 * file's step at the same month wins, so no-reform, which sets it back to false in the baseline's
 * month, has none). Undefined when no step switches it on, including when ESD holds from the
 * first month (its parameter, or a step at or before the start): then nothing starts within the run.
 * A sweep or a posterior draw cannot change it: esdActive is a flag, which neither sets.
 */
export function esdStartMonth(s: Pick<ResolvedScenario, "start" | "params" | "policy">): string | undefined {
  let on = s.params.esdActive === true;
  const months = [...new Set(s.policy.map((p) => p.from))].sort();
  for (const month of months) {
    const before = on;
    for (const p of s.policy) if (p.from === month && p.set.esdActive !== undefined) on = p.set.esdActive === true;
    if (month > s.start && !before && on) return month;
  }
  return undefined;
}

function newSeries(m: Manifest, scenario: string, point: number, sweep: Record<string, number>): Series {
  const sc = m.spec.scenarios.find((s) => s.name === scenario)!;
  return {
    scenario,
    point,
    label: scenario,
    sweep,
    scale: m.spec.scale ?? sc.scale,
    replicates: [],
    dates: [],
    stocks: new Map(STATUS_CODES.map((s) => [s, []])),
    abscondByNationality: new Map(NATIONALITY_CODES.map((n) => [n, []])),
    totals: Object.fromEntries(TOTALS.map((t) => [t, []])) as unknown as Record<TotalName, number[]>,
    tiExitsByYear: new Map(),
    tiTransfersByMonth: [],
    abscondsByMonth: [],
    esdStart: esdStartMonth(sc),
    policyStart: undefined,
  };
}

/** The series and replicates the manifest lists, in its order (scenarios, then points). */
function seriesFromManifest(m: Manifest): Series[] {
  const out = new Map<string, Series>();
  for (const t of m.tasks) {
    if (!m.spec.scenarios.some((s) => s.name === t.scenario)) continue;
    const key = seriesKey(t.scenario, t.point);
    if (!out.has(key)) out.set(key, newSeries(m, t.scenario, t.point, t.sweep ?? {}));
    const s = out.get(key)!;
    if (!s.replicates.includes(t.replicate)) s.replicates.push(t.replicate);
  }
  const order = m.spec.scenarios.map((s) => s.name);
  const list = [...out.values()].sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario) || a.point - b.point);
  for (const name of order) labelPoints(list.filter((s) => s.scenario === name));
  for (const s of list) {
    s.replicates.sort((a, b) => a - b);
    const zeros = (): number[] => s.replicates.map(() => 0);
    for (const n of NATIONALITY_CODES) s.abscondByNationality.set(n, zeros());
    for (const t of TOTALS) s.totals[t] = zeros();
  }
  return list;
}

function lookup(series: Map<string, Series>, path: string, scenario: string, point: string, replicate: string): [Series, number] {
  const s = series.get(seriesKey(scenario, Number(point)));
  const r = s?.replicates.indexOf(Number(replicate)) ?? -1;
  if (!s || r < 0) {
    throw new UserError(`${path} has rows of scenario ${scenario}, point ${point}, replicate ${replicate}, which manifest.json does not list: the files are from different runs.`);
  }
  return [s, r];
}

/** Columns derived from count that older runs' outputs lack. */
const DERIVED_COLUMNS: readonly string[] = ["national", "rate_per_1000_person_years"];

/** The first line of a file (up to 64 KiB), "" when it cannot be read (csvRows then says why). */
function headerLine(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.indexOf("\n");
    return end >= 0 ? text.slice(0, end) : text;
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * An output's columns as the run wrote them (with its --breakdown columns, which the report sums
 * over, as over nationalities) and the position of each of COLUMNS[name] among them.
 */
function runColumns<N extends "timeseries" | "flows">(dir: string, m: Manifest, name: N): { columns: string[]; at: Record<(typeof COLUMNS)[N][number], number> } {
  let columns = outputColumns(name, [], m.spec.breakdown ?? []);
  // Runs made before the national and rate columns (2026-12-07) have neither: the report reads
  // only count, so it reads them too.
  if (!headerLine(join(dir, `${name}.csv`)).split(",").includes("national")) columns = columns.filter((c) => !DERIVED_COLUMNS.includes(c));
  const at = Object.fromEntries(COLUMNS[name].map((c) => [c, columns.indexOf(c)])) as Record<(typeof COLUMNS)[N][number], number>;
  return { columns, at };
}

async function readTimeseries(dir: string, m: Manifest, series: Map<string, Series>): Promise<void> {
  const path = join(dir, "timeseries.csv");
  const { columns, at } = runColumns(dir, m, "timeseries");
  const { scenario: iScen, replicate: iRep, month: iMonth, date: iDate, status: iStatus, count: iCount, point: iPoint } = at;
  for await (const row of csvRows(dir, m, "timeseries.csv", columns)) {
    const [s, r] = lookup(series, path, row[iScen]!, row[iPoint]!, row[iRep]!);
    const t = num(row[iMonth], path, "month");
    const byRep = s.stocks.get(row[iStatus]!);
    if (!byRep) throw new UserError(`${path}: unknown status "${row[iStatus]}".`);
    if (s.dates[t] === undefined) s.dates[t] = row[iDate]!;
    const arr = (byRep[r] ??= []);
    arr[t] = (arr[t] ?? 0) + num(row[iCount], path, "count");
  }
  for (const s of series.values()) {
    if (s.dates.length === 0) throw new UserError(`${path} has no rows for scenario ${s.label}, which manifest.json lists as complete.`);
    for (const byRep of s.stocks.values()) {
      for (let r = 0; r < s.replicates.length; r++) byRep[r] = Array.from({ length: s.dates.length }, (_, t) => byRep[r]?.[t] ?? 0);
    }
  }
}

async function readFlows(dir: string, m: Manifest, series: Map<string, Series>): Promise<void> {
  const path = join(dir, "flows.csv");
  const { columns, at } = runColumns(dir, m, "flows");
  const { scenario: iScen, replicate: iRep, month: iMonth, date: iDate, event: iEvent, from: iFrom, to: iTo, nationality: iNat, count: iCount, point: iPoint } = at;
  // The months are timeseries.csv's (read first): a month without such events counts 0.
  for (const s of series.values()) {
    const zeros = (): number[] => Array.from({ length: s.dates.length }, () => 0);
    s.tiTransfersByMonth = s.replicates.map(zeros);
    s.abscondsByMonth = s.replicates.map(zeros);
  }
  for await (const row of csvRows(dir, m, "flows.csv", columns)) {
    const [s, r] = lookup(series, path, row[iScen]!, row[iPoint]!, row[iRep]!);
    const n = num(row[iCount], path, "count");
    const event = row[iEvent]!;
    const from = row[iFrom]!;
    const tiTransfer = event === "job_change" && from === "TI";
    if (tiTransfer || event === "abscond") {
      const t = num(row[iMonth], path, "month");
      const byMonth = (tiTransfer ? s.tiTransfersByMonth : s.abscondsByMonth)[r]!;
      if (!(t >= 0 && t < byMonth.length && Number.isInteger(t))) {
        throw new UserError(`${path} has a row of scenario ${s.label}, replicate ${row[iRep]} in month ${row[iMonth]}, a month timeseries.csv does not have (it has 0 to ${byMonth.length - 1}): the files are from different runs.`);
      }
      byMonth[t]! += n;
    }
    if (event === "abscond") {
      s.totals.abscond_total[r]! += n;
      const byNat = s.abscondByNationality.get(row[iNat]!);
      if (byNat) byNat[r]! += n;
    } else if (event === "return") s.totals.return_total[r]! += n;
    else if (event === "onward") s.totals.onward_total[r]! += n;
    else if (event === "deport") s.totals.deport_total[r]! += n;
    const toSsw1 = event === "transfer" && from === "TI" && row[iTo] === "SSW1";
    if (toSsw1) s.totals.ti_to_ssw1_total[r]! += n;
    if (toSsw1 || (event === "return" && from === "TI")) {
      const year = num(row[iDate]?.slice(0, 4), path, "year of date");
      let y = s.tiExitsByYear.get(year);
      if (!y) {
        y = { toSsw1: s.replicates.map(() => 0), returned: s.replicates.map(() => 0) };
        s.tiExitsByYear.set(year, y);
      }
      (toSsw1 ? y.toSsw1 : y.returned)[r]! += n;
    }
  }
}

/**
 * A table of the run folder read whole (summary.csv, effects.csv): checked against the manifest's
 * sha256, its leading columns against `columns` (the rest are sweep columns); `at` finds a column,
 * `value` reads a number (empty: NaN).
 */
function readCheckedTable(dir: string, m: Manifest, file: Reported, columns: readonly string[]) {
  const path = join(dir, file);
  const bytes = readFileSync(path);
  checkSha256(dir, m, file, createHash("sha256").update(bytes).digest("hex"));
  const records = parseSync(bytes.toString("utf8"), { skip_empty_lines: true }) as string[][];
  const header = records[0] ?? [];
  if (columns.some((c, k) => header[k] !== c)) {
    throw new UserError(`${path}: expected the columns ${columns.join(",")} (see docs/outputs.md), found ${header.join(",")}.`);
  }
  return {
    records: records.slice(1),
    sweepColumns: header.slice(columns.length),
    at: (name: string): number => header.indexOf(name),
    value: (s: string | undefined): number => (s === undefined || s === "" ? NaN : Number(s)),
  };
}

function readSummary(dir: string, m: Manifest): { rows: SummaryRow[]; sweepColumns: string[] } {
  const { records, sweepColumns, at, value } = readCheckedTable(dir, m, "summary.csv", SUMMARY_COLUMNS);
  const rows = records.map((r) => ({
    scenario: r[at("scenario")]!,
    point: value(r[at("point")]),
    metric: r[at("metric")]!,
    unit: r[at("unit")]!,
    n: value(r[at("n")]),
    mean: value(r[at("mean")]),
    sd: value(r[at("sd")]),
    ci95Low: value(r[at("ci95_low")]),
    ci95High: value(r[at("ci95_high")]),
    enoughReplicates: r[at("enough_replicates")] === "true",
    scale: value(r[at("scale")]),
    sweep: Object.fromEntries(sweepColumns.map((c, k) => [c, r[SUMMARY_COLUMNS.length + k] ?? ""])),
  }));
  return { rows, sweepColumns };
}

/**
 * effects.csv when the manifest lists it among the outputs (checked against its sha256), else
 * null. A run without a reference scenario has none; a manifest that lists it while the file is
 * missing is refused, as for the other files.
 */
function readEffects(dir: string, m: Manifest): EffectRow[] | null {
  if (!m.outputs.some((o) => o.file === EFFECTS_FILE)) return null;
  const path = join(dir, EFFECTS_FILE);
  if (!existsSync(path)) throw new UserError(`${path} is missing from the run folder ${dir}, though ${join(dir, "manifest.json")} lists it; re-run it (migsim reproduce ${join(dir, "manifest.json")}) to get every output.`);
  const { records, sweepColumns, at, value } = readCheckedTable(dir, m, EFFECTS_FILE, EFFECTS_COLUMNS);
  return records.map((r) => ({
    scenario: r[at("scenario")]!,
    point: value(r[at("point")]),
    reference: r[at("reference")]!,
    metric: r[at("metric")]!,
    unit: r[at("unit")]!,
    n: value(r[at("n")]),
    scenarioMean: value(r[at("scenario_mean")]),
    referenceMean: value(r[at("reference_mean")]),
    diffMean: value(r[at("diff_mean")]),
    diffSd: value(r[at("diff_sd")]),
    diffCi95Low: value(r[at("diff_ci95_low")]),
    diffCi95High: value(r[at("diff_ci95_high")]),
    ratio: value(r[at("ratio")]),
    scale: value(r[at("scale")]),
    sweep: Object.fromEntries(sweepColumns.map((c, k) => [c, r[EFFECTS_COLUMNS.length + k] ?? ""])),
  }));
}

/**
 * The reference series a series is paired with, as effects.csv pairs them: the reference's point 0
 * when it has one point, else its point of the same number when both have as many points;
 * undefined for the reference's own series and where no point pairs.
 */
export function referenceSeries(run: Pick<RunData, "series" | "baseline">, s: Series): Series | undefined {
  const ref = run.baseline.scenario;
  if (s.scenario === ref) return undefined;
  const refPoints = run.series.filter((x) => x.scenario === ref);
  if (refPoints.length === 1) return refPoints[0];
  const points = run.series.filter((x) => x.scenario === s.scenario);
  return refPoints.length === points.length ? refPoints.find((x) => x.point === s.point) : undefined;
}

/** data/observed/ti_stock.csv, nationality ALL, in date order; [] when the file is absent. */
export function readObservedTiStock(path = join(DATA_DIR, "observed", "ti_stock.csv")): ObservedPoint[] {
  if (!existsSync(path)) return [];
  const rows = parseSync(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows
    .filter((r) => r.nationality === "ALL" && /^\d{4}-\d{2}$/.test(r.date ?? "") && Number.isFinite(Number(r.count)))
    .map((r) => ({ date: r.date!, count: Number(r.count), source: r.source ?? "" }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/** Everything the report shows, from a complete run folder. Throws UserError naming the file at fault. */
export async function loadRun(dir: string): Promise<RunData> {
  const manifest = checkRunFolder(dir);
  const list = seriesFromManifest(manifest);
  if (list.length === 0) throw new UserError(`${join(dir, "manifest.json")} lists no tasks, so there is nothing to report.`);
  const byKey = new Map(list.map((s) => [seriesKey(s.scenario, s.point), s]));
  await readTimeseries(dir, manifest, byKey);
  await readFlows(dir, manifest, byKey);
  const { rows, sweepColumns } = readSummary(dir, manifest);
  // The run's reference (`--reference NAME`, as effects.csv uses it), else the scenario named
  // baseline, else the first.
  const reference = manifest.spec.reference ?? REFERENCE_SCENARIO;
  const baseline = list.find((s) => s.scenario === reference && s.point === 0) ?? list[0]!;
  const refSpec = manifest.spec.scenarios.find((s) => s.name === baseline.scenario)!;
  // Only against the run's reference, as summary.csv counts the policy windows (runWindows): a run
  // without one has no policy windows, and the report marks none.
  const hasReference = baseline.scenario === reference;
  for (const s of list) {
    if (hasReference && s.scenario !== baseline.scenario) s.policyStart = policyWindowStart(manifest.spec.scenarios.find((x) => x.name === s.scenario)!, refSpec, manifest.spec);
  }
  const effects = readEffects(dir, manifest);
  return { dir, manifest, series: list, baseline, summary: rows, sweepColumns, effects, observedTi: readObservedTiStock() };
}
