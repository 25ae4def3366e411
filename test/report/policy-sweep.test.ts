// The report of a run with a scenario that only adds a policy step and one that sweeps a
// parameter (makePolicySweepRun): each scenario described by what it changes, its own policy
// steps apart from the inherited ones; sweep legends that name the swept values; no negative
// lower bound of a count's 95% CI where counts are near zero.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { renderSvg } from "../../src/output/svg.js";
import { scenarioChanges } from "../../src/report/changes.js";
import { abscondChart, buildCharts } from "../../src/report/charts.js";
import { type RunData, loadRun, meanCi } from "../../src/report/data.js";
import { writeReport } from "../../src/report/report.js";
import { POLICY_ONLY, SWEPT, SWEPT_PARAM, SWEPT_VALUES, makePolicySweepRun } from "./tiny-run.js";

let dir: string;
let run: RunData;
let html: string;

beforeAll(async () => {
  dir = await makePolicySweepRun();
  run = await loadRun(dir);
  html = readFileSync((await writeReport(dir)).html, "utf8");
}, 120_000);

/** The page's section of one scenario. */
const section = (name: string): string => html.split('<section class="scenario">').find((s) => s.startsWith(`<h3>${name}</h3>`))!;
const sweepLabels = SWEPT_VALUES.map((v) => `${SWEPT}: ${SWEPT_PARAM} = ${v}`);

describe("what each scenario changes", () => {
  it("a scenario that only adds a policy step: no parameter changed, its step apart from the baseline's", () => {
    const s = section(POLICY_ONLY);
    expect(html).not.toContain("All parameters at their defaults");
    expect(s).toContain("It extends baseline (in this run); what it changes from baseline");
    expect(s).toContain("<p>Parameters: none changed.</p>");
    expect(s).toContain('<p>Policy steps of its own (1):</p><table><thead><tr><th>from</th><th>set</th><th>note</th></tr></thead><tbody><tr><td class="mono">2015-01</td><td class="mono">feeShareBorneByWorker: 0.5</td><td>test step of its own</td></tr></tbody></table>');
    const baselineSteps = run.manifest.spec.scenarios.find((x) => x.name === "baseline")!.policy.length;
    expect(baselineSteps).toBeGreaterThan(3);
    expect(s).toContain(`<details><summary>${baselineSteps} policy steps inherited from baseline</summary>`);
    // The step of its own is not among the inherited ones.
    const inherited = s.slice(s.indexOf("<details><summary>"));
    expect(inherited).not.toContain("2015-01");
  });

  it("scenarioChanges: against the defaults, a scenario of the run, the file re-read, or neither", () => {
    const spec = run.manifest.spec;
    const [base, policy, swept] = scenarioChanges(spec);
    expect(base!.reference).toEqual({ kind: "defaults" });
    expect(base!.ownPolicy).toEqual(spec.scenarios[0]!.policy);
    expect(base!.inheritedPolicy).toEqual([]);
    expect(policy!.reference).toEqual({ kind: "scenario", name: "baseline", via: [] });
    expect(policy!.params).toEqual([]);
    expect(policy!.ownPolicy).toEqual([{ from: "2015-01", set: { feeShareBorneByWorker: 0.5 }, note: "test step of its own" }]);
    expect(policy!.inheritedPolicy).toEqual(spec.scenarios[0]!.policy);
    expect(swept!.swept).toEqual({ params: [SWEPT_PARAM], own: true });
    expect(swept!.ownPolicy).toEqual([]);

    // Without the baseline in the run, the file it extends is read again (same sha256): the same split.
    const alone = scenarioChanges({ ...spec, scenarios: [spec.scenarios[1]!] })[0]!;
    expect(alone.reference).toEqual({ kind: "file", path: spec.scenarios[1]!.files[1]!.path });
    expect(alone.ownPolicy).toEqual(policy!.ownPolicy);
    expect(alone.inheritedPolicy).toEqual(policy!.inheritedPolicy);

    // A file that is no longer the one the run used: nothing is called inherited, and the page says why.
    const changed = structuredClone(spec.scenarios[1]!);
    changed.files[1]!.sha256 = "0".repeat(64);
    const unknown = scenarioChanges({ ...spec, scenarios: [changed] })[0]!;
    expect(unknown.reference.kind).toBe("unknown");
    expect(unknown.ownPolicy).toEqual(changed.policy);
    expect(unknown.inheritedPolicy).toEqual([]);
    const moved = structuredClone(spec.scenarios[1]!);
    moved.files[1]!.path = join(dir, "no-such-baseline.yaml");
    expect(scenarioChanges({ ...spec, scenarios: [moved] })[0]!.reference).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/cannot be read/) });
  });
});

describe("sweep legends", () => {
  it("label each sweep point with its swept value", () => {
    expect(run.series.map((s) => s.label)).toEqual(["baseline", POLICY_ONLY, ...sweepLabels]);
  });

  it("every chart's legend shows the swept values, not a point number", async () => {
    // Every chart that shows the swept scenario (the differences of another scenario do not).
    for (const c of buildCharts(run).charts.filter((x) => x.id !== `difference-${POLICY_ONLY}`)) {
      const svg = await renderSvg(c.spec);
      for (const label of sweepLabels) expect(svg, c.id).toContain(`>${label}<`);
      expect(svg).not.toMatch(/>swept #\d|…</);
    }
    for (const label of sweepLabels) expect(html).toContain(`>${label}<`);
    expect(html).not.toMatch(/swept #\d/);
  }, 60_000);
});

describe("intervals of counts near zero", () => {
  it("summary table: no negative lower bound where summary.csv's symmetric one is negative", () => {
    const rows = parse(readFileSync(join(dir, "summary.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const negative = rows.filter((r) => r.unit === "agents" && Number(r.ci95_low) < 0);
    expect(negative.length).toBeGreaterThan(0);
    const table = html.slice(html.indexOf('<table class="summary">'));
    for (const r of negative) {
      const row = table.split("\n").find((l) => l.startsWith(`<tr><td>${r.scenario}</td><td class="num">${r.point}</td>`) && l.includes(`<td class="mono">${r.metric}</td>`))!;
      expect(row, `${r.scenario} ${r.point} ${r.metric}`).toBeDefined();
      const ci = /<td class="num">([^<]*) to ([^<]*)<\/td><td>(yes|no)<\/td><\/tr>$/.exec(row)!;
      expect(ci, row).not.toBeNull();
      expect(ci[1]!.startsWith("-"), row).toBe(false);
      expect(Number(ci[1]!.replace(/,/g, "")), row).toBeGreaterThanOrEqual(0);
    }
  });

  it("abscond chart: no interval below 0, though some symmetric ones would be", () => {
    const values = (abscondChart(run).spec as unknown as { data: { values: { lo: number; mean: number }[] } }).data.values;
    expect(values.every((v) => v.lo >= 0 && v.lo <= v.mean)).toBe(true);
    const symmetricNegative = run.series.some((s) => [...s.abscondByNationality.values()].some((v) => meanCi(v).lo < 0));
    expect(symmetricNegative).toBe(true);
  });
});
