// Calibration targets (src/calibrate/targets.ts) and the fit rows built on them (fit.ts): the
// committed targets file parses; bad files are refused with a UserError naming the file and the
// line or field; distances and simulated values are checked on hand-made numbers and a hand-built
// run whose every cell is known.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fitDistance, fitRows } from "../../src/calibrate/fit.js";
import {
  TARGET_METRICS, type Target, fittedThrough, isWindowMetric, lastMonthNeeded, loadTargets, observeTargets, onlyMetrics, scaledError, targetDistance, targetInRun,
} from "../../src/calibrate/targets.js";
import type { RunResult } from "../../src/engine/simulate.js";
import { UserError } from "../../src/errors.js";
import { EventCode, NATIONALITY_CODES, NATIONALITY_COUNT, NO_STATUS, Nationality, Status } from "../../src/model/codes.js";
import { type ModelInputs, parseMonth } from "../../src/model/inputs.js";
import { EXIT_HIST_MONTHS, SIE_RETENTION_MONTHS, STOCK_CELLS, flowIndex } from "../../src/model/observers.js";

const HEADER = "metric,nationality,date,observed,tolerance,weight,source";
const GOOD_ROW = "ti_stock,ALL,2019-12,410972,0.15,1,a source";

let tmp: string;
let fileNo = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-targets-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Writes a targets file (lines joined by newlines) and returns its path. */
function targetsFile(lines: string[]): string {
  const path = join(tmp, `targets-${++fileNo}.csv`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Loads the file, expecting a UserError; returns its message. */
function userError(path: string): string {
  try {
    loadTargets(path);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

describe("the committed data/observed/targets.csv", () => {
  const path = "data/observed/targets.csv";
  const raw = parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const targets = loadTargets(path);

  it("every row parses into a target, in file order", () => {
    expect(raw.length).toBeGreaterThan(0);
    expect(targets).toHaveLength(raw.length);
    targets.forEach((t, k) => {
      expect(t.metric).toBe(raw[k]!.metric);
      expect(t.nationality).toBe(raw[k]!.nationality);
      expect(t.date).toBe(raw[k]!.date);
      expect(t.observed).toBe(Number(raw[k]!.observed));
      expect(TARGET_METRICS).toContain(t.metric);
      expect(t.firstMonthAbs).toBeLessThanOrEqual(t.lastMonthAbs);
      expect(t.tolerance).toBeGreaterThan(0);
      expect(t.tolerance).toBeLessThanOrEqual(1);
      expect(t.source, `source of ${t.id}`).toMatch(/\S/);
    });
  });

  it("ids are unique, weights are 0 or more and some are above 0", () => {
    expect(new Set(targets.map((t) => t.id)).size).toBe(targets.length);
    for (const t of targets) expect(t.weight, t.id).toBeGreaterThanOrEqual(0);
    expect(targets.some((t) => t.weight > 0)).toBe(true);
    // Retention targets are shares.
    for (const t of targets.filter((x) => x.metric === "sie_retention_5y")) expect(t.observed).toBeLessThanOrEqual(1);
  });
});

describe("bad targets files: a UserError naming the file and the line or field", () => {
  const row = (fields: Partial<Record<"metric" | "nationality" | "date" | "observed" | "tolerance" | "weight" | "source", string>>): string => {
    const f = { metric: "ti_stock", nationality: "ALL", date: "2019-12", observed: "410972", tolerance: "0.15", weight: "1", source: "s", ...fields };
    return [f.metric, f.nationality, f.date, f.observed, f.tolerance, f.weight, f.source].join(",");
  };
  // The bad row is the third line of the file (header, a good row, the bad row).
  const CASES: { name: string; bad: string; says: RegExp }[] = [
    { name: "unknown metric", bad: row({ metric: "ti_stocks" }), says: /line 3: metric "ti_stocks" is not one of ti_stock, /},
    { name: "unknown nationality", bad: row({ nationality: "XX" }), says: /line 3: nationality "XX" is not ALL or one of VN, / },
    { name: "lower-case nationality", bad: row({ nationality: "vn" }), says: /line 3: nationality "vn"/ },
    { name: "stock: month 13", bad: row({ date: "2019-13" }), says: /line 3: date "2019-13" is not a month \(YYYY-MM\)/ },
    { name: "stock: a year", bad: row({ metric: "ssw1_stock", date: "2019" }), says: /line 3: date "2019" is not a month \(YYYY-MM\)/ },
    { name: "stock: one-digit month", bad: row({ metric: "sie_stock", date: "2019-1" }), says: /line 3: date "2019-1" is not a month \(YYYY-MM\)/ },
    { name: "missing count: a month", bad: row({ metric: "ti_missing", date: "2019-12" }), says: /line 3: date "2019-12" is not a year \(YYYY\)/ },
    { name: "missing count: empty date", bad: row({ metric: "ti_missing", date: "" }), says: /line 3: date "" is not a year \(YYYY\)/ },
    { name: "retention: one month", bad: row({ metric: "sie_retention_5y", date: "2014-01", observed: "0.4" }), says: /line 3: date "2014-01" is not entry months as YYYY-MM\/YYYY-MM/ },
    { name: "retention: window reversed", bad: row({ metric: "sie_retention_5y", date: "2016-12/2014-01", observed: "0.4" }), says: /line 3: date "2016-12\/2014-01" is not entry months/ },
    { name: "retention: bad month", bad: row({ metric: "sie_retention_5y", date: "2014-00/2016-12", observed: "0.4" }), says: /line 3: date "2014-00\/2016-12" is not entry months/ },
    { name: "retention: share above 1", bad: row({ metric: "sie_retention_5y", date: "2014-01/2016-12", observed: "1.2" }), says: /line 3: observed 1\.2 is not a share in \(0, 1\]/ },
    { name: "missing share: ALL", bad: row({ metric: "ti_missing_share", date: "2014", observed: "0.5" }), says: /line 3: ti_missing_share needs one nationality \(VN, .*\), not ALL/ },
    { name: "special stay: one month", bad: row({ metric: "ti_special_stay_permits", date: "2020-04", observed: "625" }), says: /line 3: date "2020-04" is not months as YYYY-MM\/YYYY-MM/ },
    { name: "special stay by nationality", bad: row({ metric: "ti_special_stay_permits", nationality: "VN", date: "2020-04/2020-07", observed: "625" }), says: /line 3: ti_special_stay_permits is counted for all nationalities together/ },
    { name: "TI-3 stock by nationality", bad: row({ metric: "ti3_stock", nationality: "VN", date: "2018-12", observed: "7178" }), says: /line 3: ti3_stock is counted for all nationalities together: nationality ALL, not VN/ },
    { name: "missing share: a month", bad: row({ metric: "ti_missing_share", nationality: "CN", date: "2014-12", observed: "0.5" }), says: /line 3: date "2014-12" is not a year \(YYYY\)/ },
    { name: "missing share: above 1", bad: row({ metric: "ti_missing_share", nationality: "CN", date: "2014", observed: "3065" }), says: /line 3: observed 3065 is not a share in \(0, 1\]/ },
    { name: "observed 0", bad: row({ observed: "0" }), says: /line 3: observed "0" is not a positive number/ },
    { name: "observed negative", bad: row({ observed: "-5" }), says: /line 3: observed "-5" is not a positive number/ },
    { name: "observed empty", bad: row({ observed: "" }), says: /line 3: observed "" is not a positive number/ },
    { name: "observed text", bad: row({ observed: "many" }), says: /line 3: observed "many" is not a positive number/ },
    { name: "tolerance 0", bad: row({ tolerance: "0" }), says: /line 3: tolerance "0" is not a relative tolerance in \(0, 1\]/ },
    { name: "tolerance above 1", bad: row({ tolerance: "1.5" }), says: /line 3: tolerance "1\.5" is not a relative tolerance in \(0, 1\]/ },
    { name: "tolerance negative", bad: row({ tolerance: "-0.1" }), says: /line 3: tolerance "-0\.1"/ },
    { name: "weight negative", bad: row({ weight: "-1" }), says: /line 3: weight "-1" is not a weight of 0 or more/ },
    { name: "weight empty", bad: row({ weight: "" }), says: /line 3: weight ""/ },
  ];

  it.each(CASES)("$name", ({ bad, says }) => {
    const path = targetsFile([HEADER, GOOD_ROW, bad]);
    const message = userError(path);
    expect(message).toContain(`${path} line 3:`);
    expect(message).toMatch(says);
  });

  it("tolerance exactly 1 and weight 0 on one row are accepted (the bounds are inclusive)", () => {
    const t = loadTargets(targetsFile([HEADER, GOOD_ROW, row({ date: "2018-12", tolerance: "1", weight: "0" })]));
    expect(t[1]).toMatchObject({ tolerance: 1, weight: 0, id: "ti_stock ALL 2018-12" });
  });

  it("a missing column is named", () => {
    const path = targetsFile(["metric,nationality,date,observed,weight,source", "ti_stock,ALL,2019-12,410972,1,s"]);
    const message = userError(path);
    expect(message).toContain(path);
    expect(message).toMatch(/missing column\(s\) tolerance \(/);
  });

  it("an unknown column is named", () => {
    const path = targetsFile([`${HEADER},notes`, `${GOOD_ROW},hello`]);
    const message = userError(path);
    expect(message).toContain(path);
    expect(message).toMatch(/unknown column\(s\) notes \(/);
  });

  it("a duplicate target is named (metric, nationality and date)", () => {
    const path = targetsFile([HEADER, GOOD_ROW, row({ date: "2018-12" }), row({ observed: "400000", source: "another source" })]);
    const message = userError(path);
    expect(message).toContain(path);
    expect(message).toMatch(/target "ti_stock ALL 2019-12" appears twice/);
  });

  it("all weights 0: nothing to fit", () => {
    const path = targetsFile([HEADER, row({ weight: "0" }), row({ date: "2018-12", weight: "0" })]);
    const message = userError(path);
    expect(message).toContain(path);
    expect(message).toMatch(/no target has a weight above 0/);
  });

  it("a file that does not exist, and one that is not CSV", () => {
    const absent = join(tmp, "absent.csv");
    expect(userError(absent)).toMatch(new RegExp(`Targets file ${absent.replace(/[.\\/]/g, "\\$&")} does not exist`));
    const ragged = targetsFile([HEADER, "ti_stock,ALL,2019-12,410972"]);
    const message = userError(ragged);
    expect(message).toContain(ragged);
    expect(message).toMatch(/is not valid CSV/);
  });

  it("a good file: ids, months covered, and source", () => {
    const t = loadTargets(targetsFile([
      HEADER,
      row({}),
      row({ metric: "ti_missing", date: "2016", observed: "5058", tolerance: "0.25" }),
      row({ metric: "sie_retention_5y", date: "2014-01/2016-12", observed: "0.4", source: '"quoted, with a comma"' }),
    ]));
    expect(t.map((x) => x.id)).toEqual(["ti_stock ALL 2019-12", "ti_missing ALL 2016", "sie_retention_5y ALL 2014-01/2016-12"]);
    expect([t[0]!.firstMonthAbs, t[0]!.lastMonthAbs]).toEqual([2019 * 12 + 11, 2019 * 12 + 11]);
    expect([t[1]!.firstMonthAbs, t[1]!.lastMonthAbs]).toEqual([2016 * 12, 2016 * 12 + 11]);
    expect([t[2]!.firstMonthAbs, t[2]!.lastMonthAbs]).toEqual([2014 * 12, 2016 * 12 + 11]);
    expect(t[2]!.source).toBe("quoted, with a comma");
  });

  it("the special stay's permits: a window of months, a count (not a share), needing no month after the window", () => {
    const [t] = loadTargets(targetsFile([HEADER, row({ metric: "ti_special_stay_permits", date: "2020-04/2021-01", observed: "1716", tolerance: "0.3" })]));
    expect(t!.id).toBe("ti_special_stay_permits ALL 2020-04/2021-01");
    expect([t!.firstMonthAbs, t!.lastMonthAbs]).toEqual([2020 * 12 + 3, 2021 * 12]);
    expect(t!.observed).toBe(1716);
    expect(lastMonthNeeded(t!)).toBe(2021 * 12);
  });
});

/** A target built by hand (the fields loadTargets would fill). */
function target(metric: Target["metric"], nationality: string, date: string, observed: number, o: Partial<Target> = {}): Target {
  let first: number;
  let last: number;
  if (metric === "ti_missing" || metric === "ti_missing_share") [first, last] = [Number(date) * 12, Number(date) * 12 + 11];
  else if (isWindowMetric(metric)) [first, last] = date.split("/").map(parseMonth) as [number, number];
  else first = last = parseMonth(date);
  return { id: `${metric} ${nationality} ${date}`, metric, nationality, date, observed, tolerance: 0.1, weight: 1, source: "", firstMonthAbs: first, lastMonthAbs: last, ...o };
}

describe("fittedThrough (--fit-through)", () => {
  const all = [
    target("ti_stock", "ALL", "2021-12", 1),
    target("ti_stock", "ALL", "2022-01", 1),
    target("ti_missing", "ALL", "2021", 1),
    target("ti_missing", "ALL", "2022", 1),
    target("sie_retention_5y", "ALL", "2014-01/2016-12", 0.4), // needs 2021-11
    target("sie_retention_5y", "ALL", "2014-01/2017-06", 0.4), // needs 2022-05
  ];
  it("weights 0 every target that needs a month after the date, keeps the rest as they were", () => {
    const kept = fittedThrough(all, parseMonth("2021-12"), "--fit-through 2021-12");
    expect(kept.map((t) => t.weight)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(kept.map((t) => t.id)).toEqual(all.map((t) => t.id)); // still reported
  });
  it("refuses a date before every weighted target", () => {
    expect(() => fittedThrough(all, parseMonth("2013-12"), "--fit-through 2013-12")).toThrow(UserError);
    expect(() => fittedThrough(all, parseMonth("2013-12"), "--fit-through 2013-12")).toThrow(/--fit-through 2013-12: no weighted target ends by then/);
  });
});

describe("scaledError and targetDistance", () => {
  const a = target("ti_stock", "ALL", "2019-12", 1000, { tolerance: 0.1, weight: 1 });
  const b = target("ti_missing", "ALL", "2018", 200, { tolerance: 0.25, weight: 3 });
  const c = target("ssw1_stock", "VN", "2020-12", 50, { tolerance: 0.15, weight: 0 });

  it("scaledError of a share with an absolute tolerance is (simulated - observed) / tolerance", () => {
    const share = target("ti_missing_share", "CN", "2014", 0.6, { tolerance: 0.05 });
    expect(scaledError(share, 0.65)).toBeCloseTo(1, 12); // 5 points = one tolerance, not 5/60
    expect(scaledError(share, 0.5)).toBeCloseTo(-2, 12);
  });

  it("scaledError is (simulated - observed) / (tolerance x observed)", () => {
    expect(scaledError(a, 1100)).toBeCloseTo(1, 12); // 100 / (0.1 x 1000)
    expect(scaledError(a, 850)).toBeCloseTo(-1.5, 12);
    expect(scaledError(b, 200)).toBe(0);
    expect(scaledError(b, 300)).toBeCloseTo(2, 12); // 100 / (0.25 x 200)
  });

  it("targetDistance: root of the weighted mean squared scaled error", () => {
    // a: e = 1 (weight 1); b: e = 2 (weight 3) -> sqrt((1 + 3 x 4) / 4) = sqrt(13 / 4)
    expect(targetDistance([a, b], [1100, 300])).toBeCloseTo(Math.sqrt(13 / 4), 12);
    expect(targetDistance([a, b], [1000, 200])).toBe(0);
  });

  it("ignores targets of weight 0 and targets the run does not cover (NaN)", () => {
    const base = targetDistance([a, b], [1100, 300]);
    // c is far off but has weight 0.
    expect(targetDistance([a, b, c], [1100, 300, 1e6])).toBeCloseTo(base, 12);
    // b not simulated: only a counts.
    expect(targetDistance([a, b, c], [1100, Number.NaN, 1e6])).toBeCloseTo(1, 12);
    // Nothing fitted is covered: undefined.
    expect(targetDistance([a, b, c], [Number.NaN, Number.NaN, 50])).toBeNaN();
  });
});

describe("observeTargets on a hand-built run", () => {
  const START = parseMonth("2014-01");
  const MONTHS = 96; // 2014-01 .. 2021-12
  const SCALE = 0.1;
  const inputs = { startMonthAbs: START, months: MONTHS, scale: SCALE } as unknown as ModelInputs;
  const m = (date: string): number => parseMonth(date) - START;

  const stocks = new Float64Array(MONTHS * STOCK_CELLS);
  const setStock = (date: string, status: number, nat: number, n: number): void => {
    stocks[m(date) * STOCK_CELLS + status * NATIONALITY_COUNT + nat] = n;
  };
  // 2015-06: TI VN 50, TI CN 30, TI OTHER 7 -> ALL 87; decoys: the same cells a month either side,
  // SSW1 VN the same month, and RETURNED VN (an exit, which must not count as a TI).
  setStock("2015-06", Status.TI, Nationality.VN, 50);
  setStock("2015-06", Status.TI, Nationality.CN, 30);
  setStock("2015-06", Status.TI, Nationality.OTHER, 7);
  setStock("2015-05", Status.TI, Nationality.VN, 1000);
  setStock("2015-07", Status.TI, Nationality.VN, 2000);
  setStock("2015-06", Status.SSW1, Nationality.VN, 400);
  setStock("2015-06", Status.RETURNED, Nationality.VN, 900);
  setStock("2021-12", Status.SIE, Nationality.PH, 12); // the last month of the run

  // Flow triples (month, flow index, count). Absconds in 2016: VN 3 + 2 (two months), ID 4.
  // Decoys: absconds in 2015-12 and 2017-01, and other TI events (return, transfer) in 2016.
  const abscond = (nat: number): number => flowIndex(EventCode.abscond, Status.TI, Status.IRREGULAR, nat);
  const flows = Float64Array.from([
    m("2015-12"), abscond(Nationality.VN), 100,
    m("2016-01"), abscond(Nationality.VN), 3,
    m("2016-01"), flowIndex(EventCode.return, Status.TI, Status.RETURNED, Nationality.VN), 50,
    m("2016-06"), abscond(Nationality.ID), 4,
    m("2016-06"), flowIndex(EventCode.entry, NO_STATUS, Status.TI, Nationality.VN), 70,
    m("2016-12"), abscond(Nationality.VN), 2,
    m("2016-12"), flowIndex(EventCode.transfer, Status.TI, Status.SSW1, Nationality.ID), 30,
    m("2017-01"), abscond(Nationality.ID), 200,
    // The special stay's permits (TI -> DESIGNATED): 6 in 2020-04, 5 in 2020-07; decoys: one in
    // 2020-03 and 2020-08, and permits from DETAINED (special permission) and IRREGULAR (Myanmar).
    m("2020-03"), flowIndex(EventCode.permit, Status.TI, Status.DESIGNATED, Nationality.VN), 1000,
    m("2020-04"), flowIndex(EventCode.permit, Status.TI, Status.DESIGNATED, Nationality.VN), 6,
    m("2020-05"), flowIndex(EventCode.permit, Status.DETAINED, Status.DESIGNATED, Nationality.VN), 300,
    m("2020-06"), flowIndex(EventCode.permit, Status.IRREGULAR, Status.DESIGNATED, Nationality.MM), 300,
    m("2020-07"), flowIndex(EventCode.permit, Status.TI, Status.DESIGNATED, Nationality.CN), 5,
    m("2020-08"), flowIndex(EventCode.permit, Status.TI, Status.DESIGNATED, Nationality.VN), 2000,
  ]);

  // SIE cohorts: entrants and leavers within five years, by entry month. 2014-01..2014-12:
  // 10 entrants a month (120), 30 left in all -> retention 0.75. Decoys in 2013-12 (none: before
  // the start) and 2015-01.
  const sieCohorts = new Float64Array(2 * MONTHS);
  for (let k = 0; k < 12; k++) sieCohorts[2 * k] = 10;
  sieCohorts[2 * 0 + 1] = 20;
  sieCohorts[2 * 11 + 1] = 10;
  sieCohorts[2 * m("2015-01")] = 100;
  sieCohorts[2 * m("2015-01") + 1] = 100;

  // TI-3 interns: 400 at the end of 2018-12 (month 59), with a decoy the month after.
  const ti3Stock = new Float64Array(MONTHS);
  ti3Stock[m("2018-12")] = 400;
  ti3Stock[m("2019-01")] = 9999;

  const result: RunResult = {
    months: MONTHS, stocks, flows, events: new Int32Array(0), agentMonths: 0, agentsCreated: 0, agentsWithJobChange: 0,
    exitMonthsHist: new Float64Array(EXIT_HIST_MONTHS + 1), sieCohorts, stocksByGroup: new Float64Array(0), flowsByGroup: new Float64Array(0), ti3Stock,
  };

  it("stocks: the month's cell of the status, one nationality or all, divided by the scale", () => {
    const t = [
      target("ti_stock", "VN", "2015-06", 1),
      target("ti_stock", "ALL", "2015-06", 1),
      target("ti_stock", "KH", "2015-06", 1),
      target("ssw1_stock", "VN", "2015-06", 1),
      target("sie_stock", "ALL", "2021-12", 1),
    ];
    const v = observeTargets(t, result, inputs);
    expect(v[0]).toBeCloseTo(50 / SCALE, 9);
    expect(v[1]).toBeCloseTo(87 / SCALE, 9);
    expect(v[2]).toBe(0);
    expect(v[3]).toBeCloseTo(400 / SCALE, 9);
    expect(v[4]).toBeCloseTo(12 / SCALE, 9);
  });

  it("ti3_stock: the month's count of TITP interns in TI-3, divided by the scale", () => {
    const v = observeTargets([target("ti3_stock", "ALL", "2018-12", 1), target("ti3_stock", "ALL", "2018-11", 1)], result, inputs);
    expect(v[0]).toBeCloseTo(400 / SCALE, 9);
    expect(v[1]).toBe(0);
  });

  it("ti_missing: abscond events of the calendar year, by nationality, divided by the scale", () => {
    const v = observeTargets([target("ti_missing", "ALL", "2016", 1), target("ti_missing", "VN", "2016", 1), target("ti_missing", "ID", "2016", 1)], result, inputs);
    expect(v[0]).toBeCloseTo(9 / SCALE, 9);
    expect(v[1]).toBeCloseTo(5 / SCALE, 9);
    expect(v[2]).toBeCloseTo(4 / SCALE, 9);
  });

  it("ti_missing_share: one nationality's abscond events of the year over all abscond events of the year", () => {
    const v = observeTargets([target("ti_missing_share", "VN", "2016", 0.5), target("ti_missing_share", "ID", "2016", 0.5), target("ti_missing_share", "KH", "2016", 0.5)], result, inputs);
    expect(v[0]).toBeCloseTo(5 / 9, 12); // not scaled: a share
    expect(v[1]).toBeCloseTo(4 / 9, 12);
    expect(v[2]).toBe(0);
    // No abscond event in the year: the share is undefined, not 0.
    const empty = { ...result, flows: new Float64Array(0) };
    expect(observeTargets([target("ti_missing_share", "VN", "2016", 0.5)], empty, inputs)[0]).toBeNaN();
  });

  it("ti_special_stay_permits: permits from TI to DESIGNATED over the window's months, all nationalities, divided by the scale", () => {
    const v = observeTargets([target("ti_special_stay_permits", "ALL", "2020-04/2020-07", 1), target("ti_special_stay_permits", "ALL", "2020-05/2020-06", 1)], result, inputs);
    expect(v[0]).toBeCloseTo(11 / SCALE, 9);
    expect(v[1]).toBe(0);
  });

  it("sie_retention_5y: 1 - leavers / entrants of the window (a share, not scaled)", () => {
    const v = observeTargets([target("sie_retention_5y", "ALL", "2014-01/2014-12", 0.5), target("sie_retention_5y", "ALL", "2014-02/2014-03", 0.5)], result, inputs);
    expect(v[0]).toBeCloseTo(1 - 30 / 120, 12);
    expect(v[1]).toBe(1); // 20 entrants, none left
  });

  it("NaN for targets outside the run, and for a retention window without entrants", () => {
    const t = [
      target("ti_stock", "ALL", "2013-12", 1), // before the start
      target("ti_stock", "ALL", "2022-01", 1), // after the end
      target("ti_missing", "ALL", "2013", 1), // a year that starts before the run
      target("ti_missing", "ALL", "2022", 1),
      // Entrants of 2017 are followed to 2022-11, past the run's end.
      target("sie_retention_5y", "ALL", "2017-01/2017-12", 0.5),
      // Entrants of 2016-02..2016-12 are followed to 2021-11, inside the run, but there are none.
      target("sie_retention_5y", "ALL", "2016-02/2016-12", 0.5),
    ];
    const v = observeTargets(t, result, inputs);
    for (let k = 0; k < t.length; k++) expect(v[k], t[k]!.id).toBeNaN();
  });

  it("lastMonthNeeded and targetInRun at the edges of the run", () => {
    const end = START + MONTHS - 1; // 2021-12
    const retention = target("sie_retention_5y", "ALL", "2016-12/2017-01", 0.5);
    expect(lastMonthNeeded(retention)).toBe(parseMonth("2017-01") + SIE_RETENTION_MONTHS - 1);
    expect(targetInRun(target("sie_retention_5y", "ALL", "2014-01/2016-12", 0.5), START, MONTHS)).toBe(true); // needs 2021-11
    expect(targetInRun(target("sie_retention_5y", "ALL", "2014-01/2017-01", 0.5), START, MONTHS)).toBe(true); // needs 2021-12
    expect(targetInRun(target("sie_retention_5y", "ALL", "2014-01/2017-02", 0.5), START, MONTHS)).toBe(false); // needs 2022-01
    expect(targetInRun(target("ti_stock", "ALL", "2014-01", 1), START, MONTHS)).toBe(true);
    expect(targetInRun(target("ti_stock", "ALL", "2021-12", 1), START, MONTHS)).toBe(true);
    expect(lastMonthNeeded(target("ti_stock", "ALL", "2021-12", 1))).toBe(end);
    expect(targetInRun(target("ti_missing", "ALL", "2021", 1), START, MONTHS)).toBe(true);
    expect(targetInRun(target("ti_missing", "ALL", "2021", 1), START, MONTHS - 1)).toBe(false); // December missing
  });

  it("every nationality code is matched to its own cell", () => {
    const local = new Float64Array(MONTHS * STOCK_CELLS);
    NATIONALITY_CODES.forEach((_, nat) => (local[m("2018-12") * STOCK_CELLS + Status.SIE * NATIONALITY_COUNT + nat] = nat + 1));
    const t = NATIONALITY_CODES.map((code) => target("sie_stock", code, "2018-12", 1));
    const v = observeTargets(t, { ...result, stocks: local }, inputs);
    NATIONALITY_CODES.forEach((code, nat) => expect(v[nat], code).toBeCloseTo((nat + 1) / SCALE, 9));
  });
});

describe("fitRows and fitDistance", () => {
  const a = target("ti_stock", "ALL", "2019-12", 100, { tolerance: 0.1 });
  const b = target("ti_missing", "ALL", "2018", 10, { tolerance: 0.2, weight: 2 });
  const c = target("ti_missing", "ALL", "2011", 10, { weight: 0 });

  it("mean, t-based 95% interval, range, and within tolerance", () => {
    // a: replicates 104, 108, 112 -> mean 108, sd 4, half-width t(2) x 4 / sqrt(3) = 4.3026527 x 2.3094011 = 9.9365508 (t(0.975, 2) from scipy 1.17.1, t.ppf)
    // b: replicates 13, 13, 13 -> mean 13, zero width; scaled error (13 - 10) / 2 = 1.5 -> outside
    const rows = fitRows([a, b, c], [[104, 13, Number.NaN], [108, 13, Number.NaN], [112, 13, Number.NaN]]);
    expect(rows[0]!.mean).toBeCloseTo(108, 12);
    expect(rows[0]!.high - rows[0]!.mean).toBeCloseTo((4.302652729749462 * 4) / Math.sqrt(3), 9);
    expect(rows[0]!.mean - rows[0]!.low).toBeCloseTo((4.302652729749462 * 4) / Math.sqrt(3), 9);
    expect([rows[0]!.min, rows[0]!.max]).toEqual([104, 112]);
    expect(rows[0]!.within).toBe("yes"); // |108 - 100| / 10 = 0.8
    expect(rows[1]!.within).toBe("no");
    expect([rows[1]!.low, rows[1]!.high]).toEqual([13, 13]);
    expect(rows[2]!.within).toBe("not simulated");
    expect(rows[2]!.mean).toBeNaN();
    // fitDistance: the distance of the means, c ignored: sqrt((0.8^2 + 2 x 1.5^2) / 3)
    expect(fitDistance(rows)).toBeCloseTo(Math.sqrt((0.64 + 2 * 2.25) / 3), 12);
  });

  it("one replicate: no interval; a target within tolerance exactly at the edge counts as within", () => {
    const rows = fitRows([a], [[110]]);
    expect(rows[0]!.mean).toBe(110);
    expect(rows[0]!.low).toBeNaN();
    expect(rows[0]!.high).toBeNaN();
    expect(rows[0]!.within).toBe("yes"); // scaled error exactly 1
    expect(fitRows([a], [[111]])[0]!.within).toBe("no");
  });

  it("a target not simulated in some replicate is 'not simulated'", () => {
    const rows = fitRows([a], [[100], [Number.NaN]]);
    expect(rows[0]!.within).toBe("not simulated");
    expect(rows[0]!.values).toHaveLength(2);
  });
});

describe("onlyMetrics (calibrate --metrics)", () => {
  const all = loadTargets("data/observed/targets.csv");
  it("weights 0 every target of another metric and leaves the others as they were", () => {
    const kept = onlyMetrics(all, ["ti_missing", "ti_stock"], "targets.csv");
    expect(kept.length).toBe(all.length);
    kept.forEach((t, k) => {
      if (t.metric === "ti_missing" || t.metric === "ti_stock") expect(t).toBe(all[k]);
      else expect({ ...t, weight: all[k]!.weight }).toEqual(all[k]), expect(t.weight).toBe(0);
    });
    // The distance then depends on those metrics only: a wild SSW1 value changes nothing.
    const simulated = all.map((t) => t.observed * 1.1);
    const wild = all.map((t) => (t.metric === "ssw1_stock" ? t.observed * 5 : t.observed * 1.1));
    expect(targetDistance(kept, wild)).toBe(targetDistance(kept, simulated));
    expect(targetDistance(all, wild)).toBeGreaterThan(targetDistance(all, simulated));
  });
  it("refuses an unknown metric, and metrics whose targets all weigh 0", () => {
    expect(() => onlyMetrics(all, ["ti_missing", "ti_mising"], "t.csv")).toThrow(/--metrics: ti_mising is not a target metric; expected some of ti_stock/);
    const zero = all.map((t) => ({ ...t, weight: 0 }));
    expect(() => onlyMetrics(zero, ["ti_missing"], "t.csv")).toThrow(/no target of t.csv with those metrics has a weight above 0/);
    expect(() => onlyMetrics(all, ["ti_missing"], "t.csv")).not.toThrow(UserError);
  });
});
