// The Parquet events writer (output/parquet.ts), read back by DuckDB: an independent reader, not
// the writer's own library (apache-arrow, parquet-wasm). Every column of every row must be what
// the event log says.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../src/engine/simulate.js";
import { EventCode, NO_STATUS, Status, workplaceCode } from "../../src/model/codes.js";
import { EVENT_LOG_WIDTH } from "../../src/model/observers.js";
import { PARQUET_EVENT_COLUMNS, eventsFile, fileSafeName, taskEventsParquet } from "../../src/output/parquet.js";
import type { Task } from "../../src/run/tasks.js";

const START = 2019 * 12 + 11; // 2019-12
const task: Task = { index: 3, scenarioIndex: 0, inputsIndex: 0, scenario: "odd 'name', é", point: 2, replicate: 4, seed: 4_000_000_000 };

function result(events: number[]): RunResult {
  return {
    months: 3, stocks: new Float64Array(0), flows: new Float64Array(0), events: Int32Array.from(events), agentMonths: 0, agentsCreated: 0, agentsWithJobChange: 0,
    exitMonthsHist: new Float64Array(1), sieCohorts: new Float64Array(1), stocksByGroup: new Float64Array(0), flowsByGroup: new Float64Array(0),
  } as RunResult;
}

const dir = mkdtempSync(join(tmpdir(), "migsim-parquet-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe("taskEventsParquet", () => {
  // month, agent, nationality, event, from, to, sector, workplace, ageMonths, monthsInJapan
  const events = [
    0, 42, 2, EventCode.entry, NO_STATUS, Status.TI, 0, workplaceCode(0, 1), 290, 0,
    1, 43, 0, EventCode.job_change, Status.TI, Status.TI, 3, workplaceCode(1, 0), 300, 20,
    2, 17, 6, EventCode.abscond, Status.TI, Status.IRREGULAR, 1, 0, 455, 35,
    2, 2_000_000_000, 5, EventCode.return, Status.SIE, Status.RETURNED, 6, workplaceCode(1, 1), 12 * 40 - 1, 600,
  ];

  it("writes every column as the event log says, read back by DuckDB", async () => {
    const path = join(dir, "one.parquet");
    writeFileSync(path, taskEventsParquet(task, result(events), START, ["alpha", "beta"], [0.1 + 0.2, ""]));
    const rows = await query(`select * from read_parquet('${path}')`);
    expect(Object.keys(rows[0]!)).toEqual([...PARQUET_EVENT_COLUMNS, "alpha", "beta"]);
    const fixed = { scenario: task.scenario, replicate: 4, point: 2, seed: 4_000_000_000n, alpha: 0.30000000000000004, beta: null };
    expect(rows).toEqual([
      { ...fixed, month: 0, date: "2019-12", agent: 42, nationality: "ID", event: "entry", from: null, to: "TI", sector: "manufacturing", region: "urban", size: "sme", age_years: 24, months_in_japan: 0 },
      { ...fixed, month: 1, date: "2020-01", agent: 43, nationality: "VN", event: "job_change", from: "TI", to: "TI", sector: "care", region: "rural", size: "large", age_years: 25, months_in_japan: 20 },
      { ...fixed, month: 2, date: "2020-02", agent: 17, nationality: "OTHER", event: "abscond", from: "TI", to: "IRREGULAR", sector: "construction", region: null, size: null, age_years: 37, months_in_japan: 35 },
      { ...fixed, month: 2, date: "2020-02", agent: 2_000_000_000, nationality: "KH", event: "return", from: "SIE", to: "RETURNED", sector: "professional", region: "rural", size: "sme", age_years: 39, months_in_japan: 600 },
    ]);
    const types = await query(`select column_name, column_type from (describe select * from read_parquet('${path}'))`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      scenario: "VARCHAR", replicate: "INTEGER", point: "INTEGER", seed: "BIGINT", month: "INTEGER", date: "VARCHAR", agent: "INTEGER",
      from: "VARCHAR", region: "VARCHAR", age_years: "INTEGER", months_in_japan: "INTEGER", alpha: "DOUBLE", beta: "DOUBLE",
    });
    const codecs = await query(`select distinct compression from parquet_metadata('${path}')`);
    expect(codecs.map((c) => c.compression)).toEqual(["ZSTD"]);
  });

  it("gives the same bytes for the same events, and writes a task without events", async () => {
    const a = taskEventsParquet(task, result(events), START, [], []);
    expect(Buffer.from(taskEventsParquet(task, result(events), START, [], [])).equals(Buffer.from(a))).toBe(true);
    const path = join(dir, "empty.parquet");
    writeFileSync(path, taskEventsParquet(task, result([]), START, ["alpha"], [""]));
    expect(await query(`select count(*)::int as n from read_parquet('${path}')`)).toEqual([{ n: 0 }]);
  });

  it("keeps columns apart over many rows (no shared arrays: arrow-js #315)", async () => {
    const n = 200_000;
    const big: number[] = [];
    for (let k = 0; k < n; k++) big.push(k % 3, k, k % 7, k % 11, k % 5 === 0 ? NO_STATUS : k % 14, (k + 1) % 14, k % 7, k % 5, 240 + (k % 500), k % 97);
    const path = join(dir, "big.parquet");
    writeFileSync(path, taskEventsParquet(task, result(big), START, [], []));
    const [s] = await query(`select count(*)::int as n, sum(agent)::double as agents, count("from")::int as froms, sum(months_in_japan)::double as mij,
      count(distinct nationality)::int as nats, count(region)::int as regions, max(age_years) as oldest from read_parquet('${path}')`);
    expect(s).toEqual({ n, agents: (n * (n - 1)) / 2, froms: n - n / 5, mij: Array.from({ length: n }, (_, k) => k % 97).reduce((a, b) => a + b, 0), nats: 7, regions: n - n / 5, oldest: Math.floor(739 / 12) });
    expect(big.length / EVENT_LOG_WIDTH).toBe(n);
  });
});

describe("the Arrow schema stored in each file", () => {
  it("is the same whatever the task's length, so that readers can join the files (date: int16 indices always)", async () => {
    const schemaOf = async (months: number): Promise<string> => {
      const path = join(dir, `months-${months}.parquet`);
      // The short task's one event has nulls (an entry from abroad, no employer), the long one's none.
      const from = months < 100 ? NO_STATUS : Status.TI;
      const workplace = months < 100 ? 0 : workplaceCode(1, 1);
      writeFileSync(path, taskEventsParquet(task, { ...result([months - 1, 1, 0, 0, from, 0, 0, workplace, 300, 0]), months }, START, ["alpha"], [1]));
      const [kv] = await query(`select decode(value) as v from parquet_kv_metadata('${path}') where decode(key) = 'ARROW:schema'`);
      // Checked with apache-arrow: DuckDB does not read Arrow's schema, and this is what pyarrow, polars and R restore.
      const { tableFromIPC } = await import("apache-arrow");
      const fields = tableFromIPC(Buffer.from(String(kv!.v), "base64")).schema.fields;
      return fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`).join(" ");
    };
    const short = await schemaOf(3);
    expect(short).toContain("date:Dictionary<Int16, Utf8>");
    expect(short).toContain("nationality:Dictionary<Int8, Utf8>:false");
    // Nullable where a file may have nulls, whether this one has them or not.
    expect(short).toContain("from:Dictionary<Int8, Utf8>:true");
    expect(short).toContain("region:Dictionary<Int8, Utf8>:true");
    expect(short).toContain("alpha:Float64:true");
    expect(await schemaOf(400)).toBe(short);
  });
});

describe("eventsFile", () => {
  it("names a task's file by scenario, point and replicate, with unsafe characters escaped", () => {
    expect(eventsFile({ scenario: "weak-yen", point: 0, replicate: 3, seed: 1 })).toBe("events/weak-yen-p0-r3.parquet");
    expect(fileSafeName("a/b c.d")).toBe("a%2Fb%20c.d");
    expect(fileSafeName(".hidden")).toBe("%2Ehidden");
    expect(fileSafeName("é")).toBe("%C3%A9");
    expect(fileSafeName("a_b")).not.toBe(fileSafeName("a b"));
  });
});
