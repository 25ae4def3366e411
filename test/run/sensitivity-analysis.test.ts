// `migsim sensitivity`'s analysis (src/run/sensitivity-analysis.ts, issue 18) on runs folders
// written by hand: summary.csv (one scenario) or effects.csv (two) whose metric is a known linear
// function of the design's parameter values, and a manifest that names the plan's design. A linear
// output's Morris effects are exact (mu* = |a_i| (hi_i - lo_i), sigma = 0), and its Sobol indices
// are known (S_i = ST_i = a_i^2 (hi_i - lo_i)^2 / sum_j a_j^2 (hi_j - lo_j)^2 for independent
// uniform inputs); the analysis must find them from the files. Also: a missing or undefined point
// is refused naming it (exit 2), runs that are not the plan's are refused, and the same plan and
// runs give the same bytes. No simulation and no dist/: the runs are written by the test.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { type NumberParamSpec, PARAMS, type ParamName } from "../../src/model/params.js";
import { EFFECTS_COLUMNS, SUMMARY_COLUMNS } from "../../src/output/summary.js";
import { analyseSensitivity, resultColumns } from "../../src/run/sensitivity-analysis.js";
import { type PlanInput, type SensitivityPlan, makePlan, planText } from "../../src/run/sensitivity-plan.js";
import { expectUserError, runCli } from "../helpers/cli.js";

const range = (name: ParamName): readonly [number, number] => (PARAMS[name] as NumberParamSpec).range;

const PARAMS3: ParamName[] = ["debtCv", "abscondTightnessElasticity", "abscondBaseHazardPerMonth"];
/** Each parameter's effect over its whole range: the output moves by W_i from lo_i to hi_i (one negative). */
const W = [3, -2, 1];
const A = PARAMS3.map((p, i) => W[i]! / (range(p)[1] - range(p)[0]));
/** The linear output at a design point (parameter units). */
const linear = (x: readonly number[], c = 100): number => c + x.reduce((s, v, i) => s + A[i]! * v, 0);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-sens-analysis-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha256 = (b: string | Buffer): string => createHash("sha256").update(b).digest("hex");

interface Folder {
  dir: string;
  plan: SensitivityPlan;
  points: number[][];
}

/**
 * A sensitivity folder as migsim sensitivity leaves it after its runs: sensitivity.json, design.csv,
 * and runs/ with manifest.json and summary.csv (one scenario) or effects.csv (two), whose column
 * (`mean` or `diff_mean`) of each point and metric is `value(metric, x)`.
 */
function folder(name: string, input: Partial<PlanInput>, value: (metric: string, x: readonly number[], point: number) => number | string): Folder {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "runs"), { recursive: true });
  const full: PlanInput = {
    method: "morris", params: PARAMS3, n: 6, levels: 4, seed: 5, bootstrap: 200, metrics: ["abscond_total", "return_total"],
    scenarios: [{ file: "scenarios/baseline.yaml", name: "baseline" }], replicates: 2, scale: 0.01, until: null, windows: [], posterior: null, ...input,
  };
  const { plan, designText, design } = makePlan(full, dir);
  writeFileSync(join(dir, "design.csv"), designText);
  writeFileSync(join(dir, "sensitivity.json"), planText(plan));
  const two = plan.scenarios.length === 2;
  const columns = two ? EFFECTS_COLUMNS : SUMMARY_COLUMNS;
  const lines = [[...columns, ...plan.params.map((p) => p.name)].join(",")];
  design.points.forEach((x, p) => {
    for (const metric of plan.metrics) {
      const row: Record<string, string | number> = two
        ? { scenario: plan.scenarios[1]!.name, point: p, reference: plan.scenarios[0]!.name, metric, unit: "agents", n: plan.replicates, diff_mean: value(metric, x, p) }
        : { scenario: plan.scenarios[0]!.name, point: p, metric, unit: "agents", n: plan.replicates, mean: value(metric, x, p) };
      lines.push([...columns.map((c) => row[c] ?? ""), ...x].join(","));
    }
  });
  const file = two ? "effects.csv" : "summary.csv";
  const text = `${lines.join("\n")}\n`;
  writeFileSync(join(dir, "runs", file), text);
  writeManifest(dir, plan, design.points, [{ file, sha256: sha256(text) }]);
  return { dir, plan, points: design.points };
}

function writeManifest(dir: string, plan: SensitivityPlan, points: number[][], outputs: { file: string; sha256: string }[], over: Record<string, unknown> = {}): void {
  const manifest = {
    migsim: "0.1.0", command: [], shard: null, complete: true, tasks: [], outputs,
    spec: { scenarios: plan.scenarios.map((s) => ({ name: s.name })), seed: plan.seed, replicates: plan.replicates, scale: plan.scale, until: plan.until, design: { file: join(dir, "design.csv"), sha256: plan.design.sha256, params: plan.params.map((p) => p.name), points } },
    ...over,
  };
  writeFileSync(join(dir, "runs", "manifest.json"), JSON.stringify(manifest));
}

const readResult = (dir: string): Record<string, string>[] => parse(readFileSync(join(dir, "sensitivity.csv")), { columns: true }) as Record<string, string>[];

describe("Morris on a linear output", () => {
  it("recovers mu = a_i (hi_i - lo_i), mu* = |mu| and sigma = 0 exactly, for each metric, and intervals of width 0", async () => {
    // return_total: twice abscond_total's effects plus a constant.
    const f = folder("morris", {}, (metric, x) => (metric === "abscond_total" ? linear(x) : 2 * linear(x, 7)));
    const r = await analyseSensitivity(f.dir, f.plan);
    expect(readFileSync(join(f.dir, "sensitivity.csv"), "utf8").split("\n")[0]).toBe(resultColumns("morris").join(","));
    expect(resultColumns("morris").join(",")).toBe("method,metric,param,mu,mu_star,sigma,mu_star_ci95_low,mu_star_ci95_high,points,replicates,output_mean,output_sd");
    const rows = readResult(f.dir);
    expect(rows).toHaveLength(6);
    rows.forEach((row, k) => {
      const m = Math.floor(k / 3);
      const i = k % 3;
      const w = (m === 0 ? 1 : 2) * W[i]!;
      expect(row).toMatchObject({ method: "morris", metric: f.plan.metrics[m], param: PARAMS3[i], points: "24", replicates: "2" });
      expect(Number(row.mu)).toBeCloseTo(w, 9);
      expect(Number(row.mu_star)).toBeCloseTo(Math.abs(w), 9);
      expect(Number(row.sigma)).toBeCloseTo(0, 9);
      expect(Number(row.mu_star_ci95_low)).toBeCloseTo(Math.abs(w), 9);
      expect(Number(row.mu_star_ci95_high)).toBeCloseTo(Math.abs(w), 9);
    });
    // output_mean and output_sd: over the design's points.
    const ys = f.points.map((x) => linear(x));
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    expect(Number(rows[0]!.output_mean)).toBeCloseTo(mean, 6);
    expect(Number(rows[0]!.output_sd)).toBeCloseTo(Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / (ys.length - 1)), 6);
    // The table: most influential first.
    expect(r.table).toMatch(/abscond_total: mean .*\n\s+parameter\s+mu\*\s+95% interval\s+mu\s+sigma\n\s+debtCv\s+3 .*\n\s+abscondTightnessElasticity\s+2 .*-2/);
    expect(readFileSync(join(f.dir, "sensitivity.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("with two scenarios, reads effects.csv's diff_mean of the second against the first", async () => {
    const f = folder("morris-two", { scenarios: [{ file: "a.yaml", name: "no-reform" }, { file: "b.yaml", name: "esd" }], metrics: ["abscond_total"] }, (_, x) => linear(x, -50));
    await analyseSensitivity(f.dir, f.plan);
    const rows = readResult(f.dir);
    expect(rows.map((r) => Number(r.mu_star))).toEqual(W.map((w) => expect.closeTo(Math.abs(w), 9)));
    expect(rows.map((r) => Number(r.mu))).toEqual(W.map((w) => expect.closeTo(w, 9)));
  });

  it("is reproducible: the same plan and runs give the same bytes of sensitivity.csv and sensitivity.svg", async () => {
    const f = folder("again", {}, (_, x) => linear(x) + Math.sin(40 * x[0]!)); // not linear: sigma > 0, intervals of some width
    await analyseSensitivity(f.dir, f.plan);
    const csv = readFileSync(join(f.dir, "sensitivity.csv"));
    const svg = readFileSync(join(f.dir, "sensitivity.svg"));
    expect(Number(readResult(f.dir)[0]!.sigma)).toBeGreaterThan(0);
    await analyseSensitivity(f.dir, f.plan);
    expect(readFileSync(join(f.dir, "sensitivity.csv")).equals(csv)).toBe(true);
    expect(readFileSync(join(f.dir, "sensitivity.svg")).equals(svg)).toBe(true);
  });
});

describe("Sobol on a linear output", () => {
  // Each 95% interval misses the true index about 5% of the time (200 seeds of the pure core at
  // N = 1024: 4-7.5%); with seed 1 all six cover it, which the test holds to as a fixed case.
  it("recovers S_i = ST_i = W_i^2 / sum W_j^2 within 0.03 and within the bootstrap intervals", async () => {
    const f = folder("sobol", { method: "sobol", n: 4096, levels: null, metrics: ["abscond_total"], bootstrap: 300, seed: 1 }, (_, x) => linear(x, 1000));
    const r = await analyseSensitivity(f.dir, f.plan);
    const total = W.reduce((s, w) => s + w * w, 0);
    const rows = readResult(f.dir);
    expect(Object.keys(rows[0]!)).toEqual(resultColumns("sobol"));
    expect(resultColumns("sobol").join(",")).toBe("method,metric,param,s1,s1_ci95_low,s1_ci95_high,st,st_ci95_low,st_ci95_high,points,replicates,output_mean,output_sd");
    rows.forEach((row, i) => {
      const exact = (W[i]! * W[i]!) / total;
      expect(row.points).toBe(String(4096 * 5));
      for (const [v, lo, hi] of [["s1", "s1_ci95_low", "s1_ci95_high"], ["st", "st_ci95_low", "st_ci95_high"]] as const) {
        expect(Math.abs(Number(row[v]) - exact), `${row.param} ${v}`).toBeLessThan(0.03);
        expect(Number(row[lo])).toBeLessThanOrEqual(Math.min(exact, Number(row[v])));
        expect(Number(row[hi])).toBeGreaterThanOrEqual(Math.max(exact, Number(row[v])));
        expect(Number(row[hi]) - Number(row[lo])).toBeLessThan(0.1);
      }
    });
    expect(r.table).toMatch(/parameter\s+S1\s+95% interval\s+ST\s+95% interval\n\s+debtCv/);
  });
});

describe("refusals", () => {
  it("a point whose metric is missing or not a number: exit 2 naming the metric and the points, nothing written", async () => {
    const f = folder("missing", {}, (metric, x, p) => (metric === "return_total" && (p === 3 || p === 17) ? "" : linear(x)));
    await expect(analyseSensitivity(f.dir, f.plan)).rejects.toThrow(/return_total has no finite mean at points 3, 17/);
    expect(existsSync(join(f.dir, "sensitivity.csv"))).toBe(false);
    const g = folder("missing-row", {}, (_, x) => linear(x));
    const path = join(g.dir, "runs", "summary.csv");
    const text = readFileSync(path, "utf8").split("\n").filter((l) => !l.startsWith("baseline,5,abscond_total,")).join("\n");
    writeFileSync(path, text);
    writeManifest(g.dir, g.plan, g.points, [{ file: "summary.csv", sha256: sha256(text) }]);
    const r = await runCli("sensitivity", "--analyse", g.dir);
    expectUserError(r);
    expect(r.stderr).toMatch(/abscond_total has no row at point 5/);
    expect(existsSync(join(g.dir, "sensitivity.csv"))).toBe(false);
  });

  it("runs that are missing, incomplete, of another design or changed since: exit 2 saying what to do", async () => {
    const f = folder("refused", {}, (_, x) => linear(x));
    const manifest = join(f.dir, "runs", "manifest.json");
    const good = readFileSync(manifest, "utf8");
    const cases: [() => void, RegExp][] = [
      [() => rmSync(manifest), /holds no run of the design yet .*migsim run scenarios\/baseline.yaml --design .*design.csv --out .*runs --seed 5 --replicates 2 --scale 0.01/],
      [() => writeFileSync(manifest, good.replace('"complete":true', '"complete":false')), /incomplete .*migsim run --resume/],
      [() => writeFileSync(manifest, good.replace(f.plan.design.sha256, "0".repeat(64))), /is not the run of .*sensitivity.json: its design/],
      [() => writeFileSync(manifest, good.replace('"replicates":2', '"replicates":3')), /it ran 3 replicates per point, the plan 2/],
      [() => writeFileSync(manifest, good.replace('"shard":null', '"shard":{"index":0,"count":2}')), /shard 0\/2 .*merge/],
      [() => writeFileSync(manifest, good.replace('"scale":0.01', '"scale":0.5')), /it ran with seed 5, scale 0\.5, until the end; the plan has seed 5, scale 0\.01/],
      [() => writeFileSync(join(f.dir, "runs", "summary.csv"), "scenario,point\n"), /changed after the run finished/],
    ];
    for (const [damage, message] of cases) {
      damage();
      const r = await runCli("sensitivity", "--analyse", f.dir);
      expectUserError(r);
      expect(r.stderr).toMatch(message);
      writeFileSync(manifest, good);
    }
    await expect(analyseSensitivity(f.dir, f.plan)).rejects.toThrow(UserError);
    // A plan whose design would be rebuilt otherwise (here: other Morris levels, as an edit of sensitivity.json would) cannot pair the runs with their points.
    await expect(analyseSensitivity(f.dir, { ...f.plan, levels: 6 })).rejects.toThrow(/The design rebuilt from sensitivity\.json .* is not the one its design\.csv was made from/);
  });

  it("--analyse of a folder without a plan, or with flags of a new analysis: exit 2", async () => {
    expectUserError(await runCli("sensitivity", "--analyse", join(tmp, "nowhere")));
    const r = await runCli("sensitivity", "--analyse", tmp, "--method", "sobol", "--seed", "2");
    expectUserError(r);
    expect(r.stderr).toMatch(/takes no --method, --seed/);
  });

  it("migsim sensitivity --analyse DIR prints the table on stdout and writes the files", async () => {
    const f = folder("cli", { metrics: ["abscond_total"] }, (_, x) => linear(x));
    const r = await runCli("sensitivity", "--analyse", f.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Morris \(6 trajectories, 4 levels\): 24 points x 2 replicate\(s\) x 1 scenario\(s\); output: baseline \(summary.csv mean\)\n\nabscond_total: /);
    expect(r.stderr).toMatch(/indices written to .*sensitivity.csv and .*sensitivity.svg/);
  });
});
