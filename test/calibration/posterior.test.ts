// The calibration that ships with the project (data/calibration/, docs/calibration.md): the
// posterior parses, has a column for every calibrated parameter and no other, its weights are a
// distribution and every particle lies in its parameter's prior range; the ABC's best fit
// (abc-best-fit.yaml) lies within the particles' range; and every calibrated default in
// src/model/params.ts is the refined point's value (best-fit.yaml, from `migsim refine`), or its
// start's (refine-start.yaml) where the refinement left a parameter out: a default changed by
// hand away from the calibration fails.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { calibratedParams } from "../../src/calibrate/calibrate.js";
import { PARAMS, type ParamName } from "../../src/model/params.js";
import { loadScenario } from "../../src/scenario/load.js";

const rows = parse(readFileSync("data/calibration/posterior.csv", "utf8"), { columns: true }) as Record<string, string>[];
const META = ["generation", "particle", "weight", "distance"];
const abcBest = (parseYaml(readFileSync("data/calibration/abc-best-fit.yaml", "utf8")) as { params: Record<string, number> }).params;
const refined = (parseYaml(readFileSync("data/calibration/best-fit.yaml", "utf8")) as { params: Record<string, number> }).params;
const start = (parseYaml(readFileSync("data/calibration/refine-start.yaml", "utf8")) as { params: Record<string, number> }).params;

describe("data/calibration/posterior.csv", () => {
  const names = Object.keys(rows[0] ?? {}).filter((c) => !META.includes(c));

  it("has 100 particles of one generation and a column per calibrated parameter", () => {
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.generation)).size).toBe(1);
    expect([...names].sort()).toEqual([...calibratedParams()].sort());
  });

  it("weights are positive and sum to 1; distances are finite", () => {
    const w = rows.map((r) => Number(r.weight));
    for (const x of w) expect(x).toBeGreaterThan(0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const r of rows) expect(Number.isFinite(Number(r.distance))).toBe(true);
  });

  it.each(names)("%s: particles inside the prior, the ABC's best fit inside the particles' range", (name) => {
    const spec = PARAMS[name as ParamName] as { default: number; range: readonly [number, number] };
    const v = rows.map((r) => Number(r[name]));
    for (const x of v) {
      expect(x).toBeGreaterThanOrEqual(spec.range[0]);
      expect(x).toBeLessThanOrEqual(spec.range[1]);
    }
    // The ABC's best fit is one of the particles, rounded to 4 significant digits.
    const best = abcBest[name]!;
    const slack = Math.abs(best) * 5e-4;
    expect(best).toBeGreaterThanOrEqual(Math.min(...v) - slack);
    expect(best).toBeLessThanOrEqual(Math.max(...v) + slack);
  });
});


describe("data/calibration/abc-best-fit.yaml, refine-start.yaml and best-fit.yaml", () => {
  it("the ABC's best fit and the refinement's start set every calibrated parameter; the refinement a subset of them", () => {
    expect(Object.keys(start).sort()).toEqual([...calibratedParams()].sort());
    expect(Object.keys(abcBest).sort()).toEqual([...calibratedParams()].sort());
    for (const n of Object.keys(refined)) expect(calibratedParams()).toContain(n);
  });

  it.each(calibratedParams())("%s: the default is the refined best fit's value (best-fit.yaml, or the start it extends)", (name) => {
    // best-fit.yaml extends refine-start.yaml, which sets every calibrated parameter.
    const s = loadScenario("data/calibration/best-fit.yaml");
    expect(start[name], `${name} in refine-start.yaml`).toBeDefined();
    expect(s.params[name as ParamName]).toBe(refined[name] ?? start[name]);
    expect((PARAMS[name as ParamName] as { default: number }).default).toBe(s.params[name as ParamName]);
  });
});
