// The posterior that ships with the project (data/calibration/posterior.csv, docs/calibration.md):
// it parses, has a column for every calibrated parameter and no other, its weights are a
// distribution, every particle lies in its parameter's prior range, and every calibrated default
// in src/model/params.ts lies within the particles' range (the defaults are the best-fit particle,
// rounded to 4 significant digits): a default changed by hand away from the calibration fails.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { calibratedParams } from "../../src/calibrate/calibrate.js";
import { PARAMS, type ParamName } from "../../src/model/params.js";

const rows = parse(readFileSync("data/calibration/posterior.csv", "utf8"), { columns: true }) as Record<string, string>[];
const META = ["generation", "particle", "weight", "distance"];

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

  it.each(names)("%s: particles inside the prior, the default inside the particles' range", (name) => {
    const spec = PARAMS[name as ParamName] as { default: number; range: readonly [number, number] };
    const v = rows.map((r) => Number(r[name]));
    for (const x of v) {
      expect(x).toBeGreaterThanOrEqual(spec.range[0]);
      expect(x).toBeLessThanOrEqual(spec.range[1]);
    }
    // 4 significant digits of rounding on either side.
    const slack = Math.abs(spec.default) * 5e-4;
    expect(spec.default).toBeGreaterThanOrEqual(Math.min(...v) - slack);
    expect(spec.default).toBeLessThanOrEqual(Math.max(...v) + slack);
  });
});
