// `migsim run --events --events-format parquet` (output/parquet.ts): one Parquet file per task under
// events/, read here by DuckDB (an independent reader, not the writer's apache-arrow or
// parquet-wasm). The same run with events.csv has the same rows; --resume after a kill keeps the
// files' bytes; merge joins the shards' files; bad combinations of flags are refused. The CLI
// runs in-process (runCli) with the compiled workers in dist/ (`npm test` builds them), and as a
// child process for the kill.

import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMonth, parseMonth } from "../../src/model/inputs.js";
import { type Manifest, readManifest, sha256File } from "../../src/output/manifest.js";
import { EVENTS_DIR, PARQUET_EVENT_COLUMNS, eventsFile } from "../../src/output/parquet.js";
import { runArgsOf } from "../../src/run/slurm-run.js";
import { loadScenario } from "../../src/scenario/load.js";
import { expectUserError, runCli, runCliOk } from "../helpers/cli.js";
import { interruptedRun } from "../helpers/interrupted.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const WEAK_YEN = join(ROOT, "scenarios/weak-yen.yaml");
const TINY = ["--scale", "0.002", "--until", "2016-12", "--replicates", "2", "--seed", "5", "--events", "--quiet", "--threads", "2"];

let tmp: string;
let db: DuckDBInstance;
let duck: DuckDBConnection;
let sweep: string;
beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  tmp = mkdtempSync(join(tmpdir(), "migsim-parquet-run-"));
  // A scenario with a sweep: the files get its column (null for the scenarios without it).
  sweep = join(tmp, "sweep.yaml");
  writeFileSync(sweep, `extends: ${BASELINE}\nname: sw\nsweep:\n  grid:\n    debtCv: [0.25, 0.5]\n`);
  db = await DuckDBInstance.create(":memory:");
  duck = await db.connect();
});
afterAll(() => {
  duck?.closeSync();
  db?.closeSync();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}
const ok = runCliOk;
const manifestOf = (dir: string): Manifest => readManifest(join(dir, "manifest.json"));
/** The events files of a run folder, sorted. */
const eventFiles = (dir: string): string[] => (existsSync(join(dir, EVENTS_DIR)) ? readdirSync(join(dir, EVENTS_DIR)).sort() : []);
/** The run's events files in task order (from its manifest). */
const filesInTaskOrder = (dir: string): string[] => manifestOf(dir).tasks.map((t) => join(dir, eventsFile(t)));
const sameBytes = (a: string, b: string): boolean => readFileSync(a).equals(readFileSync(b));

/** events.csv's columns as text, as the CSV has them ("" for an empty cell). */
const CSV_COLUMNS = ["scenario", "replicate", "month", "date", "agent", "nationality", "event", "from", "to", "seed", "point", "debtCv"];
const asText = (c: string): string => `coalesce(cast("${c}" as varchar), '') as "${c}"`;

describe("--events-format parquet", () => {
  let csvRun: string;
  let pqRun: string;
  beforeAll(async () => {
    csvRun = join(tmp, "csv");
    pqRun = join(tmp, "parquet");
    await ok("run", BASELINE, WEAK_YEN, sweep, ...TINY, "--out", csvRun);
    await ok("run", BASELINE, WEAK_YEN, sweep, ...TINY, "--events-format", "parquet", "--out", pqRun);
  }, 120_000);

  it("writes one zstd file per task under events/, listed in the manifest with its sha256, and no events.csv", async () => {
    const m = manifestOf(pqRun);
    expect(m.spec.eventsFormat).toBe("parquet");
    expect(manifestOf(csvRun).spec).not.toHaveProperty("eventsFormat");
    expect(existsSync(join(pqRun, "events.csv"))).toBe(false);
    expect(m.tasks).toHaveLength(8); // (baseline, weak-yen, 2 sweep points) x 2 replicates
    expect(eventFiles(pqRun)).toEqual(m.tasks.map((t) => eventsFile(t).slice(EVENTS_DIR.length + 1)).sort());
    expect(eventFiles(pqRun)).toContain("sw-p1-r2.parquet");
    for (const t of m.tasks) {
      const listed = m.outputs.find((o) => o.file === eventsFile(t));
      expect(listed?.sha256).toBe(sha256File(join(pqRun, eventsFile(t))));
    }
    const codecs = await query(`select distinct compression from parquet_metadata('${pqRun}/events/*.parquet')`);
    expect(codecs.map((c) => c.compression)).toEqual(["ZSTD"]);
    const columns = await query(`select column_name from (describe select * from read_parquet('${pqRun}/events/*.parquet'))`);
    expect(columns.map((c) => c.column_name)).toEqual([...PARQUET_EVENT_COLUMNS, "debtCv"]);
  });

  it("reads back (DuckDB, read_parquet of the folder) with the same rows as the same run's events.csv", async () => {
    const csv = `read_csv('${csvRun}/events.csv', all_varchar = true, header = true)`;
    const parquet = `read_parquet('${pqRun}/events/*.parquet')`;
    const cols = CSV_COLUMNS.map(asText).join(", ");
    const [counts] = await query(`select (select count(*) from ${csv})::int as csv, (select count(*) from ${parquet})::int as parquet`);
    expect(counts!.csv).toBeGreaterThan(1000);
    expect(counts!.parquet).toBe(counts!.csv);
    // As multisets, both ways (EXCEPT ALL keeps duplicates).
    const [diff] = await query(`select (select count(*) from (select ${cols} from ${csv} except all select ${cols} from ${parquet}))::int as a,
      (select count(*) from (select ${cols} from ${parquet} except all select ${cols} from ${csv}))::int as b`);
    expect(diff).toEqual({ a: 0, b: 0 });
    // And in order: the files in task order, each in its own row order, are events.csv line by line.
    const fromCsv = await query(`select ${cols} from ${csv}`);
    const fromFiles: Record<string, unknown>[] = [];
    for (const f of filesInTaskOrder(pqRun)) fromFiles.push(...(await query(`select ${cols} from read_parquet('${f}', file_row_number = true) order by file_row_number`)));
    expect(fromFiles.length).toBe(fromCsv.length);
    expect(fromFiles).toEqual(fromCsv);
  });

  it("has nulls where events.csv has empty cells, and the agents' attributes in range", async () => {
    const parquet = `read_parquet('${pqRun}/events/*.parquet')`;
    const [s] = await query(`select
      count(*) filter (where "from" is null)::int as nullFrom, count(*) filter (where event = 'entry' and "from" is null)::int as entriesFromAbroad,
      count(*) filter (where (region is null) <> (size is null))::int as halfEmployer,
      count(*) filter (where sector is null or "to" is null or date is null)::int as missing,
      min(age_years) as youngest, max(age_years) as oldest, min(months_in_japan) as minMonths,
      count(*) filter (where scenario <> 'sw' and "debtCv" is not null)::int as unsweptValues,
      count(distinct "debtCv")::int as sweptValues from ${parquet}`);
    expect(s!.nullFrom).toBeGreaterThan(0);
    expect(s!.nullFrom).toBe(s!.entriesFromAbroad); // only entries from abroad lack a from-status
    expect(s!.halfEmployer).toBe(0);
    expect(s!.missing).toBe(0);
    expect(s!.youngest).toBeGreaterThanOrEqual(14);
    expect(s!.oldest).toBeLessThan(90);
    expect(s!.minMonths).toBeGreaterThanOrEqual(0);
    expect(s!.unsweptValues).toBe(0);
    expect(s!.sweptValues).toBe(2);
    const start = parseMonth(loadScenario(BASELINE).start);
    const dates = await query(`select distinct month, date from ${parquet} order by month`);
    for (const d of dates) expect(d.date).toBe(formatMonth(start + Number(d.month)));
    const regions = await query(`select distinct region, size from ${parquet} where region is not null order by all`);
    expect(regions).toEqual([{ region: "rural", size: "large" }, { region: "rural", size: "sme" }, { region: "urban", size: "large" }, { region: "urban", size: "sme" }]);
  });

  it("is reproduced to the same bytes, and records the format for Slurm's shards", async () => {
    const again = join(tmp, "reproduced");
    await ok("reproduce", join(pqRun, "manifest.json"), "--out", again, "--quiet", "--threads", "1");
    expect(eventFiles(again)).toEqual(eventFiles(pqRun));
    for (const f of eventFiles(pqRun)) expect(sameBytes(join(again, EVENTS_DIR, f), join(pqRun, EVENTS_DIR, f)), f).toBe(true);
    const spec = manifestOf(pqRun).spec;
    expect(runArgsOf(["b.yaml"], spec).join(" ")).toContain("--events --events-format parquet");
    expect(runArgsOf(["b.yaml"], manifestOf(csvRun).spec)).not.toContain("--events-format");
  });

  it("merges two shards into the same files, and refuses shards that do not fit", async () => {
    const shards = [0, 1].map((k) => join(tmp, `shard${k}`));
    for (const [k, dir] of shards.entries()) await ok("run", BASELINE, WEAK_YEN, sweep, ...TINY, "--events-format", "parquet", "--shard", `${k}/2`, "--out", dir);
    expect(eventFiles(shards[0]!)).toEqual(["baseline-p0-r1.parquet", "sw-p0-r1.parquet", "sw-p1-r1.parquet", "weak-yen-p0-r1.parquet"]);
    const merged = join(tmp, "merged");
    await ok("merge", ...shards, "--out", merged, "--quiet");
    expect(eventFiles(merged)).toEqual(eventFiles(pqRun));
    for (const f of eventFiles(pqRun)) expect(sameBytes(join(merged, EVENTS_DIR, f), join(pqRun, EVENTS_DIR, f)), f).toBe(true);
    const m = manifestOf(merged);
    expect(m.complete).toBe(true);
    expect(m.outputs.filter((o) => o.file.startsWith("events/")).map((o) => [o.file, o.sha256])).toEqual(
      m.tasks.map((t) => [eventsFile(t), sha256File(join(pqRun, eventsFile(t)))]),
    );
    for (const f of ["timeseries.csv", "flows.csv", "summary.csv"]) expect(sameBytes(join(merged, f), join(pqRun, f)), f).toBe(true);
    // The shards are left as they were.
    expect(eventFiles(shards[1]!)).toHaveLength(4);

    // A shard whose events file is gone.
    const damaged = join(tmp, "shard1-damaged");
    cpSync(shards[1]!, damaged, { recursive: true });
    rmSync(join(damaged, "events/weak-yen-p0-r2.parquet"));
    let r = await runCli("merge", shards[0]!, damaged, "--out", join(tmp, "refused1"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain("weak-yen-p0-r2.parquet is missing");
    expect(existsSync(join(tmp, "refused1"))).toBe(false);
    // A shard of the same run with events.csv instead.
    const csvShard = join(tmp, "shard1-csv");
    await ok("run", BASELINE, WEAK_YEN, sweep, ...TINY, "--shard", "1/2", "--out", csvShard);
    r = await runCli("merge", shards[0]!, csvShard, "--out", join(tmp, "refused2"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain("--events-format csv, not --events-format parquet");
    // The same shard twice.
    r = await runCli("merge", shards[0]!, shards[0]!, "--out", join(tmp, "refused3"), "--quiet");
    expectUserError(r);
  }, 120_000);

  it("--overwrite removes the events files of the run it replaces; without it, they count as a run", async () => {
    const dir = join(tmp, "replace");
    cpSync(pqRun, dir, { recursive: true });
    rmSync(join(dir, "manifest.json"));
    for (const f of ["timeseries.csv", "flows.csv", "summary.csv", "effects.csv"]) rmSync(join(dir, f), { force: true });
    writeFileSync(join(dir, "notes.txt"), "mine");
    let r = await runCli("run", BASELINE, ...TINY, "--out", dir);
    expectUserError(r);
    expect(r.stderr).toContain("events/");
    await ok("run", BASELINE, ...TINY, "--out", dir, "--overwrite");
    expect(existsSync(join(dir, EVENTS_DIR))).toBe(false);
    expect(existsSync(join(dir, "events.csv"))).toBe(true);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
    r = await runCli("run", BASELINE, ...TINY, "--events-format", "parquet", "--out", dir, "--overwrite");
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "events.csv"))).toBe(false);
    expect(eventFiles(dir)).toEqual(["baseline-p0-r1.parquet", "baseline-p0-r2.parquet"]);
  }, 120_000);
});

describe("--resume of a Parquet run", () => {
  // Tasks long enough (about a second each) to kill the process between two of them.
  const ARGS = ["run", BASELINE, "--scale", "0.01", "--until", "2019-12", "--replicates", "4", "--seed", "9", "--events", "--events-format", "parquet", "--quiet", "--threads", "1"];

  it("after a kill keeps the completed tasks' files byte for byte, drops the rest, and ends as an uninterrupted run", async () => {
    const whole = join(tmp, "whole");
    await ok(...ARGS.slice(0, -2), "--threads", "2", "--out", whole);
    const cut = join(tmp, "killed");
    const child = spawn(process.execPath, [join(ROOT, "bin/migsim.js"), ...ARGS, "--out", cut], { stdio: "ignore" });
    const exited = new Promise<void>((res) => child.on("exit", () => res()));
    const checkpoints = join(cut, "checkpoints.jsonl");
    const deadline = Date.now() + 100_000;
    while (Date.now() < deadline && !(existsSync(checkpoints) && readFileSync(checkpoints, "utf8").split("\n").length > 1)) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    await exited;
    const m = manifestOf(cut);
    expect(m.complete, "the run finished before it was killed").toBe(false);
    const kept = readFileSync(checkpoints, "utf8").trim().split("\n").length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(4);
    const before = eventFiles(cut).map((f) => readFileSync(join(cut, EVENTS_DIR, f)));
    expect(before.length).toBeGreaterThanOrEqual(kept);
    // What a kill in the middle of the next task's write can leave: its file, renamed before the
    // checkpoint line was written, and a temporary file.
    writeFileSync(join(cut, EVENTS_DIR, "baseline-p0-r4.parquet"), "not parquet");
    writeFileSync(join(cut, EVENTS_DIR, "baseline-p0-r4.parquet.123.partial"), "torn");

    // Options that differ from the run's are refused before anything is touched.
    const clash = await runCli("run", "--resume", cut, "--events-format", "csv", "--quiet");
    expectUserError(clash);
    expect(clash.stderr).toContain("--events-format csv");
    expect(clash.stderr).toContain("Parquet");

    await ok("run", "--resume", cut, "--quiet", "--threads", "2");
    expect(manifestOf(cut).complete).toBe(true);
    expect(eventFiles(cut)).toEqual(eventFiles(whole));
    expect(eventFiles(cut)).toHaveLength(4);
    for (const f of eventFiles(whole)) expect(sameBytes(join(cut, EVENTS_DIR, f), join(whole, EVENTS_DIR, f)), f).toBe(true);
    // The files of the tasks completed before the kill were kept as they were.
    for (let k = 0; k < kept; k++) expect(readFileSync(join(cut, EVENTS_DIR, `baseline-p0-r${k + 1}.parquet`)).equals(before[k]!)).toBe(true);
    expect(manifestOf(cut).outputs.map((o) => o.file)).toEqual(manifestOf(whole).outputs.map((o) => o.file));
  }, 240_000);

  it("refuses to build on a completed task's file changed since, and re-runs a deleted one", async () => {
    const spec = { ...manifestOf(join(tmp, "whole")).spec };
    const cut = join(tmp, "stopped");
    await interruptedRun(spec, cut, 2);
    const changed = join(cut, EVENTS_DIR, "baseline-p0-r1.parquet");
    const original = readFileSync(changed);
    writeFileSync(changed, Buffer.concat([original, Buffer.from("x")]));
    const r = await runCli("run", "--resume", cut, "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain(changed);
    expect(r.stderr).toContain("sha256");
    // Deleted instead: that task and those after it run again, to the same bytes.
    rmSync(changed);
    await ok("run", "--resume", cut, "--quiet", "--threads", "2");
    for (const f of eventFiles(join(tmp, "whole"))) expect(sameBytes(join(cut, EVENTS_DIR, f), join(tmp, "whole", EVENTS_DIR, f)), f).toBe(true);
    expect(readFileSync(changed).equals(original)).toBe(true);
  }, 240_000);
});

describe("bad combinations of flags", () => {
  it("--events-format parquet needs --events; the format must be csv or parquet", async () => {
    let r = await runCli("run", BASELINE, "--events-format", "parquet", "--out", join(tmp, "never1"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain("--events-format parquet");
    expect(r.stderr).toContain("add --events");
    expect(existsSync(join(tmp, "never1"))).toBe(false);
    r = await runCli("run", BASELINE, "--events", "--events-format", "xml", "--out", join(tmp, "never2"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain('--events-format expects csv');
    expect(r.stderr).toContain('"xml"');
    r = await runCli("run", BASELINE, "--events", "--events-format", "--out", join(tmp, "never3"), "--quiet");
    expectUserError(r);
    expect(existsSync(join(tmp, "never3"))).toBe(false);
  });

  it("a manifest that says Parquet events without events is not a valid experiment", async () => {
    const dir = join(tmp, "bad-manifest");
    await ok("run", BASELINE, ...TINY, "--events-format", "parquet", "--out", dir);
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    m.spec.events = false;
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(m));
    const r = await runCli("reproduce", join(dir, "manifest.json"), "--out", join(tmp, "never4"), "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain("spec.eventsFormat");
  });
});
