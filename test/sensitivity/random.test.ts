// The bootstrap helpers of src/sensitivity/random.ts: quantiles and percentile intervals.

import { describe, expect, it } from "vitest";
import { percentileInterval, quantileSorted } from "../../src/sensitivity/index.js";
import { resampleIndices, sensitivityStream } from "../../src/sensitivity/random.js";

describe("quantileSorted (type 7)", () => {
  it("interpolates between order statistics like R's quantile() and numpy's default", () => {
    const x = Float64Array.from([1, 2, 3, 4, 10]);
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(10);
    expect(quantileSorted(x, 0.5)).toBe(3);
    expect(quantileSorted(x, 0.9)).toBeCloseTo(7.6, 12); // h = 3.6: 4 + 0.6 * 6
    expect(quantileSorted(x, 0.025)).toBeCloseTo(1.1, 12); // h = 0.1
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
  });
});

describe("percentileInterval", () => {
  it("gives the 2.5% and 97.5% quantiles of 0..100 at level 0.95, sorting in place", () => {
    const x = Float64Array.from({ length: 101 }, (_, i) => 100 - i);
    const [lo, hi] = percentileInterval(x, 0.95);
    expect(lo).toBeCloseTo(2.5, 12);
    expect(hi).toBeCloseTo(97.5, 12);
    expect(x[0]).toBe(0);
  });

  it("is NaN when a replicate is NaN or there are none", () => {
    expect(percentileInterval(Float64Array.from([1, Number.NaN, 2]), 0.95)).toEqual([Number.NaN, Number.NaN]);
    expect(percentileInterval(new Float64Array(0), 0.95)).toEqual([Number.NaN, Number.NaN]);
  });
});

describe("resampleIndices", () => {
  it("draws indices in 0..n-1, each about equally often, the same from the same seed", () => {
    const out = new Int32Array(10_000);
    resampleIndices(sensitivityStream("bootstrap", 1), out);
    const count = new Array<number>(10_000).fill(0);
    for (const j of out) count[j]!++;
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThan(10_000);
    // About n (1 - 1/e) = 6321 distinct values; binomial sd about 30.
    const distinct = count.filter((c) => c > 0).length;
    expect(Math.abs(distinct - 6321)).toBeLessThan(200);
    const again = new Int32Array(10_000);
    resampleIndices(sensitivityStream("bootstrap", 1), again);
    expect(again).toEqual(out);
  });
});
