// The automatic policy window (issue 19): runWindows(spec) adds, per scenario other than the
// reference, a window from the month its policy starts to differ (scenario/policy-start.ts) to the
// run's last month; summary.csv and effects.csv count the headline flows over it. runWindows on
// specs (pure), then tiny runs in-process (runCli; the workers are dist/'s), whose window metrics
// are recomputed here from flows.csv.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../../src/output/manifest.js";
import { runMetrics, runWindows } from "../../src/run/experiment.js";
import { type ResolvedScenario, loadScenario } from "../../src/scenario/load.js";
import { runCli, runCliOk, readCsvRecords } from "../helpers/cli.js";

const BASELINE = resolve("scenarios/baseline.yaml");
const TINY = ["--scale", "0.002", "--until", "2020-12", "--replicates", "2", "--seed", "11", "--quiet"];
const POLICY = { from: "2018-04", to: "2020-12" };
const LABEL = `${POLICY.from}_${POLICY.to}`;
const FLOWS = ["abscond", "ti_job_change", "ti_to_ssw1", "return"] as const;
const WINDOW_METRICS = [...FLOWS, "ti_years", "abscond_per_1000_ti_years"] as const;
const WINDOW_RE = /_\d{4}-\d{2}_\d{4}-\d{2}(\[\w+\])?$/;

let tmp: string;
/** The baseline with absconding 17 times as likely from 2018-04 (a dated policy step within the run). */
let HAZARD: string;
let baseline: ResolvedScenario;
let n = 0;
/** Runs of baseline + hazard: with the automatic window only, and with --window equal to it. */
let auto: string;
let given: string;

function variant(body: string): ResolvedScenario {
  const path = join(tmp, `v${n++}.yaml`);
  writeFileSync(path, `extends: ${BASELINE}\n${body}\n`);
  return loadScenario(path);
}
const step = (name: string, from: string, extra = ""): ResolvedScenario =>
  variant(`name: ${name}\n${extra}policy:\n  - from: ${from}\n    set: { abscondBaseHazardPerMonth: 0.01 }`);

const ok = runCliOk;
const csv = readCsvRecords;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-policy-window-"));
  baseline = loadScenario(BASELINE);
  HAZARD = join(tmp, "hazard.yaml");
  writeFileSync(HAZARD, `extends: ${BASELINE}\nname: hazard\npolicy:\n  - from: ${POLICY.from}\n    set: { abscondBaseHazardPerMonth: 0.01 }\n`);
  if (!existsSync(resolve("dist/run/worker.js"))) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does it)");
  auto = join(tmp, "auto");
  given = join(tmp, "given");
  await ok("run", BASELINE, HAZARD, ...TINY, "--threads", "2", "--out", auto);
  await ok("run", BASELINE, HAZARD, ...TINY, "--threads", "2", "--window", `${POLICY.from}..${POLICY.to}`, "--out", given);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("runWindows (pure)", () => {
  it("a scenario with a dated step: a window from the step to --until, after the --windows given", () => {
    const hazard = step("hazard", "2018-04");
    expect(runWindows({ scenarios: [baseline, hazard], until: "2020-12" })).toEqual([POLICY]);
    expect(runWindows({ scenarios: [hazard, baseline], until: "2020-12" })).toEqual([POLICY]);
    // Without --until: to the scenarios' end.
    expect(runWindows({ scenarios: [baseline, hazard], until: null })).toEqual([{ from: "2018-04", to: "2035-12" }]);
    const part = { from: "2016-07", to: "2020-03" };
    expect(runWindows({ scenarios: [baseline, hazard], until: "2020-12", windows: [part] })).toEqual([part, POLICY]);
  });

  it("a --window equal to the policy window is not repeated", () => {
    const hazard = step("hazard", "2018-04");
    const part = { from: "2016-07", to: "2020-03" };
    expect(runWindows({ scenarios: [baseline, hazard], until: "2020-12", windows: [POLICY] })).toEqual([POLICY]);
    expect(runWindows({ scenarios: [baseline, hazard], until: "2020-12", windows: [POLICY, part] })).toEqual([POLICY, part]);
    // Same start, another end: a different window.
    expect(runWindows({ scenarios: [baseline, hazard], until: "2020-12", windows: [{ from: "2018-04", to: "2019-12" }] })).toEqual([{ from: "2018-04", to: "2019-12" }, POLICY]);
  });

  it("several scenarios: one window per start, each once, in month order", () => {
    const late = step("late", "2019-06");
    const early = step("early", "2017-02");
    const alsoLate = variant('name: also-late\nseries:\n  jobOpeningsRatio:\n    "2019-06": 2');
    expect(runWindows({ scenarios: [baseline, late, early, alsoLate], until: "2020-12" })).toEqual([
      { from: "2017-02", to: "2020-12" },
      { from: "2019-06", to: "2020-12" },
    ]);
  });

  it("no policy window: the reference alone, no reference in the run, no difference, a difference from the outset, a step after --until", () => {
    const hazard = step("hazard", "2018-04");
    expect(runWindows({ scenarios: [baseline], until: "2020-12" })).toEqual([]);
    expect(runWindows({ scenarios: [hazard], until: "2020-12" })).toEqual([]);
    expect(runWindows({ scenarios: [hazard, step("other", "2019-01")], until: "2020-12" })).toEqual([]);
    expect(runWindows({ scenarios: [baseline, variant("name: copy")], until: "2020-12" })).toEqual([]);
    expect(runWindows({ scenarios: [baseline, variant("name: outset\nparams:\n  abscondBaseHazardPerMonth: 0.01")], until: "2020-12" })).toEqual([]);
    expect(runWindows({ scenarios: [baseline, step("first-month", "2014-01")], until: "2020-12" })).toEqual([]);
    expect(runWindows({ scenarios: [baseline, step("after", "2021-01")], until: "2020-12" })).toEqual([]);
    // In the last month: a window of one month.
    expect(runWindows({ scenarios: [baseline, step("last", "2020-12")], until: "2020-12" })).toEqual([{ from: "2020-12", to: "2020-12" }]);
    // --window only.
    expect(runWindows({ scenarios: [baseline], until: "2020-12", windows: [POLICY] })).toEqual([POLICY]);
  });

  it("--until after the scenarios' end (the run goes on to --until): the window ends at --until, the run's last month", () => {
    const hazard = step("hazard", "2018-04");
    expect(runWindows({ scenarios: [baseline, hazard], until: "2036-06" })).toEqual([{ from: "2018-04", to: "2036-06" }]);
  });

  it("against a named reference; within every scenario's months", () => {
    const hazard = step("hazard", "2018-04");
    // The baseline differs from the hazard scenario from 2018-04 too.
    expect(runWindows({ scenarios: [baseline, hazard], until: "2020-12", reference: "hazard" })).toEqual([POLICY]);
    const other = step("other", "2019-03");
    // `other` (its step from 2019-03) differs from `hazard` from 2018-04 as well: one window.
    expect(runWindows({ scenarios: [baseline, hazard, other], until: "2020-12", reference: "hazard" })).toEqual([POLICY]);
    // --until overrides every scenario's end (the run goes on to it); without it the earliest end ends every window.
    expect(runWindows({ scenarios: [baseline, step("short", "2018-04", "end: 2019-12\n")], until: "2020-12" })).toEqual([{ from: "2018-04", to: "2020-12" }]);
    expect(runWindows({ scenarios: [baseline, step("short", "2018-04", "end: 2019-12\n")], until: null })).toEqual([{ from: "2018-04", to: "2019-12" }]);
    expect(runWindows({ scenarios: [baseline, hazard, variant("name: later\nstart: 2019-01")], until: "2020-12" })).toEqual([]);
  });
});

describe("the policy window in a run", () => {
  it("summary.csv has every window metric, in total and by group, for both scenarios; the manifest's spec records no window", () => {
    const metrics = csv(join(auto, "summary.csv")).rows;
    for (const scenario of ["baseline", "hazard"]) {
      const names = metrics.filter((r) => r.scenario === scenario).map((r) => r.metric!);
      for (const m of WINDOW_METRICS) {
        expect(names.filter((x) => x === `${m}_${LABEL}`), `${scenario} ${m}_${LABEL}`).toHaveLength(1);
        expect(names, `${scenario} ${m}_${LABEL}[VN]`).toContain(`${m}_${LABEL}[VN]`);
        expect(names, `${scenario} ${m}_${LABEL}[care]`).toContain(`${m}_${LABEL}[care]`);
      }
      // No other window.
      expect(names.filter((x) => WINDOW_RE.test(x)).every((x) => x.includes(`_${LABEL}`)), scenario).toBe(true);
    }
    const spec = readManifest(join(auto, "manifest.json")).spec as unknown as Record<string, unknown>;
    expect("windows" in spec).toBe(false);
  });

  it("the abscond window metric is the sum of flows.csv's abscond rows from 2018-04, replicate by replicate (in total and for VN)", () => {
    const flows = csv(join(auto, "flows.csv")).rows;
    const summary = csv(join(auto, "summary.csv")).rows;
    for (const scenario of ["baseline", "hazard"]) {
      for (const nat of [undefined, "VN"]) {
        const [a, b] = [1, 2].map((rep) => flows
          .filter((r) => r.scenario === scenario && Number(r.replicate) === rep && r.event === "abscond" && r.date! >= POLICY.from && r.date! <= POLICY.to && (nat === undefined || r.nationality === nat))
          .reduce((s, r) => s + Number(r.count), 0)) as [number, number];
        const metric = `abscond_${LABEL}${nat === undefined ? "" : `[${nat}]`}`;
        const row = summary.find((r) => r.scenario === scenario && r.metric === metric);
        expect(row, `${scenario} ${metric}`).toBeDefined();
        expect(row!.n).toBe("2");
        expect(Number(row!.mean), `${scenario} ${metric}`).toBeCloseTo((a + b) / 2, 6);
        expect(Number(row!.sd), `${scenario} ${metric}`).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 6);
        expect(a > 0 && b > 0, `${scenario} ${metric}: not vacuous`).toBe(true);
      }
      // Not the whole run's total: there were abscondings before the window.
      const total = summary.find((r) => r.scenario === scenario && r.metric === "abscond_total")!;
      const window = summary.find((r) => r.scenario === scenario && r.metric === `abscond_${LABEL}`)!;
      expect(Number(total.mean)).toBeGreaterThan(Number(window.mean));
    }
  });

  it("effects.csv pairs the hazard scenario's window metrics with the baseline's", () => {
    const eff = csv(join(auto, "effects.csv")).rows;
    const sum = csv(join(auto, "summary.csv")).rows;
    for (const m of WINDOW_METRICS) {
      const r = eff.find((x) => x.metric === `${m}_${LABEL}`);
      expect(r, m).toBeDefined();
      expect([r!.scenario, r!.reference]).toEqual(["hazard", "baseline"]);
      expect(r!.scenario_mean).toBe(sum.find((x) => x.scenario === "hazard" && x.metric === `${m}_${LABEL}`)!.mean);
      expect(r!.reference_mean).toBe(sum.find((x) => x.scenario === "baseline" && x.metric === `${m}_${LABEL}`)!.mean);
    }
    // The policy raises absconding in its window.
    expect(Number(eff.find((x) => x.metric === `abscond_${LABEL}`)!.diff_mean)).toBeGreaterThan(0);
  });

  it("a --window equal to the policy window is not repeated: the same summary.csv and effects.csv", () => {
    for (const f of ["summary.csv", "effects.csv"]) expect(readFileSync(join(given, f)).equals(readFileSync(join(auto, f))), f).toBe(true);
    expect(readManifest(join(given, "manifest.json")).spec.windows).toEqual([POLICY]);
  });

  it("the reference alone gets no policy window", async () => {
    const alone = join(tmp, "alone");
    await ok("run", BASELINE, ...TINY, "--threads", "2", "--out", alone);
    const metrics = csv(join(alone, "summary.csv")).rows.map((r) => r.metric!);
    expect(metrics).toContain("abscond_total");
    expect(metrics.filter((m) => WINDOW_RE.test(m))).toEqual([]);
    // Its rows are the baseline's rows of the run with hazard, less the window's.
    const withHazard = csv(join(auto, "summary.csv")).lines.filter((l) => l.startsWith("baseline,") && !/_\d{4}-\d{2}_\d{4}-\d{2}(\[\w+\])?,/.test(l));
    expect(csv(join(alone, "summary.csv")).lines.slice(1)).toEqual(withHazard);
  }, 60_000);
});

describe("declared windows and metrics (runWindows, runMetrics) and migsim validate", () => {
  const metric = "metrics:\n  - name: vn_abscond\n    event: abscond\n    nationality: VN";
  it("a file's declared windows come after the --windows, each once; a metric declared twice alike is counted once", () => {
    const a = variant(`name: a\nwindows: [2016-01..2016-12, 2015-01..2015-06]\n${metric}`);
    const b = variant(`name: b\nwindows: [2016-01..2016-12]\n${metric}\n    as: count`);
    const spec = { scenarios: [baseline, a, b], until: "2020-12" };
    expect(runWindows({ ...spec, windows: [{ from: "2015-01", to: "2015-06" }] })).toEqual([{ from: "2015-01", to: "2015-06" }, { from: "2016-01", to: "2016-12" }]);
    // `as: count` is the default: the same metric, not a clash.
    expect(runMetrics(spec, runWindows(spec)).map((m) => m.name)).toEqual(["vn_abscond"]);
  });

  it("refuses one name defined two ways, a name summary.csv uses, and windows outside the run", () => {
    const a = variant(`name: a\n${metric}`);
    const other = variant(`name: other\n${metric}\n    region: rural`);
    expect(() => runMetrics({ scenarios: [a, other], until: null }, [])).toThrow(/vn_abscond is defined one way in scenario a .* and another in scenario other/);
    const clash = variant("name: clash\nmetrics:\n  - name: abscond_total\n    event: abscond");
    expect(() => runMetrics({ scenarios: [clash], until: null }, [])).toThrow(/abscond_total is a name summary.csv already gives/);
    const late = variant(`name: late\n${metric}\n    window: 2036-01..2036-12`);
    expect(() => runMetrics({ scenarios: [late], until: null }, [])).toThrow(/window 2036-01..2036-12 ends after/);
    const early = variant("name: early\nwindows: [2010-01..2012-12]");
    expect(() => runWindows({ scenarios: [early], until: null })).toThrow(/windows: 2010-01..2012-12 starts before/);
  });

  it("migsim validate refuses what migsim run refuses, in one paragraph with exit code 2", async () => {
    for (const body of ["metrics:\n  - name: abscond_total\n    event: abscond", "windows: [2030-01..2028-12]", `${metric}\n    window: 2036-01..2037-12`]) {
      const path = join(tmp, `bad-${n++}.yaml`);
      writeFileSync(path, `extends: ${BASELINE}\n${body}\n`);
      const r = await runCli("validate", path);
      expect(r.code, body).toBe(2);
      expect(r.stderr).toContain(path);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
