// The yen's value in each origin currency (inputs.yenValueByNationality, built by the unexported
// readYenValueByNationality of src/scenario/resolve.ts), tested through buildInputs. The expected
// values are computed here, independently, from data/inputs/exchange_rates_annual.csv (units of
// origin currency per yen, annual averages): each year's rate over the currency's mean of
// 2017-2021, placed at July, linear between Julys, held before the first and after the last; OTHER
// is the geometric mean of the six named currencies. The weak-yen scenario must not touch this
// table: its shift is the series yenValueIndex, which the month's context multiplies in.

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { NATIONALITY_CODES, NATIONALITY_COUNT } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { type ModelInputs, parseMonth } from "../../src/model/inputs.js";
import { createState } from "../../src/model/state.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { makeEmployers, seeded } from "../helpers/state.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BASELINE = join(ROOT, "scenarios/baseline.yaml");
const WEAK_YEN = join(ROOT, "scenarios/weak-yen.yaml");
const REL = 1e-12;

const CURRENCY: Record<string, string> = { VN: "VND", CN: "CNY", ID: "IDR", PH: "PHP", MM: "MMK", KH: "KHR" };
const NAMED = Object.keys(CURRENCY).map((code) => NATIONALITY_CODES.indexOf(code as (typeof NATIONALITY_CODES)[number]));
const VN = NATIONALITY_CODES.indexOf("VN");
const OTHER = NATIONALITY_CODES.indexOf("OTHER");

/** per_jpy by currency and year, from the CSV. */
const rows = parse(readFileSync(join(ROOT, "data/inputs/exchange_rates_annual.csv")), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
const rates = new Map<string, Map<number, number>>();
for (const r of rows) {
  if (!rates.has(r.currency!)) rates.set(r.currency!, new Map());
  rates.get(r.currency!)!.set(Number(r.year), Number(r.per_jpy));
}
const rate = (cur: string, year: number): number => {
  const v = rates.get(cur)?.get(year);
  if (v === undefined) throw new Error(`no ${cur} rate for ${year} in the CSV`);
  return v;
};
/** The mean of the currency's rates of 2017-2021 (the years the CSV has). */
function refRate(cur: string): number {
  const v = [2017, 2018, 2019, 2020, 2021].filter((y) => rates.get(cur)!.has(y)).map((y) => rate(cur, y));
  return v.reduce((a, b) => a + b, 0) / v.length;
}
const july = (year: number): number => year * 12 + 6;

/** The index expected in absolute month m: July points, linear between, held outside. */
function expected(cur: string, m: number): number {
  const pts = [...rates.get(cur)!.entries()].map(([y, v]) => [july(y), v / refRate(cur)] as const).sort((a, b) => a[0] - b[0]);
  if (m <= pts[0]![0]) return pts[0]![1];
  if (m >= pts[pts.length - 1]![0]) return pts[pts.length - 1]![1];
  const k = pts.findIndex(([pm]) => pm > m);
  const [m0, v0] = pts[k - 1]!;
  const [m1, v1] = pts[k]!;
  return v0 + ((v1 - v0) * (m - m0)) / (m1 - m0);
}

function expectRel(actual: number, want: number, what: string): void {
  expect(Math.abs(actual - want), `${what}: ${actual} vs ${want}`).toBeLessThanOrEqual(REL * Math.abs(want));
}

/** Index of nationality `nat` in absolute month `abs` (a YYYY-MM or a month number). */
function yen(inputs: ModelInputs, nat: number, abs: number | string): number {
  const t = (typeof abs === "string" ? parseMonth(abs) : abs) - inputs.startMonthAbs;
  expect(t >= 0 && t < inputs.months, `month ${abs} in the run`).toBe(true);
  return inputs.yenValueByNationality[t * NATIONALITY_COUNT + nat]!;
}

const baseline = buildInputs(loadScenario(BASELINE), { until: "2024-12" });

describe("yenValueByNationality in the baseline (2014-01 to 2024-12)", () => {
  it("has one value per month and nationality, from 2014-01", () => {
    expect(baseline.startMonthAbs).toBe(parseMonth("2014-01"));
    expect(baseline.yenValueByNationality.length).toBe(baseline.months * NATIONALITY_COUNT);
    expect(baseline.months).toBe(132);
  });

  it("VN: each July 2014-2023 is per_jpy(year) / mean(per_jpy 2017-2021)", () => {
    const ref = [2017, 2018, 2019, 2020, 2021].reduce((a, y) => a + rate("VND", y), 0) / 5;
    for (let y = 2014; y <= 2023; y++) expectRel(yen(baseline, VN, `${y}-07`), rate("VND", y) / ref, `VN ${y}-07`);
    // Not a constant: the yen was 20% weaker against the dong in 2023 than over 2017-2021.
    expect(yen(baseline, VN, "2023-07")).toBeLessThan(0.85);
  });

  it("VN: the mean of the 2017-2021 Julys is 1", () => {
    const mean = [2017, 2018, 2019, 2020, 2021].reduce((a, y) => a + yen(baseline, VN, `${y}-07`), 0) / 5;
    expectRel(mean, 1, "mean 2017-2021");
  });

  it("is linear between Julys: each January is the mean of the Julys either side (VN)", () => {
    for (let y = 2015; y <= 2024; y++) {
      const mid = (yen(baseline, VN, `${y - 1}-07`) + yen(baseline, VN, `${y}-07`)) / 2;
      expectRel(yen(baseline, VN, `${y}-01`), mid, `VN ${y}-01`);
    }
    // And a quarter of the way: October 2019 = July 2019 + (July 2020 - July 2019) x 3 / 12.
    const [a, b] = [yen(baseline, VN, "2019-07"), yen(baseline, VN, "2020-07")];
    expectRel(yen(baseline, VN, "2019-10"), a + (b - a) / 4, "VN 2019-10");
  });

  it("matches the independent interpolation for every month and named currency (MMK: 2017-2020 reference, 2020-2023 bridged)", () => {
    for (let t = 0; t < baseline.months; t++) {
      for (const nat of NAMED) {
        const cur = CURRENCY[NATIONALITY_CODES[nat]!]!;
        expectRel(yen(baseline, nat, baseline.startMonthAbs + t), expected(cur, baseline.startMonthAbs + t), `${cur} month ${t}`);
      }
    }
  });

  it("OTHER is the geometric mean of the six named currencies' indexes in the same month", () => {
    for (let t = 0; t < baseline.months; t++) {
      const abs = baseline.startMonthAbs + t;
      const logMean = NAMED.reduce((a, nat) => a + Math.log(yen(baseline, nat, abs)), 0) / NAMED.length;
      expectRel(yen(baseline, OTHER, abs), Math.exp(logMean), `OTHER month ${t}`);
    }
  });
});

describe("yenValueByNationality outside the data's years", () => {
  // A run from 2012-01 (before the first July, 2013-07) to 2030-12 (after every currency's last year).
  const wide = buildInputs({ ...loadScenario(BASELINE), start: "2012-01" }, { until: "2030-12" });

  it("holds the first July's value before it and the last July's after it", () => {
    for (const nat of NAMED) {
      const cur = CURRENCY[NATIONALITY_CODES[nat]!]!;
      const years = [...rates.get(cur)!.keys()];
      const first = Math.min(...years);
      const last = Math.max(...years);
      for (let m = wide.startMonthAbs; m <= july(first); m++) expectRel(yen(wide, nat, m), rate(cur, first) / refRate(cur), `${cur} before`);
      for (let m = july(last); m < wide.startMonthAbs + wide.months; m++) expectRel(yen(wide, nat, m), rate(cur, last) / refRate(cur), `${cur} after`);
    }
    // The start month does not move the values: 2014-2024 as in the baseline run.
    for (let m = parseMonth("2014-01"); m <= parseMonth("2024-12"); m++) {
      for (let nat = 0; nat < NATIONALITY_COUNT; nat++) expect(yen(wide, nat, m)).toBe(yen(baseline, nat, m));
    }
  });
});

describe("the weak-yen scenario", () => {
  const base = buildInputs(loadScenario(BASELINE), { until: "2029-12" });
  const weak = buildInputs(loadScenario(WEAK_YEN), { until: "2029-12" });
  const at = (inputs: ModelInputs, month: string): number => inputs.series.yenValueIndex[parseMonth(month) - inputs.startMonthAbs]!;

  it("leaves the per-nationality table as in the baseline", () => {
    expect(weak.startMonthAbs).toBe(base.startMonthAbs);
    expect(Array.from(weak.yenValueByNationality)).toEqual(Array.from(base.yenValueByNationality));
  });

  it("shifts yenValueIndex: 1 to 2026-01, down linearly to 0.75 in 2027-12, held after; the baseline's stays 1", () => {
    for (const v of base.series.yenValueIndex) expect(v).toBe(1);
    for (let m = 1; m <= 12; m++) expect(at(weak, `2025-${String(m).padStart(2, "0")}`)).toBe(1);
    expect(at(weak, "2026-01")).toBe(1);
    const start = parseMonth("2026-01");
    const end = parseMonth("2027-12");
    for (let m = start; m <= end; m++) {
      expectRel(weak.series.yenValueIndex[m - weak.startMonthAbs]!, 1 - (0.25 * (m - start)) / (end - start), `month ${m}`);
    }
    for (let m = end; m < weak.startMonthAbs + weak.months; m++) expect(weak.series.yenValueIndex[m - weak.startMonthAbs]).toBe(0.75);
  });

  it("the month's context multiplies the table by the shift (2028-06: 0.75 x the baseline's)", () => {
    const ctxYen = (inputs: ModelInputs, month: string): Float64Array => {
      const s = createState(inputs, makeEmployers(), { entries: seeded("e"), matching: seeded("m"), policy: seeded("p") }, 16, false);
      updateMonthContext(s, parseMonth(month) - inputs.startMonthAbs);
      return Float64Array.from(s.ctx.yenValueByNationality);
    };
    const b = ctxYen(base, "2028-06");
    const w = ctxYen(weak, "2028-06");
    for (let nat = 0; nat < NATIONALITY_COUNT; nat++) {
      expectRel(b[nat]!, yen(base, nat, "2028-06"), `baseline context ${nat}`);
      expectRel(w[nat]!, 0.75 * b[nat]!, `weak-yen context ${nat}`);
    }
  });
});
