// Loading a run folder for the report and building its charts, on a tiny run made here.

import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { renderSvg } from "../../src/output/svg.js";
import { abscondChart, buildCharts, compareWithBaseline, stocksChart } from "../../src/report/charts.js";
import { IN_JAPAN_STATUSES, type RunData, TOTALS, countMeanCi, loadRun, logScaleCi, meanCi, sweepLabel } from "../../src/report/data.js";
import { TEST_SCENARIO, TINY_SCALE, makeTinyRun } from "./tiny-run.js";

let dir: string;
let run: RunData;
let summary: Record<string, string>[];

beforeAll(async () => {
  dir = await makeTinyRun();
  run = await loadRun(dir);
  summary = parse(readFileSync(join(dir, "summary.csv"), "utf8"), { columns: true }) as Record<string, string>[];
}, 120_000);

const summaryMean = (scenario: string, metric: string): number => {
  const row = summary.find((r) => r.scenario === scenario && r.metric === metric);
  if (!row) throw new Error(`no summary row ${scenario} ${metric}`);
  return Number(row.mean);
};
const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe("loadRun", () => {
  it("finds each scenario with its replicates, months and scale, the baseline first", () => {
    expect(run.series.map((s) => s.label)).toEqual(["baseline", TEST_SCENARIO]);
    expect(run.baseline.scenario).toBe("baseline");
  });

  it("compares with the run's --reference when it names one (as effects.csv does)", async () => {
    const other = await loadRun(await makeTinyRun(TEST_SCENARIO));
    expect(other.baseline.scenario).toBe(TEST_SCENARIO);
    expect(buildCharts(other).charts.find((c) => c.id === "scenarios-vs-baseline")!.title).toContain(`against ${TEST_SCENARIO}`);
    for (const s of run.series) {
      expect(s.replicates).toEqual([1, 2]);
      expect(s.scale).toBe(TINY_SCALE);
      expect(s.dates).toHaveLength(72); // 2014-01 to 2019-12
      expect(s.dates[0]).toBe("2014-01");
      expect(s.dates[71]).toBe("2019-12");
      for (const st of IN_JAPAN_STATUSES) expect(s.stocks.get(st)!.map((r) => r.length)).toEqual([72, 72]);
    }
    expect(run.summary.length).toBe(summary.length);
    expect(run.observedTi.length).toBeGreaterThan(5);
    expect(run.observedTi.every((o) => /^\d{4}-\d{2}$/.test(o.date) && o.count > 0)).toBe(true);
  });

  it("aggregates flows and stocks to the same totals as summary.csv", () => {
    for (const s of run.series) {
      for (const t of TOTALS) expect(avg(s.totals[t]), `${s.label} ${t}`).toBeCloseTo(summaryMean(s.scenario, t), 6);
      for (const st of IN_JAPAN_STATUSES) {
        const last = s.stocks.get(st)!.map((r) => r[71]!); // 2019-12
        expect(avg(last), `${s.label} ${st}`).toBeCloseTo(summaryMean(s.scenario, `stock_${st}_2019-12`), 6);
      }
    }
  });

  it("splits absconding by nationality and TI exits by year without losing any", () => {
    for (const s of run.series) {
      for (let r = 0; r < s.replicates.length; r++) {
        const byNat = [...s.abscondByNationality.values()].reduce((a, v) => a + v[r]!, 0);
        expect(byNat).toBe(s.totals.abscond_total[r]);
        const toSsw1 = [...s.tiExitsByYear.values()].reduce((a, y) => a + y.toSsw1[r]!, 0);
        expect(toSsw1).toBe(s.totals.ti_to_ssw1_total[r]);
        const tiReturns = [...s.tiExitsByYear.values()].reduce((a, y) => a + y.returned[r]!, 0);
        expect(tiReturns).toBeGreaterThan(0);
        expect(tiReturns).toBeLessThanOrEqual(s.totals.return_total[r]!);
      }
      expect([...s.tiExitsByYear.keys()].sort()).toEqual([2014, 2015, 2016, 2017, 2018, 2019]);
    }
    expect(run.series[1]!.totals.abscond_total[0]).toBeGreaterThan(run.baseline.totals.abscond_total[0]!);
  });

  it("meanCi: mean and Student-t 95% interval; no interval from one value", () => {
    const c = meanCi([1, 2, 3]);
    expect(c.n).toBe(3);
    expect(c.mean).toBe(2);
    expect(c.hi - c.mean).toBeCloseTo(4.302652729749462 / Math.sqrt(3), 9); // t(0.975, 2), scipy 1.17.1 t.ppf
    expect(meanCi([5, NaN])).toEqual({ n: 1, mean: 5, lo: 5, hi: 5 });
    expect(meanCi([]).n).toBe(0);
  });
});

describe("intervals of counts", () => {
  it("logScaleCi: never below 0, contains the mean, the symmetric interval when the noise is small", () => {
    // Replicates of 0 and 2: the symmetric interval is 1 +- 12.7, this one stays above 0.
    expect(meanCi([0, 2]).lo).toBeLessThan(0);
    const near0 = countMeanCi([0, 2]);
    expect(near0.mean).toBe(1);
    expect(near0.lo).toBeGreaterThan(0);
    expect(near0.lo).toBeLessThan(1);
    expect(near0.hi).toBeGreaterThan(1 + 12.706); // longer above the mean than the symmetric one
    for (const v of [[0, 0, 1], [0, 0, 0, 0, 3], [1, 0, 2, 0, 0, 1], [0.001, 0, 0.002]]) {
      const c = countMeanCi(v);
      expect(meanCi(v).lo, JSON.stringify(v)).toBeLessThan(0);
      expect(c.lo, JSON.stringify(v)).toBeGreaterThanOrEqual(0);
      expect(c.lo).toBeLessThanOrEqual(c.mean);
      expect(c.hi).toBeGreaterThanOrEqual(c.mean);
      // For values >= 0, se <= mean, so the upper bound is at most exp(t) times the mean.
      expect(c.hi).toBeLessThanOrEqual(c.mean * Math.exp(12.706) * (1 + 1e-12));
    }
    // All zero: [0, 0]; one value: no interval (as meanCi).
    expect(countMeanCi([0, 0, 0])).toEqual({ n: 3, mean: 0, lo: 0, hi: 0 });
    expect(countMeanCi([5, NaN])).toEqual({ n: 1, mean: 5, lo: 5, hi: 5 });
    expect(logScaleCi(1, 5, NaN)).toEqual({ lo: NaN, hi: NaN });
    // Large, steady counts: within 0.3% of the mean of the symmetric interval.
    const big = [1000, 1040, 980, 1010, 995, 1020, 1005, 990, 1015, 1000];
    const [a, b] = [countMeanCi(big), meanCi(big)];
    expect(Math.abs(a.lo - b.lo) / b.mean).toBeLessThan(0.003);
    expect(Math.abs(a.hi - b.hi) / b.mean).toBeLessThan(0.003);
    // The same interval from n, mean and sd (as the summary table uses it) and at any scale.
    const sd = Math.sqrt(big.reduce((s, x) => s + (x - b.mean) ** 2, 0) / 9);
    expect(logScaleCi(10, b.mean, sd).lo).toBeCloseTo(a.lo, 9);
    expect(countMeanCi(big.map((x) => x / 0.05)).lo).toBeCloseTo(a.lo / 0.05, 6);
  });

  it("the abscond chart draws no interval below 0 when a nationality's counts are near zero", () => {
    // A nationality with 0 and 1 abscondings in the two replicates: the symmetric interval is negative.
    const near0 = new Map(run.baseline.abscondByNationality);
    near0.set("KH", [0, 1]);
    const baseline = { ...run.baseline, abscondByNationality: near0 };
    expect(meanCi([0, 1].map((x) => x / TINY_SCALE)).lo).toBeLessThan(0);
    const chart = abscondChart({ ...run, series: [baseline, run.series[1]!], baseline });
    const values = (chart.spec as unknown as { data: { values: { scenario: string; nationality: string; lo: number; hi: number; mean: number }[] } }).data.values;
    expect(values).toHaveLength(2 * 7);
    for (const v of values) {
      expect(v.lo, `${v.scenario} ${v.nationality}`).toBeGreaterThanOrEqual(0);
      expect(v.lo).toBeLessThanOrEqual(v.mean);
      expect(v.hi).toBeGreaterThanOrEqual(v.mean);
    }
    const kh = values.find((v) => v.scenario === "baseline" && v.nationality === "Cambodia")!;
    expect(kh.mean).toBeCloseTo(0.5 / TINY_SCALE, 6);
    expect(kh.lo).toBeGreaterThan(0);
    // Its long upper bound is cut at the top of the chart (3 times the largest mean), and the caption says so.
    expect(chart.caption).toMatch(/cut at the top of the chart/);
  });
});

describe("sweepLabel", () => {
  it("names the swept values, with as many digits as tell the points apart", () => {
    expect(sweepLabel("risky", {})).toBe("risky");
    expect(sweepLabel("risky", { abscondBaseHazardPerMonth: 0.001 })).toBe("risky: abscondBaseHazardPerMonth = 0.001");
    expect(sweepLabel("s", { a: 0.00123456789, b: 2 })).toBe("s: a = 0.001235, b = 2");
    expect(sweepLabel("s", { a: 0.00123456789 }, 8)).toBe("s: a = 0.0012345679");
  });
});

describe("loadRun errors name the folder or file", () => {
  const copy = (): string => {
    const d = join(dir, "..", `copy-${Math.random().toString(36).slice(2)}`);
    cpSync(dir, d, { recursive: true });
    return d;
  };
  const userError = async (d: string, pattern: RegExp): Promise<void> => {
    const err = await loadRun(d).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toMatch(/\n/);
  };

  it("a missing folder, a file, a folder without manifest.json", async () => {
    await userError(join(dir, "nope"), /Run folder .*nope does not exist/);
    await userError(join(dir, "summary.csv"), /summary\.csv is not a folder/);
    const empty = join(dir, "..", "empty");
    mkdirSync(empty, { recursive: true });
    await userError(empty, /empty[/\\]manifest\.json is missing/);
  });

  it("an incomplete run", async () => {
    const d = copy();
    const m = JSON.parse(readFileSync(join(d, "manifest.json"), "utf8")) as { complete: boolean; tasks: { complete: boolean }[] };
    m.complete = false;
    m.tasks[3]!.complete = false;
    writeFileSync(join(d, "manifest.json"), JSON.stringify(m));
    await userError(d, /incomplete \(3 of 4 tasks done.*migsim run --resume/);
  });

  it("a missing or malformed CSV", async () => {
    for (const f of ["timeseries.csv", "flows.csv", "summary.csv"]) {
      const d = copy();
      rmSync(join(d, f));
      await userError(d, new RegExp(`${f.replace(".", "\\.")} is missing`));
    }
    const d = copy();
    writeFileSync(join(d, "flows.csv"), "a,b,c\n1,2,3\n");
    await userError(d, /flows\.csv: expected the columns scenario,replicate,month,date,event/);
  });

  it("a CSV changed after the run finished, even one that still parses: its sha256 is not the manifest's", async () => {
    for (const f of ["timeseries.csv", "flows.csv", "summary.csv"]) {
      const d = copy();
      // A count's last digit changed: same size, same columns, plausible numbers; only the hash tells.
      const text = readFileSync(join(d, f), "utf8");
      const at = text.lastIndexOf(",", text.lastIndexOf(",", text.length - 2) - 1) - 1;
      writeFileSync(join(d, f), `${text.slice(0, at)}${text[at] === "7" ? "8" : "7"}${text.slice(at + 1)}`);
      await userError(d, new RegExp(`${f.replace(".", "\\.")} changed after the run finished \\(its sha256 differs from the one .*manifest\\.json records\\).*migsim reproduce`));
    }
  });

  it("a manifest that records no sha256 for a file the report reads", async () => {
    const d = copy();
    const m = JSON.parse(readFileSync(join(d, "manifest.json"), "utf8")) as { outputs: { file: string }[] };
    m.outputs = m.outputs.filter((o) => o.file !== "flows.csv");
    writeFileSync(join(d, "manifest.json"), JSON.stringify(m));
    await userError(d, /manifest\.json records no sha256 for flows\.csv/);
  });
});

describe("charts", () => {
  it("builds the six charts and one of differences per other scenario, in national figures", () => {
    const { charts, notes } = buildCharts(run);
    expect(charts.map((c) => c.id)).toEqual([`difference-${TEST_SCENARIO}`, "stocks-by-status", "abscond-by-nationality", "ti-transfers-returns", "ti-transfers-vs-abscond", "scenarios-vs-baseline", "ti-stock-observed"]);
    expect(notes).toEqual([]);
    for (const c of charts) {
      expect(c.title.length).toBeGreaterThan(10);
      expect(c.caption).toMatch(/national scale|%/);
    }
    // The TI stock in December 2019: simulated mean / scale.
    const values = (stocksChart(run).spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;
    const ti = values.find((v) => v.scenario === "baseline" && v.status === "TI (technical intern)" && v.t === Date.UTC(2019, 11, 1))!;
    const expected = avg(run.baseline.stocks.get("TI")!.map((r) => r[71]!)) / TINY_SCALE; // 2019-12
    expect(ti.mean).toBeCloseTo(expected, -1);
    expect(Number(ti.mean)).toBeGreaterThan(100_000); // national: hundreds of thousands of interns
  });

  it("compares each scenario with the baseline replicate by replicate", () => {
    const cmp = compareWithBaseline(run);
    const abscond = cmp.find((c) => c.scenario === TEST_SCENARIO && c.metric.startsWith("abscondings"))!;
    const b = run.baseline.totals.abscond_total;
    const s = run.series[1]!.totals.abscond_total;
    expect(abscond.ci.n).toBe(2);
    expect(abscond.ci.mean).toBeCloseTo(avg([0, 1].map((r) => 100 * (s[r]! / b[r]! - 1))), 9);
    expect(abscond.ci.mean).toBeGreaterThan(50); // 2.5 times the base hazard
    expect(abscond.ci.lo).toBeLessThanOrEqual(abscond.ci.mean);
    // A scenario identical to the baseline differs by exactly 0 on every measure.
    const twin = { ...run.baseline, label: "twin", scenario: "twin" };
    const same = compareWithBaseline({ ...run, series: [run.baseline, twin] });
    expect(same.length).toBeGreaterThan(5);
    for (const c of same) expect([c.ci.mean, c.ci.lo, c.ci.hi]).toEqual([0, 0, 0]);
  });

  it("with one scenario there is no comparison chart, and a note says why", () => {
    const { charts, notes } = buildCharts({ ...run, series: [run.baseline] });
    expect(charts.map((c) => c.id)).not.toContain("scenarios-vs-baseline");
    expect(charts).toHaveLength(5);
    expect(notes.join(" ")).toMatch(/single scenario/);
  });

  it("renders every chart to SVG with its title, axis titles with units, and a legend", async () => {
    for (const c of buildCharts(run).charts) {
      const svg = await renderSvg(c.spec);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain(c.title);
      expect(svg).toMatch(/national scale|\(%\)/);
      expect(svg).toContain("role-legend");
      expect(svg).toContain(`>${TEST_SCENARIO}<`); // in the legend
      expect(svg).not.toMatch(/NaN|undefined/);
    }
  }, 60_000);

  it("refuses to render a chart that would load data from a URL", async () => {
    await expect(renderSvg({ data: { url: "https://example.org/data.csv" }, mark: "point" })).rejects.toThrow(/asked to load https:\/\/example\.org/);
  });
});
