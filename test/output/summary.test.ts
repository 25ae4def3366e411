import { describe, expect, it } from "vitest";
import { histMedian, reportMonths, summaryRow, tCritical95 } from "../../src/output/summary.js";
import { EXIT_HIST_MONTHS } from "../../src/model/observers.js";

describe("summaryRow", () => {
  it("gives n, mean, sample sd, the t-based 95% CI and percentiles", () => {
    // values 1..4: mean 2.5, sample sd sqrt(5/3) = 1.2909944; t(0.975, 3) = 3.182 (t table);
    // half-width 3.182 * 1.2909944 / 2 = 2.0539721.
    const row = summaryRow({ scenario: "s", point: 0, scale: 0.1, metric: "m", unit: "agents", values: [4, 1, 3, 2] }, 0.05);
    const [scenario, point, metric, unit, n, mean, sd, lo, hi, p05, p50, p95, share, target, enough, scale] = row;
    expect([scenario, point, metric, unit, n]).toEqual(["s", 0, "m", "agents", 4]);
    expect(mean).toBe(2.5);
    expect(sd as number).toBeCloseTo(1.2909944, 6);
    expect(lo as number).toBeCloseTo(2.5 - 2.0539721, 6);
    expect(hi as number).toBeCloseTo(2.5 + 2.0539721, 6);
    // simple-statistics quantileSorted interpolates between order statistics (R type 7):
    // p05 = 1 + 0.05 * 3 = 1.15, p50 = 2.5, p95 = 1 + 0.95 * 3 = 3.85.
    expect(p05 as number).toBeCloseTo(1.15, 12);
    expect(p50).toBe(2.5);
    expect(p95 as number).toBeCloseTo(3.85, 12);
    expect(share as number).toBeCloseTo(2.0539721 / 2.5, 6);
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
  it("uses the table and the next lower tabulated df beyond it", () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(30)).toBe(2.042);
    expect(tCritical95(45)).toBe(2.021); // df 40 row: wider than the exact 2.014
    expect(tCritical95(1000)).toBe(1.98);
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
