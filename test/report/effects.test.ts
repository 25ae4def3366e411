// The report's effects (issue 19): the tables of scenario, reference and effect from effects.csv at
// national scale (policy window first, then the whole run's totals, then tables by nationality and
// sector), the difference-over-time charts with the policy start marked, and the sentence on what
// their intervals mean. On the policy and sweep run (makePolicySweepRun: fee-halved adds a step in
// 2015-01, swept sweeps a parameter from the start), with effects.csv fixtures written here.

import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { EFFECTS_COLUMNS, tCritical95 } from "../../src/output/summary.js";
import { renderSvg } from "../../src/output/svg.js";
import { DIFFERENCE_MEASURES, buildCharts, differenceChart, monthlyDifference } from "../../src/report/charts.js";
import { type RunData, type Series, loadRun } from "../../src/report/data.js";
import { findPolicyWindow, seriesEffects, splitGroup } from "../../src/report/effects.js";
import { EFFECT_INTERVALS, INTERVALS, POSTERIOR_EFFECT_INTERVALS, escapeHtml, formatNumber, renderPage } from "../../src/report/html.js";
import { writeReport } from "../../src/report/report.js";
import { POLICY_ONLY, SMALL_SCALE, SWEPT, makePolicySweepRun } from "./tiny-run.js";

let dir: string;
let run: RunData;

beforeAll(async () => {
  dir = await makePolicySweepRun();
  run = await loadRun(dir);
}, 120_000);

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** A copy of the run folder whose manifest lists `files` (written here) with their sha256, and, for null, no longer lists them. */
function copyWith(files: Record<string, string | null>, edit: (m: Record<string, unknown>) => void = () => {}): string {
  const d = join(mkdtempSync(join(tmpdir(), "migsim-report-effects-")), "run");
  cpSync(dir, d, { recursive: true });
  const path = join(d, "manifest.json");
  const m = JSON.parse(readFileSync(path, "utf8")) as { outputs: { file: string; sha256: string }[] } & Record<string, unknown>;
  for (const [file, text] of Object.entries(files)) {
    m.outputs = m.outputs.filter((o) => o.file !== file);
    if (text === null) rmSync(join(d, file), { force: true });
    else {
      writeFileSync(join(d, file), text);
      m.outputs.push({ file, sha256: sha256(join(d, file)) });
    }
  }
  edit(m);
  writeFileSync(path, JSON.stringify(m));
  return d;
}

const W = "2015-01_2015-12"; // fee-halved's policy window: its step 2015-01 to the run's last month
type Fixture = [scenario: string, point: number, metric: string, unit: string, n: number, s: number, r: number, d: number, sd: number, lo: number, hi: number, ratio: number | ""];
/** effects.csv rows in an order the page must not keep: totals first, a nationality after another, window rows last. */
const FIXTURE: Fixture[] = [
  [POLICY_ONLY, 0, "abscond_total", "agents", 2, 20, 22, -2, 1, -11, 7, 0.9090909091],
  [POLICY_ONLY, 0, "stock_TI_2015-12", "agents", 2, 400, 402, -2, 1, -11, 7, 0.9950248756],
  [POLICY_ONLY, 0, "abscond_2014-06_2015-12", "agents", 2, 15, 16, -1, 1, -10, 8, 0.9375],
  [POLICY_ONLY, 0, `abscond_per_1000_ti_years_${W}[CN]`, "per 1000 person-years", 2, 30, 40, -10, 2, -28, 8, 0.75],
  [POLICY_ONLY, 0, `abscond_per_1000_ti_years_${W}[VN]`, "per 1000 person-years", 2, 50, 40, 10, 2, -8, 28, 1.25],
  [POLICY_ONLY, 0, `abscond_${W}[VN]`, "agents", 2, 6, 5, 1, 1, -8, 10, 1.2],
  [POLICY_ONLY, 0, `abscond_${W}[CN]`, "agents", 2, 3, 4, -1, 1, -10, 8, 0.75],
  [POLICY_ONLY, 0, `abscond_per_1000_ti_years_${W}[manufacturing]`, "per 1000 person-years", 2, 20, 25, -5, 1, -14, 4, 0.8],
  [POLICY_ONLY, 0, `abscond_${W}[manufacturing]`, "agents", 2, 4, 5, -1, 1, -10, 8, 0.8],
  [POLICY_ONLY, 0, "abscond_total[VN]", "agents", 2, 12, 11, 1, 1, -8, 10, 1.0909090909],
  [POLICY_ONLY, 0, `ti_years_${W}`, "person-years", 2, 800, 790, 10, 2, -8, 28, 1.0126582278],
  [POLICY_ONLY, 0, `abscond_${W}`, "agents", 2, 10, 12, -2, 1, -11, 7, 0.8333333333],
  [POLICY_ONLY, 0, `abscond_per_1000_ti_years_${W}`, "per 1000 person-years", 2, 12.5, 15, -2.5, 0.7, -8.8, 3.8, 0.8333333333],
  [SWEPT, 0, "abscond_total", "agents", 2, 8, 22, -14, 1, -23, -5, 0.3636363636],
  [SWEPT, 1, "abscond_total", "agents", 2, 30, 22, 8, 1, -1, 17, 1.3636363636],
  [SWEPT, 1, "ti_to_ssw1_total", "agents", 2, 0, 0, 0, 0, 0, 0, ""],
];

/** effects.csv text of the fixture rows, with the run's sweep column. */
function effectsCsv(rows: readonly Fixture[]): string {
  return stringify([[...EFFECTS_COLUMNS, ...run.sweepColumns], ...rows.map((f) => [f[0], f[1], "baseline", ...f.slice(2), SMALL_SCALE, ...run.sweepColumns.map(() => "")])]);
}

/** The page's section of the effects of one series. */
const effectSection = (html: string, label: string): string => html.split('<section class="effect">').find((s) => s.startsWith(`<h3>${escapeHtml(label)} against baseline</h3>`))!.split("</section>")[0]!;

/** Rows of an effects table: metric, n, scenario, reference, difference (95% CI), ratio. */
const tableRows = (table: string): string[][] => [...table.matchAll(/<tr><td class="mono">([^<]*)<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));

const ratioText = (x: number | ""): string => (x === "" ? "-" : new Intl.NumberFormat("en-GB", { maximumSignificantDigits: 3 }).format(x));

/** The cells the page shows for a fixture row: counts (agents, person-years) divided by the scale, rates as they are. */
function expectedCells(f: Fixture): string[] {
  const k = f[3] === "agents" || f[3] === "person-years" ? SMALL_SCALE : 1;
  const [, , metric, , n, s, r, d, , lo, hi, ratio] = f;
  return [metric, String(n), formatNumber(s / k), formatNumber(r / k), `${formatNumber(d / k)} (${formatNumber(lo / k)} to ${formatNumber(hi / k)})`, ratioText(ratio)];
}
const fixture = (metric: string): Fixture => FIXTURE.find((f) => f[0] === POLICY_ONLY && f[2] === metric)!;

describe("effects.csv in the report", () => {
  it("loadRun reads the run's effects.csv and each scenario's policy start", async () => {
    const rows = parse(readFileSync(join(dir, "effects.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(run.effects).not.toBeNull();
    expect(run.effects!.length).toBe(rows.length);
    expect(run.effects![0]!.scenario).toBe(rows[0]!.scenario);
    expect(run.effects![0]!.diffMean).toBe(Number(rows[0]!.diff_mean));
    expect(run.series.map((s) => [s.scenario, s.point, s.policyStart])).toEqual([
      ["baseline", 0, undefined], [POLICY_ONLY, 0, "2015-01"], [SWEPT, 0, undefined], [SWEPT, 1, undefined],
    ]);
  });

  it("the tables of the run's own effects.csv: each row's numbers are the file's, counts divided by the scale", () => {
    const rows = parse(readFileSync(join(dir, "effects.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const html = renderPage(run, [], [], { vega: "6", vegaLite: "6" });
    let checked = 0;
    for (const s of run.series.filter((x) => x.scenario !== "baseline")) {
      for (const row of tableRows(effectSection(html, s.label))) {
        const f = rows.find((r) => r.scenario === s.scenario && Number(r.point) === s.point && r.metric === row[0])!;
        expect(f, `${s.label} ${row[0]}`).toBeDefined();
        const num = (x: string | undefined): number => (x === undefined || x === "" ? NaN : Number(x));
        const k = f.unit === "agents" || f.unit === "person-years" ? Number(f.scale) : 1;
        const ci = Number.isFinite(num(f.diff_ci95_low)) ? ` (${formatNumber(num(f.diff_ci95_low) / k)} to ${formatNumber(num(f.diff_ci95_high) / k)})` : "";
        expect(row, `${s.label} ${row[0]}`).toEqual([f.metric, f.n, formatNumber(num(f.scenario_mean) / k), formatNumber(num(f.reference_mean) / k), `${formatNumber(num(f.diff_mean) / k)}${ci}`, ratioText(f.ratio === "" ? "" : Number(f.ratio))]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3 * 6);
    // abscond_total is a headline row of every scenario.
    for (const s of run.series.filter((x) => x.scenario !== "baseline")) expect(tableRows(effectSection(html, s.label)).map((r) => r[0])).toContain("abscond_total");
  });

  it("refuses an effects.csv changed after the run, and one the manifest lists but the folder lacks", async () => {
    const d = copyWith({});
    writeFileSync(join(d, "effects.csv"), `${readFileSync(join(d, "effects.csv"), "utf8")}\n`);
    const err = await loadRun(d).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/effects\.csv changed after the run finished/);
    rmSync(join(d, "effects.csv"));
    await expect(loadRun(d)).rejects.toThrow(/effects\.csv is missing from the run folder/);
  });

  it("the main table: the policy window's rows, then the whole run's totals, at national scale", async () => {
    const r = await loadRun(copyWith({ "effects.csv": effectsCsv(FIXTURE) }));
    const html = renderPage(r, [], [], { vega: "6", vegaLite: "6" });
    const s = effectSection(html, POLICY_ONLY);
    expect(s).toContain("Policy window: 2015-01 to 2015-12, from the first month fee-halved differs from baseline");
    const main = tableRows(s.slice(0, s.indexOf("</table>")));
    // Window rows in their fixed order (rate first), then totals; the file's order is not kept.
    expect(main.map((row) => row[0])).toEqual([`abscond_per_1000_ti_years_${W}`, `abscond_${W}`, `ti_years_${W}`, "abscond_total"]);
    for (const row of main) expect(row, row[0]).toEqual(expectedCells(fixture(row[0]!)));
    // By hand: 10 interns who absconded at scale 0.002 are 5,000 people; the rate is not scaled.
    expect(main[1]).toEqual([`abscond_${W}`, "2", "5,000", "6,000", "-1,000 (-5,500 to 3,500)", "0.833"]);
    expect(main[0]).toEqual([`abscond_per_1000_ti_years_${W}`, "2", "12.5", "15", "-2.5 (-8.8 to 3.8)", "0.833"]);
    // Every other row of all groups, folded: the stock and the window that is not the policy window.
    const other = s.slice(s.indexOf("<details><summary>Other metrics of all groups (2)</summary>"));
    expect(tableRows(other.slice(0, other.indexOf("</details>"))).map((row) => row[0])).toEqual(["stock_TI_2015-12", "abscond_2014-06_2015-12"]);
  });

  it("tables by nationality and by sector: the policy window's rate and count, codes in their order", async () => {
    const r = await loadRun(copyWith({ "effects.csv": effectsCsv(FIXTURE) }));
    const html = renderPage(r, [], [], { vega: "6", vegaLite: "6" });
    const s = effectSection(html, POLICY_ONLY);
    const table = (kind: string): string => { const t = s.slice(s.indexOf(`<table class="effects groups" data-kind="${kind}">`)); return t.slice(0, t.indexOf("</table>")); };
    expect(s).toContain("<h4>By nationality</h4>");
    expect(s).toContain("<h4>By sector</h4>");
    const nat = table("nationality");
    expect(nat).toContain("absconding per 1,000 intern-years, 2015-01 to 2015-12");
    expect(nat).toContain("interns who absconded, 2015-01 to 2015-12 (people, national)");
    const cells = (code: string, t: string): string[] => {
      const row = t.split("<tr>").find((l) => l.startsWith(`<td>${code}`))!;
      return [...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!);
    };
    // VN before CN (the codes' order), each with rate then count; abscond_total[VN] is not shown (the window has rows).
    expect(nat.indexOf("<tr><td>VN (Viet Nam)")).toBeLessThan(nat.indexOf("<tr><td>CN (China)"));
    expect(cells("VN", nat)).toEqual([...expectedCells(fixture(`abscond_per_1000_ti_years_${W}[VN]`)).slice(2), ...expectedCells(fixture(`abscond_${W}[VN]`)).slice(2)]);
    expect(cells("VN", nat)).toEqual(["50", "40", "10 (-8 to 28)", "1.25", "3,000", "2,500", "500 (-4,000 to 5,000)", "1.2"]);
    expect(cells("CN", nat).slice(4)).toEqual(["1,500", "2,000", "-500 (-5,000 to 4,000)", "0.75"]);
    expect(cells("manufacturing", table("sector"))).toEqual(["20", "25", "-5 (-14 to 4)", "0.8", "2,000", "2,500", "-500 (-5,000 to 4,000)", "0.8"]);
    expect(s).not.toContain("No rows by nationality or sector");
  });

  it("without rows by group, or without a policy window, it says so simply", async () => {
    const r = await loadRun(copyWith({ "effects.csv": effectsCsv(FIXTURE) }));
    const html = renderPage(r, [], [], { vega: "6", vegaLite: "6" });
    const swept = r.series.filter((s) => s.scenario === SWEPT);
    for (const s of swept) {
      const sec = effectSection(html, s.label);
      expect(sec).toContain(`No rows by nationality or sector in effects.csv for ${escapeHtml(s.label)}, so no breakdown is shown.`);
      expect(sec).toContain("swept does not differ from baseline by a dated change within the run&#39;s months: it differs from its first month (by its parameters or swept values), or not at all, so it has no policy window");
    }
    const second = tableRows(effectSection(html, swept[1]!.label));
    expect(second.map((row) => row[0])).toEqual(["abscond_total", "ti_to_ssw1_total"]);
    expect(second[0]).toEqual(["abscond_total", "2", "15,000", "11,000", "4,000 (-500 to 8,500)", "1.36"]);
    expect(second[1]![5]).toBe("-"); // no ratio where the reference's mean is 0
    // A policy scenario whose effects.csv has no window rows: the whole run's rows, and how to get the window.
    const noWindow = await loadRun(copyWith({ "effects.csv": effectsCsv(FIXTURE.filter((f) => !f[2].includes(W))) }));
    const s = effectSection(renderPage(noWindow, [], [], { vega: "6", vegaLite: "6" }), POLICY_ONLY);
    expect(s).toContain("fee-halved differs from baseline from 2015-01, but effects.csv has no metrics over 2015-01 to 2015-12");
    expect(tableRows(s.slice(0, s.indexOf("</table>"))).map((row) => row[0])).toEqual(["abscond_total"]);
    // Its rows by nationality are then the whole run's.
    expect(s).toContain("interns who absconded, whole run (people, national)");
  });

  it("a run without effects.csv, and a run of one scenario", async () => {
    const r = await loadRun(copyWith({ "effects.csv": null }));
    expect(r.effects).toBeNull();
    const html = renderPage(r, [], [], { vega: "6", vegaLite: "6" });
    expect(html).toContain("This run has no <code>effects.csv</code>");
    expect(html).not.toContain('<section class="effect">');
    const one = renderPage({ ...r, series: [r.baseline] }, [], [], { vega: "6", vegaLite: "6" });
    expect(one).toContain("The run has a single scenario (baseline): there is nothing to compare it with.");
  });

  it("splitGroup and findPolicyWindow", () => {
    expect(splitGroup("abscond_per_1000_ti_years_2028-04_2035-12[VN]")).toEqual(["abscond_per_1000_ti_years_2028-04_2035-12", "VN"]);
    expect(splitGroup("abscond_total")).toEqual(["abscond_total", undefined]);
    const rows = run.effects!.map((e) => ({ ...e, metric: "abscond_2015-01_2015-06" }));
    expect(findPolicyWindow(rows, "2015-01", "2015-12")).toEqual({ from: "2015-01", to: "2015-06" });
    expect(findPolicyWindow(rows, "2015-02", "2015-12")).toBeUndefined();
    expect(findPolicyWindow(rows, undefined, "2015-12")).toBeUndefined();
    // abscond_ does not take abscond_per_1000_ti_years_'s rows for its own.
    const rate = run.effects!.slice(0, 1).map((e) => ({ ...e, metric: "abscond_per_1000_ti_years_2015-01_2015-12" }));
    expect(findPolicyWindow(rate, "2015-01", "2015-12")).toEqual({ from: "2015-01", to: "2015-12" });
    const e = seriesEffects(run, run.series[1]!, rate);
    expect(e.main.map((l) => l.metric)).toEqual(["abscond_per_1000_ti_years_2015-01_2015-12"]);
  });
});

describe("what the intervals mean", () => {
  it("is said once near the tables, as paired replicate noise at fixed parameters, or over the posterior's draws", () => {
    const html = renderPage(run, [], [], { vega: "6", vegaLite: "6" });
    expect(html.split(escapeHtml(EFFECT_INTERVALS))).toHaveLength(2);
    expect(html.split(escapeHtml(INTERVALS))).toHaveLength(2);
    expect(html.indexOf(escapeHtml(EFFECT_INTERVALS))).toBeLessThan(html.indexOf('<section class="effect">'));
    expect(EFFECT_INTERVALS).toMatch(/paired/);
    expect(EFFECT_INTERVALS).toMatch(/common random numbers/);
    expect(EFFECT_INTERVALS).toMatch(/replicate noise only/);
    expect(EFFECT_INTERVALS).toMatch(/parameter[^.]*fixed/);
    expect(EFFECT_INTERVALS).toMatch(/not include uncertainty about the parameters/);
    const posterior = structuredClone(run.manifest);
    posterior.spec.posterior = { file: "p.csv", sha256: "ab".repeat(32), draws: [1, 2], params: [], particles: [], ownParams: [] };
    const page = renderPage({ ...run, manifest: posterior }, [], [], { vega: "6", vegaLite: "6" });
    expect(page).toContain(escapeHtml(POSTERIOR_EFFECT_INTERVALS));
    expect(page).not.toContain(escapeHtml(EFFECT_INTERVALS));
    expect(POSTERIOR_EFFECT_INTERVALS).toMatch(/posterior draw/);
    expect(POSTERIOR_EFFECT_INTERVALS).toMatch(/replicate noise/);
  });
});

/** Per [scenario][point][replicate]: date -> sum of `count` over flows.csv rows that `keep`. */
function sumFlows(keep: (row: Record<string, string>) => boolean, file = "flows.csv", value = "count"): Map<string, Map<string, number>> {
  const rows = parse(readFileSync(join(dir, file), "utf8"), { columns: true }) as Record<string, string>[];
  const out = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (!keep(row)) continue;
    const key = `${row.scenario}/${row.point}/${row.replicate}`;
    const m = out.get(key) ?? new Map<string, number>();
    m.set(row.date!, (m.get(row.date!) ?? 0) + Number(row[value]));
    out.set(key, m);
  }
  return out;
}

describe("difference over time", () => {
  const T1 = tCritical95(1); // Student t, 1 degree of freedom (2 replicates)

  it("monthlyDifference pairs replicate r with replicate r over the months both have, each at its own scale", () => {
    const series = (replicates: number[], dates: string[], scale: number, values: number[][]): Series => ({ replicates, dates, scale, abscondsByMonth: values } as unknown as Series);
    const s = series([1, 2, 3], ["2020-02", "2020-03"], 0.5, [[1, 2], [3, 5], [100, 100]]);
    const ref = series([2, 1], ["2020-01", "2020-02", "2020-03"], 0.25, [[0, 1, 1], [0, 0, 1]]);
    const d = monthlyDifference(s, ref, (x) => x.abscondsByMonth);
    // 2020-02: replicate 1: 1/0.5 - 0/0.25 = 2; replicate 2: 3/0.5 - 1/0.25 = 2. 2020-03: 4 - 4 = 0, 10 - 4 = 6.
    expect(d.map((p) => p.date)).toEqual(["2020-02", "2020-03"]);
    expect(d[0]).toMatchObject({ n: 2, mean: 2, lo: 2, hi: 2 });
    expect(d[1]!.mean).toBe(3);
    expect(d[1]!.hi - 3).toBeCloseTo((T1 * Math.sqrt(18)) / Math.sqrt(2), 9);
  });

  it("each chart's values are the paired differences computed by hand from flows.csv and timeseries.csv", () => {
    const absc = sumFlows((r) => r.event === "abscond");
    const moves = sumFlows((r) => r.event === "job_change" && r.from === "TI" && r.to === "TI");
    const ti = sumFlows((r) => r.status === "TI", "timeseries.csv");
    expect([...moves.values()].some((m) => [...m.values()].some((v) => v > 0))).toBe(true);
    const sources: Record<string, Map<string, Map<string, number>>> = { [DIFFERENCE_MEASURES[0]]: absc, [DIFFERENCE_MEASURES[1]]: moves, [DIFFERENCE_MEASURES[2]]: ti };
    let checked = 0;
    for (const s of run.series.filter((x) => x.scenario !== "baseline")) {
      const values = (differenceChart(run, s.scenario)!.spec as unknown as { data: { values: Record<string, number | string>[] } }).data.values;
      for (const measure of DIFFERENCE_MEASURES) {
        for (const date of run.baseline.dates) {
          const pairs = [1, 2].map((rep) => ((sources[measure]!.get(`${s.scenario}/${s.point}/${rep}`)?.get(date) ?? 0) - (sources[measure]!.get(`baseline/0/${rep}`)?.get(date) ?? 0)) / SMALL_SCALE);
          const mean = (pairs[0]! + pairs[1]!) / 2;
          const half = (T1 * Math.abs(pairs[0]! - pairs[1]!) / Math.SQRT2) / Math.SQRT2;
          const v = values.find((x) => x.kind === "diff" && x.scenario === s.label && x.measure === measure && x.t === Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5)) - 1, 1))!;
          expect(v, `${s.label} ${measure} ${date}`).toBeDefined();
          for (const [got, want] of [[v.mean, mean], [v.lo, mean - half], [v.hi, mean + half]] as const) {
            expect(Math.abs(Number(got) - want), `${s.label} ${measure} ${date}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * 3 * 24);
  });

  it("marks the policy start with a rule and a label, where the differences begin", async () => {
    const chart = differenceChart(run, POLICY_ONLY)!;
    expect(chart.id).toBe("difference-fee-halved");
    const values = (chart.spec as unknown as { data: { values: Record<string, number | string>[] } }).data.values;
    const rules = values.filter((v) => v.kind === "start");
    expect(rules.map((v) => [v.measure, v.t, v.label])).toEqual(DIFFERENCE_MEASURES.map((m, k) => [m, Date.UTC(2015, 0, 1), k === 0 ? "policy from 2015-01" : ""]));
    // Before it both ran the same rules with the same random numbers: every difference is 0.
    const before = values.filter((v) => v.kind === "diff" && Number(v.t) < Date.UTC(2015, 0, 1));
    expect(before.length).toBe(3 * 12);
    for (const v of before) expect([v.mean, v.lo, v.hi]).toEqual([0, 0, 0]);
    expect(chart.caption).toMatch(/vertical line marks the policy start, 2015-01/);
    const svg = await renderSvg(chart.spec);
    expect(svg).toContain(">policy from 2015-01<");
    expect(svg).toContain(">fee-halved<"); // the legend
    expect(svg).not.toMatch(/NaN|undefined/);
    // The swept scenario differs from the first month (its swept values): no rule, and the caption says why.
    const swept = differenceChart(run, SWEPT)!;
    expect((swept.spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values.filter((v) => v.kind === "start")).toEqual([]);
    expect(swept.caption).toMatch(/No policy start is marked.*swept values/);
    expect(new Set((swept.spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values.filter((v) => v.kind === "diff").map((v) => v.scenario)).size).toBe(2);
    expect(differenceChart(run, "baseline")).toBeUndefined();
  }, 60_000);

  it("the page shows the tables and the difference charts before the other charts, numbered in order", async () => {
    const d = copyWith({ "effects.csv": effectsCsv(FIXTURE) });
    const html = readFileSync((await writeReport(d)).html, "utf8");
    const effects = html.slice(html.indexOf('<section id="effects">'), html.indexOf('<section id="charts">'));
    expect(effects).toContain("<h2>Effects against baseline</h2>");
    expect(effects).toContain('<figure class="chart" id="difference-fee-halved"');
    expect(effects).toContain('<figure class="chart" id="difference-swept"');
    expect(effects).toMatch(/<strong>Figure 1\. fee-halved minus baseline, month by month\.<\/strong>/);
    expect(effects).toMatch(/<strong>Figure 2\. swept minus baseline/);
    expect(html).toMatch(/<strong>Figure 3\. People in Japan by residence status\.<\/strong>/);
    expect(html.indexOf('<section class="effect">')).toBeLessThan(html.indexOf('<figure class="chart" id="difference-fee-halved"'));
    expect(buildCharts(run).charts.filter((c) => c.section === "effects").map((c) => c.id)).toEqual(["difference-fee-halved", "difference-swept"]);
  }, 60_000);
});

describe("a run with --breakdown", () => {
  it("reads timeseries.csv and flows.csv with their breakdown columns, summing over them", async () => {
    const split = (file: string): string => {
      const rows = parse(readFileSync(join(dir, file), "utf8")) as string[][];
      const at = rows[0]!.indexOf("nationality") + 1;
      // Each row in two sectors: the counts add up to the row's.
      const out: string[][] = [[...rows[0]!.slice(0, at), "sector", ...rows[0]!.slice(at)]];
      const count = rows[0]!.indexOf("count");
      for (const r of rows.slice(1)) {
        const n = Number(r[count]);
        const a = Math.floor(n / 2);
        for (const [sector, c] of [["manufacturing", a], ["care", n - a]] as const) {
          const row = [...r];
          row[count] = String(c);
          out.push([...row.slice(0, at), sector, ...row.slice(at)]);
        }
      }
      return stringify(out);
    };
    const d = copyWith({ "timeseries.csv": split("timeseries.csv"), "flows.csv": split("flows.csv") }, (m) => {
      (m.spec as Record<string, unknown>).breakdown = ["sector"];
    });
    const r = await loadRun(d);
    for (const [k, s] of r.series.entries()) {
      const o = run.series[k]!;
      expect(s.stocks.get("TI")).toEqual(o.stocks.get("TI"));
      expect(s.abscondsByMonth).toEqual(o.abscondsByMonth);
      expect(s.totals).toEqual(o.totals);
    }
  });
});
