// `migsim run --breakdown sector,region,size` (issue 19): timeseries.csv and flows.csv split by the
// agent's sector and its employer's region and size, zero rows left out; and the `national` and
// `rate_per_1000_person_years` columns. Tiny runs in-process (runCli; the workers are dist/'s),
// checked against a run without --breakdown and against figures recomputed here from the CSVs.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../../src/output/manifest.js";
import { expectUserError, runCli, snapshot, runCliOk, readCsvRecords } from "../helpers/cli.js";
import { interruptedRun } from "../helpers/interrupted.js";

const BASELINE = resolve("scenarios/baseline.yaml");
const SCALE = 0.002;
const TINY = ["--scale", String(SCALE), "--until", "2020-12", "--replicates", "2", "--seed", "11", "--quiet", "--threads", "2"];
const FULL = ["--breakdown", "sector,region,size"];
const CSVS = ["timeseries.csv", "flows.csv"] as const;
/** Statuses held without an employer (codes.ts isWithoutEmployer): no region or size. */
const NO_EMPLOYER = new Set(["IRREGULAR", "ASYLUM", "DETAINED", "PROVISIONAL", "DESIGNATED", "RETURNED", "ONWARD", "DEPORTED", "SUBSIDIARY"]);
const WITH_EMPLOYER = new Set(["TI", "SSW1", "SSW2", "SIE", "PR"]);
const SECTORS = new Set(["manufacturing", "construction", "agriculture", "care", "food", "services", "professional"]);
const DIMS = ["sector", "region", "size"];

let tmp: string;
/** The baseline with absconding 17 times as likely from 2018-04, so there are many abscondings. */
let HAZARD: string;
let plain: string;
let full: string;
let region: string;
const RUN = (): string[] => [BASELINE, HAZARD, ...TINY];

type Row = Record<string, string>;
const cache = new Map<string, { header: string[]; lines: string[]; rows: Row[] }>();
/** A CSV (no quoted commas in these outputs): its header, lines and rows as records. */
function csv(path: string): { header: string[]; lines: string[]; rows: Row[] } {
  let c = cache.get(path);
  if (!c) {
    c = readCsvRecords(path);
    cache.set(path, c);
  }
  return c;
}
const same = (a: string, b: string, file: string): boolean => readFileSync(join(a, file)).equals(readFileSync(join(b, file)));

const ok = runCliOk;

/** Sums `count` (and `national`) of rows by the columns in `key`. */
function sumBy(rows: Row[], key: readonly string[]): Map<string, { count: number; national: number }> {
  const out = new Map<string, { count: number; national: number }>();
  for (const r of rows) {
    const k = key.map((c) => r[c]).join(",");
    const v = out.get(k) ?? { count: 0, national: 0 };
    v.count += Number(r.count);
    v.national += Number(r.national);
    out.set(k, v);
  }
  return out;
}
const TS_KEY = ["scenario", "replicate", "month", "date", "status", "nationality", "seed", "point"];
const FLOW_KEY = ["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "seed", "point"];
const relClose = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-breakdown-"));
  HAZARD = join(tmp, "hazard.yaml");
  writeFileSync(HAZARD, `extends: ${BASELINE}\nname: hazard\npolicy:\n  - from: 2018-04\n    set: { abscondBaseHazardPerMonth: 0.01 }\n`);
  if (!existsSync(resolve("dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  plain = join(tmp, "plain");
  full = join(tmp, "full");
  region = join(tmp, "region");
  await ok("run", ...RUN(), "--out", plain);
  await ok("run", ...RUN(), ...FULL, "--out", full);
  await ok("run", ...RUN(), "--breakdown", "region", "--out", region);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("--breakdown: the columns", () => {
  it("come after nationality, in the order sector, region, size, whatever order they are given in", async () => {
    expect(csv(join(plain, "timeseries.csv")).header).toEqual(["scenario", "replicate", "month", "date", "status", "nationality", "count", "national", "seed", "point"]);
    expect(csv(join(plain, "flows.csv")).header).toEqual(["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "count", "national", "rate_per_1000_person_years", "seed", "point"]);
    expect(csv(join(full, "timeseries.csv")).header).toEqual(["scenario", "replicate", "month", "date", "status", "nationality", "sector", "region", "size", "count", "national", "seed", "point"]);
    expect(csv(join(full, "flows.csv")).header).toEqual(["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "sector", "region", "size", "count", "national", "rate_per_1000_person_years", "seed", "point"]);
    expect(csv(join(region, "timeseries.csv")).header).toEqual(["scenario", "replicate", "month", "date", "status", "nationality", "region", "count", "national", "seed", "point"]);
    expect(csv(join(region, "flows.csv")).header).toEqual(["scenario", "replicate", "month", "date", "event", "from", "to", "nationality", "region", "count", "national", "rate_per_1000_person_years", "seed", "point"]);
    const reversed = join(tmp, "reversed");
    await ok("run", BASELINE, ...TINY, "--replicates", "1", "--breakdown", "size,sector", "--out", reversed);
    expect(csv(join(reversed, "timeseries.csv")).header.slice(5, 9)).toEqual(["nationality", "sector", "size", "count"]);
    expect(csv(join(reversed, "flows.csv")).header.slice(7, 11)).toEqual(["nationality", "sector", "size", "count"]);
    expect(readManifest(join(reversed, "manifest.json")).spec.breakdown).toEqual(["sector", "size"]);
  }, 60_000);

  it("are recorded in the manifest's spec (and absent without --breakdown)", () => {
    expect(readManifest(join(full, "manifest.json")).spec.breakdown).toEqual(["sector", "region", "size"]);
    expect(readManifest(join(region, "manifest.json")).spec.breakdown).toEqual(["region"]);
    expect("breakdown" in (readManifest(join(plain, "manifest.json")).spec as unknown as Record<string, unknown>)).toBe(false);
  });

  it("take only their values: a sector code, urban or rural, sme or large", () => {
    for (const f of CSVS) {
      const rows = csv(join(full, f)).rows;
      // Both region and size, or neither: an employer has both.
      const bad = rows.filter((r) => !SECTORS.has(r.sector!) || !["", "urban", "rural"].includes(r.region!) || !["", "sme", "large"].includes(r.size!) || (r.region === "") !== (r.size === ""));
      expect(bad.slice(0, 3), f).toEqual([]);
      expect(new Set(rows.map((r) => r.region)), f).toEqual(new Set(["", "urban", "rural"]));
      expect(new Set(rows.map((r) => r.size)), f).toEqual(new Set(["", "sme", "large"]));
    }
  });
});

describe("--breakdown: the counts", () => {
  for (const [label, dir] of [["sector,region,size", () => full], ["region", () => region]] as const) {
    it(`${label}: summed over the breakdown columns, timeseries.csv gives the plain run's counts, and leaves out only its zeros`, () => {
      const broken = sumBy(csv(join(dir(), "timeseries.csv")).rows, TS_KEY);
      const whole = csv(join(plain, "timeseries.csv")).rows;
      let zeros = 0;
      for (const r of whole) {
        const k = TS_KEY.map((c) => r[c]).join(",");
        const count = Number(r.count);
        if (count === 0) {
          zeros++;
          expect(broken.has(k), `${k} has rows though its count is 0`).toBe(false);
        } else {
          expect(broken.get(k)?.count, k).toBe(count);
          expect(relClose(broken.get(k)!.national, Number(r.national)), `${k} national`).toBe(true);
        }
      }
      expect(zeros).toBeGreaterThan(0);
      // Nothing the plain run does not have.
      expect(broken.size).toBe(whole.length - zeros);
    });

    it(`${label}: summed over the breakdown columns, flows.csv gives the plain run's rows`, () => {
      const broken = sumBy(csv(join(dir(), "flows.csv")).rows, FLOW_KEY);
      const whole = csv(join(plain, "flows.csv")).rows;
      expect(broken.size).toBe(whole.length);
      for (const r of whole) {
        const k = FLOW_KEY.map((c) => r[c]).join(",");
        expect(broken.get(k)?.count, k).toBe(Number(r.count));
      }
    });

    it(`${label}: no row has a count of 0; the rows are in the plain run's order`, () => {
      for (const f of CSVS) {
        const rows = csv(join(dir(), f)).rows;
        expect(rows.length).toBeGreaterThan(100);
        expect(rows.filter((r) => !(Number(r.count) > 0)), f).toEqual([]);
        // The groups of a plain row are consecutive, in its place.
        const key = f === "flows.csv" ? FLOW_KEY : TS_KEY;
        const order = [...new Set(rows.map((r) => key.map((c) => r[c]).join(",")))];
        const plainOrder = csv(join(plain, f)).rows.filter((r) => Number(r.count) > 0).map((r) => key.map((c) => r[c]).join(","));
        expect(order, f).toEqual(plainOrder);
        // Within a plain row, each breakdown key once.
        const keys = rows.map((r) => [...key, ...DIMS].map((c) => r[c]).join(","));
        expect(new Set(keys).size, f).toBe(keys.length);
      }
    });
  }

  it("region and size are empty exactly for statuses without an employer (for flows: the status left, or joined by an entry)", () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    for (const r of csv(join(full, "timeseries.csv")).rows) {
      if (!NO_EMPLOYER.has(r.status!) && !WITH_EMPLOYER.has(r.status!)) bad.push(`unknown status ${r.status}`);
      if (NO_EMPLOYER.has(r.status!) !== (r.region === "")) bad.push(`timeseries ${r.status} region "${r.region}"`);
      seen.add(`${r.status}:${r.region === "" ? "none" : "employer"}`);
    }
    for (const r of csv(join(full, "flows.csv")).rows) {
      const at = r.event === "entry" ? r.to! : r.from!;
      if (NO_EMPLOYER.has(at) !== (r.region === "")) bad.push(`flows ${r.event} ${r.from}->${r.to} region "${r.region}"`);
      seen.add(`${r.event}:${r.region === "" ? "none" : "employer"}`);
    }
    expect([...new Set(bad)]).toEqual([]);
    // Not vacuous.
    for (const s of ["TI:employer", "SSW1:employer", "SIE:employer", "IRREGULAR:none", "RETURNED:none", "abscond:employer", "entry:employer", "detain:none"]) expect(seen, s).toContain(s);
  });

  it("sector is professional exactly for the rows of SIEs (and of those who were SIEs: PR, onward, returned)", () => {
    const bad = new Set<string>();
    for (const r of csv(join(full, "timeseries.csv")).rows) {
      // ONWARD also holds former SSW holders (codes.ts: SSW1 and SSW2 may move onward), in their manual sectors.
      if (r.status === "SIE" && r.sector !== "professional") bad.add(`timeseries ${r.status} ${r.sector}`);
      if (r.sector === "professional" && !["SIE", "PR", "ONWARD", "RETURNED"].includes(r.status!)) bad.add(`timeseries ${r.status} professional`);
    }
    let professional = 0;
    for (const r of csv(join(full, "flows.csv")).rows) {
      const sie = r.from === "SIE" || r.to === "SIE";
      const what = `flows ${r.event} ${r.from}->${r.to} ${r.sector}`;
      if (sie && r.sector !== "professional") bad.add(what);
      if (r.sector === "professional") {
        professional++;
        if (!sie && r.from !== "PR") bad.add(what);
      }
    }
    expect([...bad]).toEqual([]);
    expect(professional).toBeGreaterThan(0);
  });

  it("summary.csv and effects.csv are the same bytes with and without --breakdown; their sector rows agree with the breakdown", () => {
    for (const dir of [full, region]) for (const f of ["summary.csv", "effects.csv"]) expect(same(dir, plain, f), `${dir} ${f}`).toBe(true);
    // abscond_total[care] and ti_years_total[care]: the means over the replicates of the breakdown's care rows
    // (intern-years: the month-end TI stocks of the sector over the run / 12).
    const summary = csv(join(full, "summary.csv")).rows;
    const flows = csv(join(full, "flows.csv")).rows;
    const ts = csv(join(full, "timeseries.csv")).rows;
    for (const scenario of ["baseline", "hazard"]) {
      for (const sector of ["care", "construction"]) {
        const abscond = [1, 2].map((rep) => flows.filter((r) => r.scenario === scenario && Number(r.replicate) === rep && r.event === "abscond" && r.sector === sector).reduce((a, r) => a + Number(r.count), 0));
        const stock = [1, 2].map((rep) => ts.filter((r) => r.scenario === scenario && Number(r.replicate) === rep && r.status === "TI" && r.sector === sector).reduce((a, r) => a + Number(r.count), 0) / 12);
        expect(Number(summary.find((r) => r.scenario === scenario && r.metric === `abscond_total[${sector}]`)!.mean), `${scenario} ${sector}`).toBeCloseTo((abscond[0]! + abscond[1]!) / 2, 6);
        expect(Number(summary.find((r) => r.scenario === scenario && r.metric === `ti_years_total[${sector}]`)!.mean), `${scenario} ${sector}`).toBeCloseTo((stock[0]! + stock[1]!) / 2, 6);
        expect(abscond[0]! + abscond[1]! > 0 && stock[0]! + stock[1]! > 0).toBe(true);
      }
    }
  });
});

describe("--breakdown is kept", () => {
  it("by --resume of an interrupted run: the same bytes as the uninterrupted one", async () => {
    const cut = join(tmp, "cut");
    const spec = readManifest(join(full, "manifest.json")).spec;
    await interruptedRun(spec, cut);
    await ok("run", "--resume", cut, "--threads", "2", "--quiet");
    for (const f of [...CSVS, "summary.csv", "effects.csv"]) expect(same(cut, full, f), f).toBe(true);
    expect(readManifest(join(cut, "manifest.json")).spec.breakdown).toEqual(["sector", "region", "size"]);
  }, 120_000);

  it("--resume with another --breakdown is refused rather than ignored, and changes nothing", async () => {
    const cut = join(tmp, "cut-other");
    const spec = readManifest(join(full, "manifest.json")).spec;
    await interruptedRun(spec, cut);
    const before = snapshot(cut);
    const r = await runCli("run", "--resume", cut, "--breakdown", "region", "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain("--breakdown");
    expect(snapshot(cut)).toEqual(before);
  }, 120_000);

  it("by 2 shards and migsim merge: the same bytes; merge refuses a shard without --breakdown", async () => {
    const shards = [0, 1].map((k) => join(tmp, `shard-${k}`));
    for (const [k, dir] of shards.entries()) await ok("run", ...RUN(), ...FULL, "--shard", `${k}/2`, "--out", dir);
    const merged = join(tmp, "merged");
    await ok("merge", ...shards, "--out", merged, "--quiet");
    for (const f of [...CSVS, "summary.csv", "effects.csv"]) expect(same(merged, full, f), f).toBe(true);
    expect(readManifest(join(merged, "manifest.json")).spec.breakdown).toEqual(["sector", "region", "size"]);

    const other = join(tmp, "shard-1-plain");
    cpSync(shards[1]!, other, { recursive: true });
    const m = JSON.parse(readFileSync(join(other, "manifest.json"), "utf8")) as { spec: Record<string, unknown> };
    delete m.spec.breakdown;
    writeFileSync(join(other, "manifest.json"), JSON.stringify(m, null, 2));
    const out = join(tmp, "refused");
    const r = await runCli("merge", shards[0]!, other, "--out", out, "--quiet");
    expectUserError(r);
    expect(r.stderr).toContain("made with no --breakdown, not --breakdown sector,region,size");
    expect(existsSync(out)).toBe(false);
  }, 180_000);
});

describe("bad --breakdown: exit code 2, one paragraph naming --breakdown, nothing written", () => {
  for (const value of ["nation", "", "sector,nation", ",", "Sector"]) {
    it(JSON.stringify(value), async () => {
      const out = join(tmp, `bad-${value.replace(/\W+/g, "-") || "empty"}`);
      const r = await runCli("run", BASELINE, ...TINY, "--breakdown", value, "--out", out);
      expectUserError(r);
      expect(r.stderr).toContain("--breakdown");
      expect(r.stderr).toContain("sector, region, size");
      expect(r.stderr).toContain(JSON.stringify(value));
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe("national and rate_per_1000_person_years", () => {
  it("national is count / scale in every row (to 1e-9), in both files, with and without --breakdown", () => {
    let rows = 0;
    for (const dir of [plain, full]) {
      for (const f of CSVS) {
        const all = csv(join(dir, f)).rows;
        rows += all.length;
        const bad = all.filter((r) => !/^\d+(\.\d+)?(e[+-]?\d+)?$/.test(r.national!) || !relClose(Number(r.national), Number(r.count) / SCALE));
        expect(bad.slice(0, 3), `${dir} ${f}`).toEqual([]);
      }
    }
    expect(rows).toBeGreaterThan(10_000);
  });

  it("national uses each scenario's own scale when the run has no --scale", async () => {
    const dir = join(tmp, "own-scale");
    const a = join(tmp, "a.yaml");
    const b = join(tmp, "b.yaml");
    writeFileSync(a, `extends: ${BASELINE}\nname: a\nscale: 0.002\n`);
    writeFileSync(b, `extends: ${BASELINE}\nname: b\nscale: 0.003\n`);
    await ok("run", a, b, "--until", "2015-06", "--replicates", "1", "--seed", "3", "--quiet", "--out", dir);
    const scale: Record<string, number> = { a: 0.002, b: 0.003 };
    for (const f of CSVS) {
      const rows = csv(join(dir, f)).rows;
      expect(new Set(rows.map((r) => r.scenario))).toEqual(new Set(["a", "b"]));
      const bad = rows.filter((r) => r.national === "" || !relClose(Number(r.national), Number(r.count) / scale[r.scenario!]!));
      expect(bad.slice(0, 3), f).toEqual([]);
      expect(rows.some((r) => r.scenario === "b" && Number(r.count) > 0)).toBe(true);
    }
  }, 60_000);

  it("abscond rates: 12000 x count / the TI stock of that nationality at the end of the month before (timeseries.csv)", () => {
    const stock = new Map<string, number>();
    for (const r of csv(join(plain, "timeseries.csv")).rows) if (r.status === "TI") stock.set(`${r.scenario},${r.replicate},${r.month},${r.nationality}`, Number(r.count));
    let checked = 0;
    for (const r of csv(join(plain, "flows.csv")).rows) {
      if (r.event !== "abscond") continue;
      const month = Number(r.month);
      if (month === 0) {
        expect(r.rate_per_1000_person_years, "month 0").toBe("");
        continue;
      }
      const s = stock.get(`${r.scenario},${r.replicate},${month - 1},${r.nationality}`);
      expect(s, `TI stock of ${r.nationality} in month ${month - 1}`).toBeDefined();
      if (s === 0) {
        expect(r.rate_per_1000_person_years).toBe("");
        continue;
      }
      const expected = (12000 * Number(r.count)) / s!;
      expect(relClose(Number(r.rate_per_1000_person_years), expected), `${JSON.stringify(r)}: expected ${expected}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("every rate: the from status's stock (of that nationality, and broken down, of that group) at the end of the month before; empty for entries", () => {
    for (const dir of [plain, full, region]) {
      const dims = DIMS.filter((d) => csv(join(dir, "flows.csv")).header.includes(d));
      const stock = new Map<string, number>();
      for (const r of csv(join(dir, "timeseries.csv")).rows) stock.set([r.scenario, r.replicate, r.month, r.status, r.nationality, ...dims.map((d) => r[d])].join(","), Number(r.count));
      let rated = 0;
      const bad: string[] = [];
      for (const r of csv(join(dir, "flows.csv")).rows) {
        const rate = r.rate_per_1000_person_years!;
        const month = Number(r.month);
        // Broken-down timeseries rows leave out zeros: a missing row is a stock of 0.
        const s = r.event === "entry" || month === 0 ? 0 : stock.get([r.scenario, r.replicate, String(month - 1), r.from, r.nationality, ...dims.map((d) => r[d])].join(",")) ?? 0;
        if (s === 0 ? rate !== "" : !relClose(Number(rate), (12000 * Number(r.count)) / s)) bad.push(`${JSON.stringify(r)}: stock ${s}`);
        if (s > 0) rated++;
      }
      expect(bad.slice(0, 3), dir).toEqual([]);
      expect(rated, dir).toBeGreaterThan(100);
    }
  });
});
