// Saltelli's design and the Sobol' index estimators (src/sensitivity/sobol.ts) on functions whose
// indices are known: the Ishigami function (analytical indices in ./functions.ts, with their
// sources) and a linear model with independent uniform inputs, whose indices are exact:
// S_i = ST_i = a_i^2 / sum_j a_j^2 (no interactions, Var(a_i x_i) = a_i^2 / 12). Every sample
// comes from a seeded Alea stream, so each test is deterministic; the statistical tolerances are
// ones a correct estimator meets for any seed with high probability, derived beside each assertion.

import { describe, expect, it } from "vitest";
import { type SobolIndices, saltelliDesign, saltelliRow, sobolIndices } from "../../src/sensitivity/index.js";
import { ishigami, ishigamiIndices, linear } from "./functions.js";

describe("saltelliDesign", () => {
  it("lays out A, A_B^(i) (A with column i from B) and B for each base row, N (k + 2) rows in [0, 1)", () => {
    const k = 4;
    const n = 50;
    const d = saltelliDesign(k, { n, seed: 1 });
    expect(d.rows).toBe(n * (k + 2));
    expect(d.points.length).toBe(d.rows * k);
    const at = (row: number, i: number): number => d.points[row * k + i]!;
    for (let j = 0; j < n; j++) {
      const a = saltelliRow(k, j, 0);
      const b = saltelliRow(k, j, k + 1);
      for (let i = 0; i < k; i++) {
        const ab = saltelliRow(k, j, 1 + i);
        for (let c = 0; c < k; c++) expect(at(ab, c)).toBe(c === i ? at(b, c) : at(a, c));
        expect(at(a, i)).not.toBe(at(b, i)); // A and B are independent draws
      }
    }
    for (const v of d.points) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it("is uniform: each coordinate's mean is within 4 standard errors of 1/2", () => {
    const k = 3;
    const n = 2000;
    const d = saltelliDesign(k, { n, seed: 7 });
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d.points[saltelliRow(k, j, 0) * k + i]! + d.points[saltelliRow(k, j, k + 1) * k + i]!;
      // 2N independent U(0, 1) values: sd 1 / sqrt(12 * 2N).
      expect(Math.abs(s / (2 * n) - 0.5)).toBeLessThan(4 / Math.sqrt(12 * 2 * n));
    }
  });

  it("same seed, same design; another seed, another; N base rows are a prefix of N' > N", () => {
    const d1 = saltelliDesign(3, { n: 100, seed: 5 });
    expect(saltelliDesign(3, { n: 100, seed: 5 }).points).toEqual(d1.points);
    expect(saltelliDesign(3, { n: 100, seed: "5" }).points).toEqual(d1.points); // a number and its string are one seed
    expect(saltelliDesign(3, { n: 100, seed: 6 }).points).not.toEqual(d1.points);
    expect(saltelliDesign(3, { n: 250, seed: 5 }).points.subarray(0, d1.points.length)).toEqual(d1.points);
  });

  it("rejects a bad k or N", () => {
    expect(() => saltelliDesign(0, { n: 10, seed: 1 })).toThrow(RangeError);
    expect(() => saltelliDesign(2, { n: 1, seed: 1 })).toThrow(RangeError);
    expect(() => saltelliDesign(2.5, { n: 10, seed: 1 })).toThrow(RangeError);
  });
});

/** The indices of one output of `f` over a fresh design. */
function run(k: number, n: number, seed: number, f: (points: Float64Array) => Float64Array, resamples = 1000): SobolIndices {
  const d = saltelliDesign(k, { n, seed });
  return sobolIndices(d, [f(d.points)], { seed, resamples })[0]!;
}

describe("sobolIndices on the Ishigami function (a = 7, b = 0.1)", () => {
  const truth = ishigamiIndices();
  // N = 2^12: 20,480 runs, 1000 bootstrap resamples; about 0.1 s.
  const r = run(3, 4096, 1, ishigami);

  it("uses the literature's indices: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)", () => {
    expect(truth.s1.map((v) => v.toFixed(4))).toEqual(["0.3139", "0.4424", "0.0000"]);
    expect(truth.st.map((v) => v.toFixed(4))).toEqual(["0.5576", "0.4424", "0.2437"]);
  });

  it("recovers every index within its bootstrap interval's reach", () => {
    // The 95% percentile interval's half-width h is about 1.96 standard errors, so |estimate -
    // truth| <= 2h is about 4 standard errors: a correct estimator fails it with probability about
    // 1e-4 per index for any seed. (Measured over 60 seeds at N = 1024: the intervals covered the
    // truth 94% of the time, and the largest |error| was 1.6 h.)
    for (const [name, est, lo, hi, exact] of [
      ["S", r.s1, r.s1Low, r.s1High, truth.s1],
      ["ST", r.st, r.stLow, r.stHigh, truth.st],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const h = (hi[i]! - lo[i]!) / 2;
        expect(lo[i]!, `${name}${i + 1} interval`).toBeLessThanOrEqual(est[i]!);
        expect(hi[i]!, `${name}${i + 1} interval`).toBeGreaterThanOrEqual(est[i]!);
        expect(Math.abs(est[i]! - exact[i]!), `${name}${i + 1}: ${est[i]} [${lo[i]}, ${hi[i]}] vs ${exact[i]}`).toBeLessThanOrEqual(2 * h);
        // The intervals are informative at this N (measured half-widths 0.01 to 0.045).
        expect(h, `${name}${i + 1} half-width`).toBeLessThan(0.08);
        expect(h).toBeGreaterThan(0);
      }
    }
  });

  it("gives the mean a/2 and the variance of the analytical decomposition", () => {
    // E f = a/2 = 3.5 and V = 13.845; sd(f) = 3.72, so the mean of 2N = 8192 values has sd 0.04.
    expect(Math.abs(r.mean - 3.5)).toBeLessThan(0.2);
    const pi4 = Math.PI ** 4;
    const v = 49 / 8 + (0.1 * pi4) / 5 + (0.01 * pi4 * pi4) / 18 + 0.5;
    // f is heavy-tailed in x3: over 100 seeds the relative error of V at 2N = 8192 had sd 1.8%.
    expect(Math.abs(r.variance / v - 1)).toBeLessThan(0.08);
  });

  it("covers the truth most of the time over several seeds (a check of the intervals themselves)", () => {
    // 20 seeds x 6 indices at N = 1024 with 300 resamples: a 95% interval misses about 6 of
    // 120; at least 100 covering (83%) fails a correct procedure with negligible probability
    // (binomial(120, 0.93) gives P(<= 99) about 1e-3).
    const t = ishigamiIndices();
    let covered = 0;
    for (let seed = 11; seed <= 30; seed++) {
      const x = run(3, 1024, seed, ishigami, 300);
      for (let i = 0; i < 3; i++) {
        if (x.s1Low[i]! <= t.s1[i]! && t.s1[i]! <= x.s1High[i]!) covered++;
        if (x.stLow[i]! <= t.st[i]! && t.st[i]! <= x.stHigh[i]!) covered++;
      }
    }
    expect(covered).toBeGreaterThanOrEqual(100);
  });
});

describe("sobolIndices on a linear model y = c + sum a_i x_i, x_i ~ U(0, 1) independent", () => {
  const a = [1, -2, 3, 0.5, 0];
  const total = a.reduce((s, v) => s + v * v, 0);
  const exact = a.map((v) => (v * v) / total); // 0.070, 0.281, 0.632, 0.018, 0
  const n = 4096;
  const r = run(a.length, n, 3, (p) => linear(p, a, 1000));

  it("recovers S_i = ST_i = a_i^2 / sum a_j^2 within the estimators' sampling error", () => {
    // Standard errors at N = 4096, by the delta method with V known (the largest index, a = 3):
    //   S (Saltelli 2010): Var[(f_B - f0)(f_i - f_A)] = a_i^2 [a_i^2 (1/80 + 1/144) + (V - V_i)/6] - V_i^2,
    //     V = sum a_j^2 / 12 = 1.1875, V_i = a_i^2 / 12: sqrt(1.669 / N) / V = 0.017;
    //   ST (Jansen): a_i^2 sqrt(Var[(u - u')^2] / 4 / N) / V with Var[(u - u')^2] = 7/180: 0.012.
    // Measured over 200 seeds: root-mean-square errors at most 0.015 (S) and 0.012 (ST), largest
    // 0.044. Tolerance 0.07, four of the larger standard errors.
    for (let i = 0; i < a.length; i++) {
      expect(Math.abs(r.s1[i]! - exact[i]!), `S${i + 1} = ${r.s1[i]} vs ${exact[i]}`).toBeLessThan(0.07);
      expect(Math.abs(r.st[i]! - exact[i]!), `ST${i + 1} = ${r.st[i]} vs ${exact[i]}`).toBeLessThan(0.07);
      // And within twice the half-width of its bootstrap interval, as for Ishigami.
      expect(Math.abs(r.s1[i]! - exact[i]!)).toBeLessThanOrEqual(r.s1High[i]! - r.s1Low[i]!);
      expect(Math.abs(r.st[i]! - exact[i]!)).toBeLessThanOrEqual(r.stHigh[i]! - r.stLow[i]!);
    }
    // The exact variance sum a_j^2 / 12. Y's kurtosis is 3 - 1.2 sum a^4 / (sum a^2)^2 = 2.42, so
    // the variance of 2N = 8192 values has relative sd sqrt(1.42 / 8192) = 1.3%; 0.06 is 4.6 of them.
    expect(Math.abs(r.variance / (total / 12) - 1)).toBeLessThan(0.06);
  });

  it("gives a factor that the output ignores exactly 0 for both indices, and a 0-width interval", () => {
    // f(A_B^(5)) = f(A) to the bit (0 * x = 0), so every sum over (f_i - f_A) is 0.
    expect(r.s1[4]).toBe(0);
    expect(r.st[4]).toBe(0);
    expect([r.s1Low[4], r.s1High[4], r.stLow[4], r.stHigh[4]]).toEqual([0, 0, 0, 0]);
  });

  it("does not depend on the output's level: adding 10^6 changes no index (the centring)", () => {
    const d = saltelliDesign(a.length, { n: 1024, seed: 4 });
    const [low, high] = sobolIndices(d, [linear(d.points, a, 0), linear(d.points, a, 1e6)], { seed: 4, resamples: 200 });
    for (let i = 0; i < a.length; i++) {
      // f + 10^6 carries about 1e-10 of rounding per value against differences of order 1.
      expect(high!.s1[i]!).toBeCloseTo(low!.s1[i]!, 7);
      expect(high!.st[i]!).toBeCloseTo(low!.st[i]!, 7);
      expect(high!.s1Low[i]!).toBeCloseTo(low!.s1Low[i]!, 7);
      expect(high!.stHigh[i]!).toBeCloseTo(low!.stHigh[i]!, 7);
    }
    expect(high!.mean - low!.mean).toBeCloseTo(1e6, 6);
  });

  it("weights each input by its range once the caller maps [0, 1] onto it: S_i = (a_i w_i)^2 / sum (a_j w_j)^2", () => {
    const lo = [0, 10, -1];
    const hi = [2, 11, 3]; // widths 2, 1, 4
    const b = [1, 1, 1];
    const w2 = [4, 1, 16];
    const x = run(3, 4096, 8, (p) => linear(p, b, 0, lo, hi), 0);
    // Largest index 16/21 = 0.76; by the formulas of the test above with a_i w_i in place of a_i,
    // V = 21/12, its standard errors are 0.019 (S) and 0.014 (ST), so 0.07 is 3.7 of them
    // (measured over 100 seeds: largest error over all six 0.045).
    for (let i = 0; i < 3; i++) expect(Math.abs(x.s1[i]! - w2[i]! / 21)).toBeLessThan(0.07);
    for (let i = 0; i < 3; i++) expect(Math.abs(x.st[i]! - w2[i]! / 21)).toBeLessThan(0.07);
  });
});

describe("sobolIndices: reproducibility and inputs", () => {
  const d = saltelliDesign(3, { n: 512, seed: 1 });
  const y = ishigami(d.points);

  it("same seeds, same estimates and intervals; another bootstrap seed moves only the intervals", () => {
    const r1 = sobolIndices(d, [y], { seed: 9, resamples: 200 })[0]!;
    const r2 = sobolIndices(saltelliDesign(3, { n: 512, seed: 1 }), [ishigami(saltelliDesign(3, { n: 512, seed: 1 }).points)], { seed: 9, resamples: 200 })[0]!;
    expect(r2).toEqual(r1);
    const r3 = sobolIndices(d, [y], { seed: 10, resamples: 200 })[0]!;
    expect(r3.s1).toEqual(r1.s1);
    expect(r3.st).toEqual(r1.st);
    expect(r3.s1Low).not.toEqual(r1.s1Low);
    expect(r3.stHigh).not.toEqual(r1.stHigh);
  });

  it("another design seed gives other estimates", () => {
    const e = saltelliDesign(3, { n: 512, seed: 2 });
    const r1 = sobolIndices(d, [y], { seed: 1, resamples: 0 })[0]!;
    const r2 = sobolIndices(e, [ishigami(e.points)], { seed: 1, resamples: 0 })[0]!;
    expect(r2.s1).not.toEqual(r1.s1);
    expect(r2.st).not.toEqual(r1.st);
  });

  it("gives each output the same result alone as among others (the resamples are shared)", () => {
    const z = linear(d.points, [1, 2, 3]);
    const [both1, both2] = sobolIndices(d, [y, z], { seed: 3, resamples: 100 });
    expect(sobolIndices(d, [y], { seed: 3, resamples: 100 })[0]).toEqual(both1);
    expect(sobolIndices(d, [z], { seed: 3, resamples: 100 })[0]).toEqual(both2);
  });

  it("takes the layout alone, gives NaN intervals without resamples and NaN indices for a constant output", () => {
    const r = sobolIndices({ k: 3, n: 512 }, [y, new Float64Array(d.rows).fill(2)], { seed: 1, resamples: 0 });
    expect(r[0]!.s1).toEqual(sobolIndices(d, [y], { seed: 1, resamples: 0 })[0]!.s1);
    expect(Array.from(r[0]!.s1Low).every(Number.isNaN)).toBe(true);
    expect(r[1]!.variance).toBe(0);
    expect(Array.from(r[1]!.s1).every(Number.isNaN)).toBe(true);
  });

  it("rejects outputs of the wrong length, no outputs, and bad bootstrap options", () => {
    expect(() => sobolIndices(d, [y.subarray(1)], { seed: 1 })).toThrow(/output 0 has 2559 values; the design has 2560 rows/);
    expect(() => sobolIndices(d, [], { seed: 1 })).toThrow(RangeError);
    expect(() => sobolIndices(d, [y], { seed: 1, resamples: -1 })).toThrow(RangeError);
    expect(() => sobolIndices(d, [y], { seed: 1, level: 1 })).toThrow(RangeError);
  });
});
