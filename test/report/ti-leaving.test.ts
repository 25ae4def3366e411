// The chart of interns' legal transfers against absconding, month by month (issue 17), on a run
// made here (makeEsdRun): its monthly values are flows.csv's counts summed over replicates and
// nationalities, divided by the replicates and the scale, for every scenario and sweep point;
// the ESD start is marked only where a scenario's policy steps switch ESD on within the run.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { renderSvg } from "../../src/output/svg.js";
import { TI_LEAVING_FLOWS, buildCharts, tiLeavingChart } from "../../src/report/charts.js";
import { type RunData, esdStartMonth, loadRun } from "../../src/report/data.js";
import { defaultParams } from "../../src/model/params.js";
import { loadScenario } from "../../src/scenario/load.js";
import { ESD_EARLY, ESD_EARLY_MONTH, ESD_SCALE, ESD_SWEPT_VALUES, ESD_UNDONE, SWEPT_PARAM, makeEsdRun } from "./tiny-run.js";

let dir: string;
let run: RunData;
/** flows.csv as written: one record per row. */
let flows: Record<string, string>[];

beforeAll(async () => {
  dir = await makeEsdRun();
  run = await loadRun(dir);
  flows = parse(readFileSync(join(dir, "flows.csv"), "utf8"), { columns: true }) as Record<string, string>[];
}, 120_000);

interface ChartRow { kind: string; scenario?: string; flow: string; t: number; mean?: number; label?: string }
const rows = (): ChartRow[] => (tiLeavingChart(run).spec as unknown as { data: { values: ChartRow[] } }).data.values;
const utcMonth = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, 1);
const earlyLabels = ESD_SWEPT_VALUES.map((v) => `${ESD_EARLY}: ${SWEPT_PARAM} = ${v}`);
const undoneLabels = ESD_SWEPT_VALUES.map((v) => `${ESD_UNDONE}: ${SWEPT_PARAM} = ${v}`);

/** National count per month of one series, straight from flows.csv: sum of its rows / replicates / scale. */
function fromFlows(scenario: string, point: number, dates: string[], counted: (r: Record<string, string>) => boolean): number[] {
  const replicates = new Set(run.manifest.tasks.filter((t) => t.scenario === scenario && t.point === point).map((t) => t.replicate)).size;
  const sums = dates.map(() => 0);
  for (const r of flows) {
    if (r.scenario !== scenario || Number(r.point) !== point || !counted(r)) continue;
    expect(r.date).toBe(dates[Number(r.month)]);
    sums[Number(r.month)]! += Number(r.count);
  }
  return sums.map((x) => x / replicates / ESD_SCALE);
}
const isTransfer = (r: Record<string, string>): boolean => r.event === "job_change" && r.from === "TI";
const isAbscond = (r: Record<string, string>): boolean => r.event === "abscond";

describe("legal transfers against absconding", () => {
  it("has a series per scenario and sweep point, each with 2 replicates over 24 months", () => {
    expect(run.series.map((s) => s.label)).toEqual(["baseline", ...earlyLabels, ...undoneLabels]);
    for (const s of run.series) {
      expect(s.replicates).toEqual([1, 2]);
      expect(s.dates).toHaveLength(24); // 2014-01 to 2015-12
      expect(s.tiTransfersByMonth.map((r) => r.length)).toEqual([24, 24]);
      expect(s.abscondsByMonth.map((r) => r.length)).toEqual([24, 24]);
    }
  });

  it("each month's value is flows.csv's count summed over replicates and nationalities, divided by the replicates and the scale", () => {
    const values = rows().filter((v) => v.kind === "count");
    expect(values).toHaveLength(run.series.length * TI_LEAVING_FLOWS.length * 24);
    let transfers = 0;
    let absconds = 0;
    for (const s of run.series) {
      for (const [flow, counted] of [[TI_LEAVING_FLOWS[0], isTransfer], [TI_LEAVING_FLOWS[1], isAbscond]] as const) {
        const expected = fromFlows(s.scenario, s.point, s.dates, counted);
        const shown = values.filter((v) => v.scenario === s.label && v.flow === flow);
        expect(shown.map((v) => v.t)).toEqual(s.dates.map(utcMonth));
        shown.forEach((v, t) => expect(v.mean, `${s.label} ${flow} ${s.dates[t]}`).toBeCloseTo(expected[t]!, 6));
        if (counted === isTransfer) transfers += expected.reduce((a, b) => a + b, 0);
        else absconds += expected.reduce((a, b) => a + b, 0);
      }
    }
    // Both flows occur in this run, so the check above is not one of zeros.
    expect(transfers).toBeGreaterThan(0);
    expect(absconds).toBeGreaterThan(0);
  });

  it("marks the ESD start only where a scenario's own steps switch ESD on within the run", () => {
    // The baseline switches it on in 2027-04, after this run's last month: no mark.
    expect(run.baseline.esdStart).toBe("2027-04");
    // ESD_UNDONE undoes ESD_EARLY's step, so ESD starts at the baseline's step it inherits, also after the run.
    for (const s of run.series) expect(s.esdStart, s.label).toBe(s.scenario === ESD_EARLY ? ESD_EARLY_MONTH : "2027-04");
    const marks = rows().filter((v) => v.kind === "esd");
    // One rule per panel at 2015-01, labelled in the first panel only.
    expect(marks.map((v) => [v.flow, v.t])).toEqual(TI_LEAVING_FLOWS.map((f) => [f, utcMonth(ESD_EARLY_MONTH)]));
    expect(marks.map((v) => v.label)).toEqual([`ESD from ${ESD_EARLY_MONTH}`, ""]);
    const { caption } = tiLeavingChart(run);
    expect(caption).toContain(`${ESD_EARLY_MONTH} (${earlyLabels.join(", ")})`);
    expect(caption).toContain(`no mark for baseline, ${undoneLabels.join(", ")}, where no step switches it on within the run's months`);
    expect(caption).toMatch(/job_change events of interns.*abscond events \(TI -> irregular\).*mean over the 2 replicates, divided by the run's scale/);

    // Without a scenario that switches ESD on within the run, there is no mark and the caption says so.
    const without = { ...run, series: run.series.filter((s) => s.scenario !== ESD_EARLY) };
    expect((tiLeavingChart(without).spec as unknown as { data: { values: ChartRow[] } }).data.values.some((v) => v.kind === "esd")).toBe(false);
    expect(tiLeavingChart(without).caption).toMatch(/no month is marked/);
  });

  it("is the fourth chart of the charts section and renders to SVG with both panels, the mark's label and every series in the legend", async () => {
    const charts = buildCharts(run).charts.filter((c) => c.section !== "effects");
    expect(charts[3]!.id).toBe("ti-transfers-vs-abscond");
    const svg = await renderSvg(charts[3]!.spec);
    expect(svg).toContain(charts[3]!.title);
    for (const f of TI_LEAVING_FLOWS) expect(svg).toContain(f.replace(">", "&gt;"));
    expect(svg).toContain(`>ESD from ${ESD_EARLY_MONTH}<`);
    for (const s of run.series) expect(svg).toContain(`>${s.label}<`);
    expect(svg).toContain("people per month (national scale)");
    expect(svg).not.toMatch(/NaN|undefined/);
  }, 60_000);
});

describe("esdStartMonth", () => {
  const at = (policy: { from: string; set: Record<string, boolean> }[], esdActive = false, start = "2014-01"): string | undefined =>
    esdStartMonth({ start, params: { ...defaultParams(), esdActive }, policy });

  it("the library: the baseline starts ESD in 2027-04, no-reform never", () => {
    expect(esdStartMonth(loadScenario(resolve("scenarios/baseline.yaml")))).toBe("2027-04");
    expect(esdStartMonth(loadScenario(resolve("scenarios/no-reform.yaml")))).toBeUndefined();
  });

  it("the first month a step turns it from off to on, after the start; the last step of a month wins", () => {
    expect(at([])).toBeUndefined();
    expect(at([{ from: "2020-01", set: { esdActive: true } }])).toBe("2020-01");
    expect(at([{ from: "2020-01", set: { esdActive: true } }, { from: "2022-01", set: { esdActive: false } }, { from: "2024-01", set: { esdActive: true } }])).toBe("2020-01");
    expect(at([{ from: "2020-01", set: { esdActive: true } }, { from: "2020-01", set: { esdActive: false } }])).toBeUndefined();
    expect(at([{ from: "2020-01", set: { esdActive: false } }, { from: "2020-01", set: { esdActive: true } }])).toBe("2020-01");
    // On from the first month (by the parameter, or a step at or before the start): nothing starts.
    expect(at([{ from: "2027-04", set: { esdActive: true } }], true)).toBeUndefined();
    expect(at([{ from: "2013-01", set: { esdActive: true } }])).toBeUndefined();
    expect(at([{ from: "2014-01", set: { esdActive: true } }])).toBeUndefined();
    // A step that sets something else does not count.
    expect(at([{ from: "2020-01", set: { sswAvailable: true } }])).toBeUndefined();
  });
});
