import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/engine/simulate.js";
import { EventCode, GROUP_COUNT, NATIONALITY_COUNT, Sector, Status, WORKPLACE_COUNT } from "../../src/model/codes.js";
import { parseMonth } from "../../src/model/inputs.js";
import { SUMMARY_GROUPS, VARIANCE_COLUMNS, declaredMetric, histMedian, reportMonths, summaryRow, tCritical95, taskMetrics, varianceRow } from "../../src/output/summary.js";
import { EXIT_HIST_MONTHS, STOCK_CELLS, flowIndex } from "../../src/model/observers.js";
import type { DeclaredMetric } from "../../src/scenario/schema.js";

describe("summaryRow", () => {
  it("gives n, mean, sample sd, the t-based 95% CI and percentiles", () => {
    // values 1..4: mean 2.5, sample sd sqrt(5/3) = 1.2909944; t(0.975, 3) = 3.1824463 (scipy
    // 1.17.1, t.ppf(0.975, 3)); half-width 3.1824463 * 1.2909944 / 2 = 2.0542603.
    const row = summaryRow({ scenario: "s", point: 0, scale: 0.1, metric: "m", unit: "agents", values: [4, 1, 3, 2] }, 0.05);
    const [scenario, point, metric, unit, n, mean, sd, lo, hi, p05, p50, p95, share, target, enough, scale] = row;
    expect([scenario, point, metric, unit, n]).toEqual(["s", 0, "m", "agents", 4]);
    expect(mean).toBe(2.5);
    expect(sd as number).toBeCloseTo(1.2909944, 6);
    expect(lo as number).toBeCloseTo(2.5 - 2.0542603, 6);
    expect(hi as number).toBeCloseTo(2.5 + 2.0542603, 6);
    // simple-statistics quantileSorted interpolates between order statistics (R type 7):
    // p05 = 1 + 0.05 * 3 = 1.15, p50 = 2.5, p95 = 1 + 0.95 * 3 = 3.85.
    expect(p05 as number).toBeCloseTo(1.15, 12);
    expect(p50).toBe(2.5);
    expect(p95 as number).toBeCloseTo(3.85, 12);
    expect(share as number).toBeCloseTo(2.0542603 / 2.5, 6);
    expect([target, enough, scale]).toEqual([0.05, "false", 0.1]);
  });

  it("says enough replicates when the half-width is within the target share", () => {
    const row = summaryRow({ scenario: "s", point: 0, scale: 1, metric: "m", unit: "agents", values: [100, 101, 99, 100, 100, 101, 99, 100] }, 0.05);
    expect(row[14]).toBe("true");
  });

  it("leaves sd and CI empty with one replicate", () => {
    const row = summaryRow({ scenario: "s", point: 0, scale: 1, metric: "m", unit: "agents", values: [5] }, 0.05);
    expect(row.slice(4, 9)).toEqual([1, 5, "", "", ""]);
    expect(row[14]).toBe("false");
  });
});

describe("tCritical95", () => {
  it("is the exact quantile t(0.975, df), not a rounded table's", () => {
    // Reference values: scipy 1.17.1, scipy.stats.t.ppf(0.975, df) (an independent implementation,
    // Boost's); agreement to 1e-12 (double precision, less a few ulps of either).
    const SCIPY: [number, number][] = [
      [1, 12.706204736174694], [2, 4.302652729749462], [3, 3.1824463052837078], [4, 2.7764451051977934],
      [9, 2.262157162798205], [30, 2.0422724563012378], [45, 2.014103388880846], [1000, 1.9623390808264083],
    ];
    for (const [df, t] of SCIPY) expect(Math.abs(tCritical95(df) - t) / t, `df ${df}`).toBeLessThan(1e-12);
    // Between tabulated rows a table is wide: df 45 would take df 40's 2.021 (0.34% wide).
    expect(tCritical95(45)).toBeLessThan(2.015);
    expect(Number.isNaN(tCritical95(0))).toBe(true);
  });
});

describe("histMedian and reportMonths", () => {
  it("finds the lower median of a histogram of months", () => {
    const h = new Float64Array(EXIT_HIST_MONTHS + 1);
    h[10] = 2;
    h[20] = 1;
    h[30] = 1;
    expect(histMedian(h)).toBe(10); // 4 leavers: cumulative 2 reaches half at month 10
    expect(histMedian(new Float64Array(EXIT_HIST_MONTHS + 1))).toBeNaN();
  });
  it("reports Decembers of years divisible by 5 and the last month", () => {
    const start = 2017 * 12; // 2017-01
    expect(reportMonths(start, 228)).toEqual([47, 107, 167, 227]); // 2020-12, 2025-12, 2030-12, 2035-12
    expect(reportMonths(start, 30)).toEqual([29]); // ends 2019-06
  });
});

describe("taskMetrics: flows over the whole run and over --window months", () => {
  // A run of 24 months from 2014-01 with flow cells written by hand: (month, flowIndex, count).
  const START = parseMonth("2014-01");
  const VN = 0;
  const CARE_GROUP = Sector.care * WORKPLACE_COUNT + 1;
  const cells: [number, number, number][] = [
    [0, flowIndex(EventCode.abscond, Status.TI, Status.IRREGULAR, VN), 2],
    [5, flowIndex(EventCode.abscond, Status.TI, Status.IRREGULAR, 1), 3],
    [12, flowIndex(EventCode.abscond, Status.TI, Status.IRREGULAR, VN), 7],
    [3, flowIndex(EventCode.job_change, Status.TI, Status.TI, VN), 4],
    [13, flowIndex(EventCode.job_change, Status.TI, Status.TI, VN), 1],
    // Not an intern's: counted in no ti_job_change metric.
    [13, flowIndex(EventCode.job_change, Status.SSW1, Status.SSW1, VN), 50],
    [11, flowIndex(EventCode.transfer, Status.TI, Status.SSW1, VN), 6],
    [12, flowIndex(EventCode.transfer, Status.TI, Status.SSW1, VN), 8],
    // Another transfer: in no ti_to_ssw1 metric.
    [12, flowIndex(EventCode.transfer, Status.SSW1, Status.SSW2, VN), 90],
    [23, flowIndex(EventCode.return, Status.TI, Status.RETURNED, VN), 9],
    [11, flowIndex(EventCode.return, Status.SSW1, Status.SUBSIDIARY, VN), 10],
  ];
  const result = (): RunResult => ({
    months: 24,
    stocks: new Float64Array(24 * STOCK_CELLS),
    flows: Float64Array.from(cells.flat()),
    events: new Int32Array(0),
    agentMonths: 0,
    agentsCreated: 0,
    agentsWithJobChange: 0,
    exitMonthsHist: new Float64Array(EXIT_HIST_MONTHS + 1),
    sieCohorts: new Float64Array(48),
    ti3Stock: new Float64Array(24),
    stocksByGroup: new Float64Array(24 * STOCK_CELLS * GROUP_COUNT),
    // Every event in the group of care (sector 3) at an urban large employer (workplace 1).
    flowsByGroup: Float64Array.from(cells.flatMap(([t, idx, c]) => [t, idx * GROUP_COUNT + CARE_GROUP, c])),
  });
  const valueOf = (ms: { name: string; value: number }[], name: string): number => {
    const m = ms.find((x) => x.name === name);
    if (!m) throw new Error(`no metric ${name}`);
    return m.value;
  };

  it("ti_job_change_total counts job changes from TI only, after ti_to_ssw1_total", () => {
    const ms = taskMetrics(result(), START);
    const names = ms.map((m) => m.name);
    // Each flow metric is followed by its rows by nationality and sector.
    expect(names.indexOf("ti_job_change_total")).toBe(names.indexOf("ti_to_ssw1_total") + 1 + SUMMARY_GROUPS.length);
    expect(valueOf(ms, "ti_job_change_total")).toBe(5);
    expect(valueOf(ms, "ti_to_ssw1_total")).toBe(14);
    expect(valueOf(ms, "abscond_total")).toBe(12);
    expect(valueOf(ms, "return_total")).toBe(19);
    // Without windows the metrics end with the whole run's rate and its group rows.
    expect(names[names.length - 1 - SUMMARY_GROUPS.length]).toBe("abscond_per_1000_ti_years_total");
  });

  it("counts each window's months, both ends included, after the other metrics and in the order given", () => {
    const ms = taskMetrics(result(), START, [{ from: "2014-06", to: "2015-01" }, { from: "2014-12", to: "2014-12" }]).filter((m) => !m.name.includes("["));
    const tail = ms.slice(-12);
    expect(tail.map((m) => [m.name, m.unit, m.value])).toEqual([
      ["abscond_2014-06_2015-01", "agents", 3 + 7], // months 5 and 12
      ["ti_job_change_2014-06_2015-01", "agents", 0], // months 3 and 13 are outside
      ["ti_to_ssw1_2014-06_2015-01", "agents", 6 + 8],
      ["return_2014-06_2015-01", "agents", 10],
      ["ti_years_2014-06_2015-01", "person-years", 0], // no TI stock in this hand-made run
      ["abscond_per_1000_ti_years_2014-06_2015-01", "per 1000 person-years", NaN],
      ["abscond_2014-12_2014-12", "agents", 0],
      ["ti_job_change_2014-12_2014-12", "agents", 0],
      ["ti_to_ssw1_2014-12_2014-12", "agents", 6],
      ["return_2014-12_2014-12", "agents", 10],
      ["ti_years_2014-12_2014-12", "person-years", 0],
      ["abscond_per_1000_ti_years_2014-12_2014-12", "per 1000 person-years", NaN],
    ]);
    expect(ms.slice(0, -12)).toEqual(taskMetrics(result(), START).filter((m) => !m.name.includes("[")));
  });

  it("gives each flow, intern-years and rate metric rows by nationality and by sector, from the breakdown flows and stocks", () => {
    const r = result();
    // 120 interns in care at each month end (60 VN, 60 CN), 30 of them at a rural SME; 24 in food (CN).
    for (let t = 0; t < r.months; t++) {
      const at = (st: number, nat: number, group: number): number => (t * STOCK_CELLS + st * NATIONALITY_COUNT + nat) * GROUP_COUNT + group;
      r.stocks[t * STOCK_CELLS + Status.TI * NATIONALITY_COUNT + VN] = 60;
      r.stocks[t * STOCK_CELLS + Status.TI * NATIONALITY_COUNT + 1] = 84;
      r.stocksByGroup[at(Status.TI, VN, CARE_GROUP)] = 30;
      r.stocksByGroup[at(Status.TI, VN, Sector.care * WORKPLACE_COUNT + 4)] = 30;
      r.stocksByGroup[at(Status.TI, 1, CARE_GROUP)] = 60;
      r.stocksByGroup[at(Status.TI, 1, Sector.food * WORKPLACE_COUNT + 2)] = 24;
    }
    const ms = taskMetrics(r, START, [{ from: "2014-06", to: "2015-01" }]);
    // Absconding: 2 + 7 VN (months 0, 12), 3 of nationality 1 (month 5); all in care.
    expect(valueOf(ms, "abscond_total[VN]")).toBe(9);
    expect(valueOf(ms, "abscond_total[CN]")).toBe(3);
    expect(valueOf(ms, "abscond_total[ID]")).toBe(0);
    expect(valueOf(ms, "abscond_total[care]")).toBe(12);
    expect(valueOf(ms, "abscond_total[food]")).toBe(0);
    expect(valueOf(ms, "abscond_2014-06_2015-01[VN]")).toBe(7);
    // Intern-years over the 8 window months: VN 60 x 8 / 12; care 120 x 8 / 12; food 24 x 8 / 12.
    expect(valueOf(ms, "ti_years_2014-06_2015-01[VN]")).toBeCloseTo(40, 12);
    expect(valueOf(ms, "ti_years_2014-06_2015-01[care]")).toBeCloseTo(80, 12);
    expect(valueOf(ms, "ti_years_2014-06_2015-01[food]")).toBeCloseTo(16, 12);
    expect(valueOf(ms, "abscond_per_1000_ti_years_2014-06_2015-01[VN]")).toBeCloseTo((1000 * 7) / 40, 12);
    expect(valueOf(ms, "abscond_per_1000_ti_years_2014-06_2015-01[care]")).toBeCloseTo((1000 * 10) / 80, 12);
    expect(valueOf(ms, "abscond_per_1000_ti_years_2014-06_2015-01[food]")).toBe(0);
    expect(Number.isNaN(valueOf(ms, "abscond_per_1000_ti_years_2014-06_2015-01[ID]"))).toBe(true);
    // Whole run: 24 months.
    expect(valueOf(ms, "abscond_per_1000_ti_years_total")).toBeCloseTo((1000 * 12) / ((144 * 24) / 12), 12);
    // Stocks have no group rows (timeseries.csv has them).
    expect(valueOf(ms, "stock_TI_2015-12")).toBe(144);
    expect(ms.some((m) => m.name.startsWith("stock_") && m.name.includes("["))).toBe(false);
  });

  it("computes metrics a scenario declares from the breakdown counts: filters, window, count, rate and person-years", () => {
    const r = result();
    // Interns at each month end: 60 VN in care at an urban large employer (CARE_GROUP), 30 VN at a
    // rural SME in care, 24 CN in food (urban SME).
    for (let t = 0; t < r.months; t++) {
      const at = (st: number, nat: number, group: number): number => (t * STOCK_CELLS + st * NATIONALITY_COUNT + nat) * GROUP_COUNT + group;
      r.stocksByGroup[at(Status.TI, VN, CARE_GROUP)] = 60;
      r.stocksByGroup[at(Status.TI, VN, Sector.care * WORKPLACE_COUNT + 4)] = 30;
      r.stocksByGroup[at(Status.TI, 1, Sector.food * WORKPLACE_COUNT + 2)] = 24;
    }
    const one = (m: DeclaredMetric): number => declaredMetric(r, START, m).value;
    // Absconding from TI: VN 2 (month 0) + 7 (month 12); nationality 1: 3 (month 5). All in care, urban large.
    expect(one({ name: "a", event: "abscond" })).toBe(12);
    expect(one({ name: "a", event: "abscond", nationality: "VN" })).toBe(9);
    expect(one({ name: "a", event: "abscond", nationality: "VN", window: "2014-06..2015-12" })).toBe(7);
    expect(one({ name: "a", event: "abscond", region: "rural" })).toBe(0);
    expect(one({ name: "a", event: "abscond", region: "urban", size: "large", sector: "care" })).toBe(12);
    expect(one({ name: "a", event: "abscond", to: "ASYLUM" })).toBe(0);
    // job_change from TI: 4 (month 3) + 1 (month 13); from SSW1: 50.
    expect(one({ name: "a", event: "job_change", from: "TI" })).toBe(5);
    expect(one({ name: "a", event: "job_change", from: "SSW1" })).toBe(50);
    // Rate: VN absconding over 2014-06..2015-12 (7) per 1,000 VN intern-years there (90 x 19 / 12).
    const rate = declaredMetric(r, START, { name: "a", event: "abscond", from: "TI", nationality: "VN", window: "2014-06..2015-12", as: "rate" });
    expect(rate.unit).toBe("per 1000 person-years");
    expect(rate.value).toBeCloseTo((1000 * 7) / ((90 * 19) / 12), 12);
    // Stocks: at the window's last month, or person-years over it.
    expect(one({ name: "s", stock: "TI", region: "rural", size: "sme" })).toBe(30);
    expect(one({ name: "s", stock: "TI", sector: "food", window: "2014-01..2014-03" })).toBe(24);
    expect(one({ name: "s", stock: "TI", nationality: "VN", window: "2014-01..2014-12", as: "person-years" })).toBeCloseTo(90, 12);
    expect(one({ name: "s", stock: "SSW1" })).toBe(0);
  });

  it("intern-years are the window's month-end TI stocks / 12 (all nationalities, no other status); the rate is 1000 x absconding / intern-years", () => {
    const r = result();
    // 120 interns at each month end, 60 of them of nationality 1, and SSW1 holders, who do not count.
    for (let t = 0; t < r.months; t++) {
      r.stocks[t * STOCK_CELLS + Status.TI * NATIONALITY_COUNT + VN] = 60;
      r.stocks[t * STOCK_CELLS + Status.TI * NATIONALITY_COUNT + 1] = 60;
      r.stocks[t * STOCK_CELLS + Status.SSW1 * NATIONALITY_COUNT + VN] = 500;
    }
    const ms = taskMetrics(r, START, [{ from: "2014-06", to: "2015-01" }]); // 8 months
    expect(valueOf(ms, "ti_years_2014-06_2015-01")).toBeCloseTo((8 * 120) / 12, 12);
    expect(valueOf(ms, "abscond_per_1000_ti_years_2014-06_2015-01")).toBeCloseTo((1000 * (3 + 7)) / 80, 12);
  });

  it("a window over the whole run equals the _total metrics; months are counted from the scenario's start", () => {
    const ms = taskMetrics(result(), START, [{ from: "2014-01", to: "2015-12" }]);
    for (const flow of ["abscond", "ti_job_change", "ti_to_ssw1", "return"]) {
      expect(valueOf(ms, `${flow}_2014-01_2015-12`), flow).toBe(valueOf(ms, `${flow}_total`));
    }
    // The same cells in a run that started a year later are a year later: the window now misses month 0's.
    const later = taskMetrics(result(), parseMonth("2015-01"), [{ from: "2015-02", to: "2016-12" }]);
    expect(valueOf(later, "abscond_2015-02_2016-12")).toBe(3 + 7);
  });
});

describe("varianceRow: the spread between and within posterior draws (one-way ANOVA)", () => {
  const row = (values: number[], perDraw: number) => {
    const cells = varianceRow({ scenario: "s", point: 0, reference: "", scale: 1, metric: "m", unit: "agents", values, perDraw });
    return Object.fromEntries(VARIANCE_COLUMNS.map((c, k) => [c, cells[k]]));
  };

  it("separates the draws' spread from the replicates' by hand-computed values", () => {
    // Three draws of two replicates: draw means 2, 6, 10; each draw's sample variance 2, so W = 2;
    // var(draw means) = 16 = B + W / R, so B = 15; share 15 / 17.
    const r = row([1, 3, 5, 7, 9, 11], 2);
    expect([r.draws, r.per_draw, r.mean]).toEqual([3, 2, 6]);
    expect(r.sd_within_draws).toBeCloseTo(Math.sqrt(2), 9);
    expect(r.sd_between_draws).toBeCloseTo(Math.sqrt(15), 9);
    expect(r.parametric_share).toBeCloseTo(15 / 17, 9);
    expect(r.sd_total).toBeCloseTo(Math.sqrt(14), 9); // sample variance of 1, 3, ..., 11
    expect([r.draw_p50, r.sign_varies]).toEqual([6, "false"]);
  });

  it("gives no between-draw part when the draws agree beyond their noise, and flags a sign that varies across draws", () => {
    // Draw means -1, 0, 1 with within-draw variance 8: var(means) = 1 < W / R = 4, so B = 0.
    const r = row([-3, 1, -2, 2, -1, 3], 2);
    expect(r.sd_between_draws).toBe(0);
    expect(r.parametric_share).toBe(0);
    expect(r.sign_varies).toBe("true");
  });

  it("leaves the decomposition empty with one replicate per draw, and skips a draw with a missing value", () => {
    const one = row([1, 2, 3], 1);
    expect([one.sd_between_draws, one.sd_within_draws, one.parametric_share]).toEqual(["", "", ""]);
    expect([one.draws, one.draw_p50]).toEqual([3, 2]);
    const gap = row([1, 3, NaN, 7, 9, 11], 2);
    expect(gap.draws).toBe(2);
    expect(gap.mean).toBe(6);
  });
});
