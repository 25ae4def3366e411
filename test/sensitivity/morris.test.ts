// Morris's design and elementary effects (src/sensitivity/morris.ts) on functions whose effects
// are known. A linear function's elementary effects are constant, so mu* = |a_i| (hi_i - lo_i)
// exactly and sigma = 0. On the default 4-level grid (u in {0, 1/3, 2/3, 1}, delta = 2/3) the
// Ishigami function's effects can be worked out by hand (below). Every design is seeded, so each
// test is deterministic; the statistical tolerances are stated beside the assertions.

import { describe, expect, it } from "vitest";
import { morrisDesign, morrisIndices } from "../../src/sensitivity/index.js";
import { ISHIGAMI_A, ISHIGAMI_B, ishigami, linear } from "./functions.js";

describe("morrisDesign", () => {
  it("builds r trajectories of k + 1 grid points, each step moving one factor by +-delta, each factor once", () => {
    for (const levels of [4, 6, 2]) {
      const k = 5;
      const r = 40;
      const d = morrisDesign(k, { trajectories: r, levels, seed: 1 });
      const delta = levels / (2 * (levels - 1));
      expect([d.rows, d.points.length, d.order.length, d.levels, d.delta]).toEqual([r * (k + 1), r * (k + 1) * k, r * k, levels, delta]);
      for (const v of d.points) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(Math.round(v * (levels - 1)) / (levels - 1)).toBe(v); // exactly on the grid
      }
      for (let t = 0; t < r; t++) {
        const moved = new Set<number>();
        for (let s = 0; s < k; s++) {
          const a = t * (k + 1) + s;
          const i = d.order[t * k + s]!;
          moved.add(i);
          for (let c = 0; c < k; c++) {
            const step = d.points[(a + 1) * k + c]! - d.points[a * k + c]!;
            if (c === i) expect(Math.abs(Math.abs(step) - delta)).toBeLessThan(1e-15);
            else expect(step).toBe(0);
          }
        }
        expect(moved.size).toBe(k);
      }
    }
  });

  it("uses the default p = 4, delta = 2/3, and visits each level equally often", () => {
    const k = 3;
    const r = 2000;
    const d = morrisDesign(k, { trajectories: r, seed: 2 });
    expect([d.levels, d.delta]).toEqual([4, 2 / 3]);
    for (let i = 0; i < k; i++) {
      const count = [0, 0, 0, 0];
      for (let row = 0; row < d.rows; row++) count[Math.round(d.points[row * k + i]! * 3)]!++;
      // Expected share 1/4 each. A trajectory's k + 1 values are dependent, so count trajectories
      // as the independent units: the share's sd is at most 0.5 / sqrt(r) = 0.011; 0.045 is 4 of it.
      for (const c of count) expect(Math.abs(c / d.rows - 0.25)).toBeLessThan(0.045);
    }
  });

  it("same seed, same design; another seed, another; r trajectories are a prefix of r' > r", () => {
    const d = morrisDesign(4, { trajectories: 10, seed: 3 });
    expect(morrisDesign(4, { trajectories: 10, seed: 3 })).toEqual(d);
    const e = morrisDesign(4, { trajectories: 10, seed: 4 });
    expect(e.points).not.toEqual(d.points);
    const longer = morrisDesign(4, { trajectories: 25, seed: 3 });
    expect(longer.points.subarray(0, d.points.length)).toEqual(d.points);
    expect(longer.order.subarray(0, d.order.length)).toEqual(d.order);
  });

  it("rejects a bad k, r or p (p must be even)", () => {
    expect(() => morrisDesign(0, { trajectories: 5, seed: 1 })).toThrow(RangeError);
    expect(() => morrisDesign(3, { trajectories: 0, seed: 1 })).toThrow(RangeError);
    expect(() => morrisDesign(3, { trajectories: 5, levels: 5, seed: 1 })).toThrow(/even/);
  });
});

describe("morrisIndices on a linear model y = c + sum a_i x_i, x_i = lo_i + u_i (hi_i - lo_i)", () => {
  const a = [2, -3, 0.5, 0];
  const lo = [0, -1, 100, 5];
  const hi = [1, 3, 110, 6];
  const d = morrisDesign(a.length, { trajectories: 30, seed: 1 });
  const [m] = morrisIndices(d, [linear(d.points, a, 7, lo, hi)], { seed: 1, resamples: 200 });

  it("gives mu = a_i x range, mu* = |a_i| x range and sigma = 0 (constant effects), to rounding", () => {
    for (let i = 0; i < a.length; i++) {
      const effect = a[i]! * (hi[i]! - lo[i]!);
      // Outputs of order 60 carry rounding of about 1e-14; the effects divide it by delta = 2/3.
      expect(m!.mu[i]!).toBeCloseTo(effect, 10);
      expect(m!.muStar[i]!).toBeCloseTo(Math.abs(effect), 10);
      expect(m!.sigma[i]!).toBeLessThan(1e-10);
      for (let t = 0; t < d.trajectories; t++) expect(m!.effects[t * a.length + i]!).toBeCloseTo(effect, 10);
      // Every resample has the same mean: a zero-width interval at mu*.
      expect(m!.muStarLow[i]!).toBeCloseTo(Math.abs(effect), 10);
      expect(m!.muStarHigh[i]!).toBeCloseTo(Math.abs(effect), 10);
    }
    expect(m!.muStar[3]).toBe(0); // an ignored factor: its steps change no bit of the output
  });
});

describe("morrisIndices on the Ishigami function (a = 7, b = 0.1), p = 4", () => {
  // On the grid u in {0, 1/3, 2/3, 1}, x = -pi + 2 pi u in {-pi, -pi/3, pi/3, pi}, and a step of
  // delta = 2/3 joins -pi with pi/3 or -pi/3 with pi. So, per step (divided by delta):
  //   x1: sin x1 rises by sqrt(3)/2 on both kinds of step: EE1 = 1.5 (sqrt 3 / 2)(1 + b x3^4) > 0,
  //       with x3^4 = pi^4 or pi^4 / 81 equally likely: E EE1 = 7.704, sd 6.246;
  //   x2: a sin^2 x2 changes by +-3a/4: |EE2| = 1.5 * 3a/4 = 7.875 always;
  //   x3: b x3^4 sin x1 changes by +-b (80/81) pi^4 sin x1, with sin x1 = 0 (x1 = +-pi) or
  //       +-sqrt(3)/2 equally likely, and both signs equally likely: E EE3 = 0,
  //       E|EE3| = 0.5 * 1.5 b (80/81) pi^4 sqrt(3)/2 = 6.249, sd of |EE3| 6.249, sd of EE3 8.837.
  // x3 acts only through its interaction with x1: its mean effect vanishes, its mu* and sigma do not.
  const r = 200;
  const d = morrisDesign(3, { trajectories: r, seed: 1 });
  const [m] = morrisIndices(d, [ishigami(d.points)], { seed: 1 });
  const pi4 = Math.PI ** 4;
  const ee3 = 1.5 * ISHIGAMI_B * (80 / 81) * pi4 * (Math.sqrt(3) / 2);
  const se = (sd: number): number => sd / Math.sqrt(r);

  it("ranks x3 as interacting: sigma > 0 and mu small against mu*", () => {
    expect(m!.sigma[2]!).toBeGreaterThan(0.5 * m!.muStar[2]!);
    // mu3 has expectation 0 and standard error 8.837 / sqrt(200) = 0.62; mu*3 is near 6.25, so
    // |mu3| < mu*3 / 2 leaves five standard errors.
    expect(Math.abs(m!.mu[2]!)).toBeLessThan(0.5 * m!.muStar[2]!);
    // mu*3 and mu3 against their expectations, within 4 standard errors.
    expect(Math.abs(m!.muStar[2]! - 0.5 * ee3)).toBeLessThan(4 * se(0.5 * ee3));
    expect(Math.abs(m!.mu[2]!)).toBeLessThan(4 * se(ee3 / Math.SQRT2));
    // Effects of both signs, and zeros where x1 = +-pi.
    const e3 = Array.from({ length: r }, (_, t) => m!.effects[t * 3 + 2]!);
    expect(e3.some((e) => e > 1)).toBe(true);
    expect(e3.some((e) => e < -1)).toBe(true);
    expect(e3.some((e) => Math.abs(e) < 1e-10)).toBe(true);
  });

  it("finds x1 monotonic on the grid (mu = mu*) and x2's effects of one size, 3a/4 / delta = 7.875", () => {
    expect(m!.mu[0]).toBe(m!.muStar[0]);
    const ee1 = 1.5 * (Math.sqrt(3) / 2) * (1 + (ISHIGAMI_B * pi4 * (1 + 1 / 81)) / 2);
    expect(Math.abs(m!.muStar[0]! - ee1)).toBeLessThan(4 * se(6.246));
    expect(m!.muStar[1]!).toBeCloseTo((1.5 * 3 * ISHIGAMI_A) / 4, 10);
    for (let i = 0; i < 3; i++) {
      expect(m!.muStarLow[i]!).toBeLessThanOrEqual(m!.muStar[i]!);
      expect(m!.muStarHigh[i]!).toBeGreaterThanOrEqual(m!.muStar[i]!);
    }
  });

  it("same seeds, same measures; another design seed, other measures; another bootstrap seed moves only the interval", () => {
    const again = morrisDesign(3, { trajectories: r, seed: 1 });
    expect(morrisIndices(again, [ishigami(again.points)], { seed: 1 })).toEqual([m]);
    const other = morrisDesign(3, { trajectories: r, seed: 2 });
    const [o] = morrisIndices(other, [ishigami(other.points)], { seed: 1 });
    expect(o!.muStar[0]).not.toBe(m!.muStar[0]);
    const [b] = morrisIndices(d, [ishigami(d.points)], { seed: 2 });
    expect(b!.muStar).toEqual(m!.muStar);
    expect(b!.muStarLow).not.toEqual(m!.muStarLow);
  });
});

describe("morrisIndices: inputs", () => {
  const d = morrisDesign(2, { trajectories: 1, seed: 1 });
  it("gives NaN sigma with one trajectory, NaN intervals with no resamples, and rejects outputs of the wrong length", () => {
    const [m] = morrisIndices(d, [linear(d.points, [1, 2])], { seed: 1, resamples: 0 });
    expect(Array.from(m!.sigma).every(Number.isNaN)).toBe(true);
    expect(Array.from(m!.muStarLow).every(Number.isNaN)).toBe(true);
    expect(m!.muStar[1]!).toBeCloseTo(2, 12);
    expect(() => morrisIndices(d, [new Float64Array(2)], { seed: 1 })).toThrow(/has 2 values; the design has 3 rows/);
  });
});
