// `migsim sensitivity`'s plan and design (src/run/sensitivity-plan.ts, issue 18): how a design
// coordinate u in [0, 1] becomes a parameter value (over the documented range, whole numbers with
// equal chances, a posterior's weighted quantiles on a hand-made posterior), that design.csv reads
// back through `migsim run --design`'s reader with the same numbers, that the plan is a function of
// its seed, and the checks of --params, --metrics and --n. Pure: no run, no dist/.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { type NumberParamSpec, PARAMS, type ParamName } from "../../src/model/params.js";
import { readDesign } from "../../src/scenario/design.js";
import { readPosterior } from "../../src/scenario/posterior.js";
import {
  type PlanInput, checkDesignSize, designRows, makePlan, metricNames, paramValue, parseMetrics, parseParams, posteriorMarginal, rangeMarginal,
  readPlan, runArgs, weightedQuantile,
} from "../../src/run/sensitivity-plan.js";
import { morrisDesign } from "../../src/sensitivity/index.js";

const range = (name: ParamName): readonly [number, number] => (PARAMS[name] as NumberParamSpec).range;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "migsim-sens-plan-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Four particles of two parameters, in no order of value, with unequal weights (total 10). */
const POSTERIOR_CSV = [
  "generation,particle,weight,distance,debtCv,abscondBaseHazardPerMonth",
  "3,11,4,0.5,0.6,0.0010",
  "3,12,1,0.4,0.3,0.0012",
  "3,13,2,0.3,0.9,0.0008",
  "3,14,3,0.2,0.45,0.0011",
].join("\n");

const baseInput = (over: Partial<PlanInput> = {}): PlanInput => ({
  method: "morris", params: ["debtCv", "abscondBaseHazardPerMonth", "jobOffersConsidered"], n: 4, levels: 4, seed: 3, bootstrap: 100,
  metrics: ["abscond_total"], scenarios: [{ file: "scenarios/baseline.yaml", name: "baseline" }], replicates: 2, scale: 0.01, until: "2015-12",
  windows: [], posterior: null, ...over,
});

describe("a coordinate over a parameter's range", () => {
  it("maps 0 and 1 to the range's ends and u in between linearly", () => {
    for (const name of ["debtCv", "abscondBaseHazardPerMonth", "abscondTightnessElasticity"] as ParamName[]) {
      const [lo, hi] = range(name);
      const m = rangeMarginal(name);
      expect(paramValue(m, 0)).toBe(lo);
      expect(paramValue(m, 1)).toBe(hi);
      expect(paramValue(m, 0.25)).toBeCloseTo(lo + 0.25 * (hi - lo), 15);
      for (let k = 0; k <= 1000; k++) {
        const v = paramValue(m, k / 1000);
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(hi);
      }
    }
  });

  it("rounds a whole-number parameter so each whole number of its range is equally likely, the ends included", () => {
    for (const name of ["jobOffersConsidered", "careerPlateauJobChanges", "predepartureWaitMonths"] as ParamName[]) {
      const [lo, hi] = range(name);
      expect((PARAMS[name] as NumberParamSpec).integer).toBe(true);
      const m = rangeMarginal(name);
      expect([paramValue(m, 0), paramValue(m, 1)]).toEqual([lo, hi]);
      // u on a fine grid of 1000 (hi - lo + 1) midpoints: every whole number the same number of times.
      const counts = new Map<number, number>();
      const cells = 1000 * (hi - lo + 1);
      for (let k = 0; k < cells; k++) {
        const v = paramValue(m, (k + 0.5) / cells);
        expect(Number.isInteger(v)).toBe(true);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: hi - lo + 1 }, (_, k) => lo + k));
      expect(new Set(counts.values())).toEqual(new Set([1000]));
    }
    // The 4-level Morris grid on [1, 5]: 1, 2, 4, 5.
    const m = rangeMarginal("jobOffersConsidered");
    expect([0, 1 / 3, 2 / 3, 1].map((u) => paramValue(m, u))).toEqual([1, 2, 4, 5]);
  });
});

describe("a coordinate over a posterior's marginal", () => {
  it("is the weighted quantile of the particles' values (the inverse of their weighted distribution function)", () => {
    const path = join(tmp, "posterior.csv");
    writeFileSync(path, POSTERIOR_CSV);
    const m = posteriorMarginal("debtCv", readPosterior(path));
    // Sorted by value: 0.3 (weight 1), 0.45 (3), 0.6 (4), 0.9 (2): cumulative 1, 4, 8, 10 of 10.
    expect(m.over).toBe("posterior");
    const at = (u: number): number => paramValue(m, u);
    expect([at(0), at(0.05), at(0.1), at(0.1000001), at(0.4), at(0.41), at(0.8), at(0.81), at(0.99), at(1)]).toEqual([0.3, 0.3, 0.3, 0.45, 0.45, 0.6, 0.6, 0.9, 0.9, 0.9]);
    // A uniform u takes each value with its weight's share.
    const counts = new Map<number, number>();
    for (let k = 0; k < 10000; k++) counts.set(at((k + 0.5) / 10000), (counts.get(at((k + 0.5) / 10000)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 0.3: 1000, 0.45: 3000, 0.6: 4000, 0.9: 2000 });
    const h = posteriorMarginal("abscondBaseHazardPerMonth", readPosterior(path));
    // Sorted: 0.0008 (weight 2), 0.0010 (4), 0.0011 (3), 0.0012 (1): cumulative 2, 6, 9, 10.
    expect([0, 0.2, 0.21, 0.6, 0.61, 0.9, 0.91, 1].map((u) => paramValue(h, u))).toEqual([0.0008, 0.0008, 0.001, 0.001, 0.0011, 0.0011, 0.0012, 0.0012]);
  });

  it("weightedQuantile: one particle, and ties of value", () => {
    expect(weightedQuantile(new Float64Array([2]), new Float64Array([5]), 0.7)).toBe(2);
    expect(weightedQuantile(new Float64Array([1, 1, 3]), new Float64Array([1, 2, 4]), 0.5)).toBe(1);
    expect(weightedQuantile(new Float64Array([1, 1, 3]), new Float64Array([1, 2, 4]), 0.51)).toBe(3);
  });

  it("the plan varies the posterior's parameters over it and the others over their ranges, and says the correlations are lost", () => {
    const path = join(tmp, "posterior.csv");
    writeFileSync(path, POSTERIOR_CSV);
    const { plan, design } = makePlan(baseInput({ posterior: readPosterior(path), params: ["debtCv", "abscondTightnessElasticity"] }), tmp);
    expect(plan.params).toEqual([{ name: "debtCv", range: "posterior" }, { name: "abscondTightnessElasticity", range: [...range("abscondTightnessElasticity")] }]);
    expect(plan.posterior).toMatchObject({ file: path, params: ["debtCv"] });
    expect(plan.posterior!.note).toMatch(/correlations are not kept/);
    const unit = morrisDesign(2, { trajectories: 4, levels: 4, seed: 3 });
    const q = (u: number): number => (u <= 0.1 ? 0.3 : u <= 0.4 ? 0.45 : u <= 0.8 ? 0.6 : 0.9);
    // Morris level l of 4 (u = l / 3) maps to the centre of the l-th of 4 equal-probability bins,
    // Q((l + 1/2) / 4): never the extreme particles (0.3 here has 10% of the weight, 0.9 20%).
    const binCentre = (u: number): number => (Math.round(u * 3) + 0.5) / 4;
    expect(new Set(design.points.map((row) => row[0]))).toEqual(new Set([0.45, 0.6, 0.9]));
    design.points.forEach((row, r) => {
      expect(row[0]).toBe(q(binCentre(unit.points[2 * r]!)));
      const [lo, hi] = range("abscondTightnessElasticity");
      expect(row[1]).toBeCloseTo(lo + unit.points[2 * r + 1]! * (hi - lo), 12);
    });
  });
});

describe("the design and the plan", () => {
  it("design.csv reads back through migsim run --design's reader with the very same numbers, row p as point p", () => {
    for (const method of ["morris", "sobol"] as const) {
      const { plan, designText, design } = makePlan(baseInput({ method, n: method === "morris" ? 5 : 8, levels: method === "morris" ? 4 : null }), tmp);
      expect(plan.points).toBe(designRows(method, plan.n, 3));
      expect(design.points).toHaveLength(plan.points);
      const path = join(tmp, `design-${method}.csv`);
      writeFileSync(path, designText);
      const read = readDesign(path);
      expect(read.params).toEqual(["debtCv", "abscondBaseHazardPerMonth", "jobOffersConsidered"]);
      expect(read.points).toEqual(design.points);
      expect(read.sha256).toBe(plan.design.sha256);
      for (const row of design.points) expect(Number.isInteger(row[2])).toBe(true);
    }
  });

  it("is a function of the seed: the same seed gives the same bytes, another seed another design", () => {
    const a = makePlan(baseInput(), tmp);
    const b = makePlan(baseInput(), tmp);
    const c = makePlan(baseInput({ seed: 4 }), tmp);
    expect(b.designText).toBe(a.designText);
    expect(b.plan).toEqual(a.plan);
    expect(c.designText).not.toBe(a.designText);
  });

  it("records what the brief asks and reads back what it wrote; an edited plan is refused", () => {
    const { plan } = makePlan(baseInput({ windows: [{ from: "2015-01", to: "2015-06" }] }), tmp);
    expect(plan).toMatchObject({
      method: "morris", n: 4, levels: 4, points: 16, seed: 3, bootstrap: 100, metrics: ["abscond_total"], replicates: 2, scale: 0.01, until: "2015-12",
      windows: ["2015-01..2015-06"], posterior: null, runs: "runs", design: { file: "design.csv" },
    });
    expect(plan.params[0]).toEqual({ name: "debtCv", range: [...range("debtCv")] });
    const dir = join(tmp, "plan");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(join(dir, "sensitivity.json"), JSON.stringify(plan));
    expect(readPlan(dir)).toEqual(plan);
    writeFileSync(join(dir, "sensitivity.json"), JSON.stringify({ ...plan, points: 17 }));
    expect(() => readPlan(dir)).toThrow(/points \(17\)/);
    writeFileSync(join(dir, "sensitivity.json"), JSON.stringify({ ...plan, method: "fast" }));
    expect(() => readPlan(dir)).toThrow(/method: expected morris or sobol/);
    expect(runArgs(plan, dir)).toEqual([
      "scenarios/baseline.yaml", "--design", join(dir, "design.csv"), "--out", join(dir, "runs"), "--seed", "3", "--replicates", "2", "--scale", "0.01",
      "--until", "2015-12", "--window", "2015-01..2015-06",
    ]);
    const two = makePlan(baseInput({ scenarios: [{ file: "a.yaml", name: "a" }, { file: "b.yaml", name: "b" }] }), tmp).plan;
    expect(runArgs(two, dir).slice(-2)).toEqual(["--reference", "a"]);
  });
});

describe("checks of the command's choices", () => {
  const calibrated = ["debtCv", "abscondBaseHazardPerMonth"] as ParamName[];

  it("--params: names, or calibrated; unknown, flag, repeated and empty refused", () => {
    expect(parseParams(" debtCv , abscondTightnessElasticity", calibrated)).toEqual(["debtCv", "abscondTightnessElasticity"]);
    expect(parseParams("calibrated", calibrated)).toEqual(calibrated);
    expect(() => parseParams("debtCV", calibrated)).toThrow(/"debtCV" is not a parameter \(did you mean "debtCv"\?\)/);
    expect(() => parseParams("esdActive", calibrated)).toThrow(/esdActive is a flag/);
    expect(() => parseParams("debtCv,debtCv", calibrated)).toThrow(/names debtCv more than once/);
    expect(() => parseParams(",", calibrated)).toThrow(UserError);
  });

  it("--metrics: the names summary.csv will hold for every scenario's months, windows included", () => {
    const period = { name: "baseline", start: "2014-01", end: "2016-06" };
    const names = metricNames(period, [{ from: "2015-01", to: "2015-12" }]);
    expect(names).toContain("stock_TI_2015-12");
    expect(names).toContain("stock_SSW1_2016-06"); // the last month
    expect(names).not.toContain("stock_TI_2020-12");
    for (const m of ["abscond_total", "ti_to_ssw1_total", "job_change_share", "median_months_in_japan_at_exit", "abscond_2015-01_2015-12", "abscond_per_1000_ti_years_2015-01_2015-12"]) expect(names).toContain(m);
    expect(parseMetrics("abscond_total, stock_TI_2015-12", [period], [])).toEqual(["abscond_total", "stock_TI_2015-12"]);
    expect(() => parseMetrics("abscond_totl", [period], [])).toThrow(/did you mean "abscond_total"/);
    expect(() => parseMetrics("abscond_2015-01_2015-12", [period], [])).toThrow(/needs its --window/);
    expect(() => parseMetrics("stock_TI_2020-12", [period], [])).toThrow(/not a metric of summary.csv/);
    expect(() => parseMetrics("stock_TI_2016-06", [period, { name: "short", start: "2014-01", end: "2015-12" }], [])).toThrow(/written for scenario "baseline" but not for "short"/);
    expect(() => parseMetrics("abscond_total,abscond_total", [period], [])).toThrow(/more than once/);
  });

  it("--n: Morris at least 2 trajectories, Sobol at least 8 base rows, at most 100,000 points", () => {
    expect(checkDesignSize("morris", 2, 3)).toBe(8);
    expect(checkDesignSize("sobol", 8, 3)).toBe(40);
    expect(() => checkDesignSize("morris", 1, 3)).toThrow(/from 2/);
    expect(() => checkDesignSize("sobol", 7, 3)).toThrow(/from 8/);
    expect(() => checkDesignSize("sobol", 2.5, 3)).toThrow(UserError);
    expect(() => checkDesignSize("sobol", 40000, 1)).toThrow(/more than the 100000/);
  });
});
