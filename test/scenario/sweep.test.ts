// Sweeps: checkSweep counts a sweep's points and refuses what cannot run, before any point is
// made (so a step of 1e-12 is a clear error, not "Invalid array length"); expandSweep makes
// the points, the same as before the checks moved (issue 20).

import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import type { SweepSpec } from "../../src/scenario/load.js";
import { MAX_SWEEP_POINTS, checkSweep, expandSweep } from "../../src/scenario/sweep.js";

const WHERE = "Scenario s.yaml";

describe("checkSweep refuses a sweep that cannot run", () => {
  it.each<{ name: string; spec: SweepSpec; error: RegExp }>([
    { name: "a grid value outside the range", spec: { grid: { feeShareBorneByWorker: [0.5, 2] } }, error: /^Scenario s\.yaml: sweep\.grid\.feeShareBorneByWorker\[1\]: value 2 is outside feeShareBorneByWorker's plausible range \[0, 1\] \(share\)\.$/ },
    { name: "a range reaching outside the range", spec: { grid: { debtCv: { from: 1, to: 2, step: 0.25 } } }, error: /sweep\.grid\.debtCv: value 1\.75 is outside debtCv's plausible range \[0, 1\.5\]/ },
    { name: "from above to", spec: { grid: { debtCv: { from: 0.9, to: 0.1, step: 0.1 } } }, error: /sweep\.grid\.debtCv: the range is empty \(from 0\.9 is above to 0\.1\); expected from <= to\./ },
    { name: "a step of 1e-12", spec: { grid: { debtCv: { from: 0, to: 1, step: 1e-12 } } }, error: /sweep\.grid\.debtCv: from 0 to 1 in steps of 1e-12 is 1000000000001 values, more than the 100000 points a sweep may have; use a larger step\./ },
    { name: "a step of 1e-300", spec: { grid: { debtCv: { from: 0, to: 1, step: 1e-300 } } }, error: /in steps of 1e-300 is [0-9.]+e\+\d+ values, more than the 100000/ },
    { name: "a step of 5e-324 (an infinite count)", spec: { grid: { debtCv: { from: 0, to: 1, step: 5e-324 } } }, error: /in steps of 5e-324 is infinitely many values, more than the 100000/ },
    { name: "a grid over 100,000 points", spec: { grid: { feeShareBorneByWorker: { from: 0, to: 1, step: 0.001 }, debtCv: { from: 0, to: 1.5, step: 0.01 } } }, error: /sweep: 151 x 1001 = 151151 points, more than the 100000 a sweep may have/ },
    { name: "grid x hypercube over 100,000 points", spec: { grid: { debtCv: [0.1, 0.2, 0.3] }, latinHypercube: { n: 40000, params: { feeShareBorneByWorker: [0, 1] } } }, error: /sweep: 3 x 40000 = 120000 points/ },
    { name: "a hypercube with min == max", spec: { latinHypercube: { n: 4, params: { debtCv: [0.5, 0.5] } } }, error: /sweep\.latinHypercube\.params\.debtCv: expected \[min, max\] with max > min, got \[0\.5, 0\.5\]/ },
    { name: "a hypercube with min > max", spec: { latinHypercube: { n: 4, params: { debtCv: [0.9, 0.5] } } }, error: /max > min, got \[0\.9, 0\.5\]/ },
    { name: "a hypercube bound outside the range", spec: { latinHypercube: { n: 4, params: { debtCv: [0, 3] } } }, error: /sweep\.latinHypercube\.params\.debtCv\[1\]: value 3 is outside/ },
    { name: "a hypercube without parameters", spec: { latinHypercube: { n: 4, params: {} } }, error: /sweep\.latinHypercube\.params: name at least one parameter/ },
    { name: "one parameter in grid and hypercube", spec: { grid: { debtCv: [0.1, 0.2] }, latinHypercube: { n: 4, params: { debtCv: [0.1, 0.5] } } }, error: /sweep: debtCv appears in both grid and latinHypercube/ },
    { name: "a fraction for a whole-number parameter", spec: { grid: { ssw1CapMonths: { from: 36, to: 40, step: 0.5 } } }, error: /ssw1CapMonths takes whole numbers, got 36\.5/ },
  ])("$name", ({ spec, error }) => {
    expect(() => checkSweep(spec, WHERE)).toThrow(UserError);
    expect(() => checkSweep(spec, WHERE)).toThrow(error);
    // expandSweep makes the same check first (it is also reached without validateScenarios).
    expect(() => expandSweep(spec, "s.yaml")).toThrow(error);
  });

  it("refuses a step of 1e-12 at once, without allocating its values", () => {
    const t0 = performance.now();
    expect(() => checkSweep({ grid: { debtCv: { from: 0, to: 1, step: 1e-12 } } }, WHERE)).toThrow(/use a larger step/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("checkSweep counts the points a sweep has", () => {
  it.each<{ name: string; spec: SweepSpec | undefined; points: number }>([
    { name: "no sweep", spec: undefined, points: 1 },
    { name: "a list", spec: { grid: { debtCv: [0.1, 0.2, 0.3] } }, points: 3 },
    { name: "a range, both ends included", spec: { grid: { debtCv: { from: 0, to: 1.5, step: 0.1 } } }, points: 16 },
    { name: "a range of one value (from == to)", spec: { grid: { debtCv: { from: 0.5, to: 0.5, step: 0.1 } } }, points: 1 },
    { name: "grid x grid x hypercube", spec: { grid: { debtCv: [0.1, 0.2], feeShareBorneByWorker: [0, 0.5, 1] }, latinHypercube: { n: 5, params: { abscondTightnessElasticity: [0, 4] } } }, points: 30 },
    { name: "exactly the cap", spec: { latinHypercube: { n: MAX_SWEEP_POINTS, params: { debtCv: [0, 1] } } }, points: MAX_SWEEP_POINTS },
  ])("$name: $points", ({ spec, points }) => {
    expect(checkSweep(spec, WHERE)).toBe(points);
    expect(expandSweep(spec, "s.yaml").points).toHaveLength(points);
  });
});

describe("expandSweep", () => {
  it("gives the points it gave before the checks moved into checkSweep (grid first, then the hypercube, each sorted)", () => {
    // Values from the implementation of commit 66cc613: a sweep's points decide a run's bytes.
    const sw = expandSweep(
      { grid: { ssw1CapMonths: { from: 36, to: 120, step: 12 } }, latinHypercube: { n: 7, seed: 5, params: { debtCv: [0, 1], careerPlateauJobChanges: [1, 8], abscondTightnessElasticity: [0, 4] } } },
      "s.yaml",
    );
    expect(sw.names).toEqual(["ssw1CapMonths", "abscondTightnessElasticity", "careerPlateauJobChanges", "debtCv"]);
    expect(sw.points).toHaveLength(8 * 7);
    expect(sw.points.slice(0, 2)).toEqual([[36, 0.85248420454, 6, 0.782361244184], [36, 0.210266025205, 8, 0.0330529060614]]);
    expect(sw.points.at(-1)).toEqual([120, 1.75032049617, 1, 0.209342728469]);
  });
});
