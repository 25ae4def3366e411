// ABC-SMC (src/calibrate/abc.ts) on toy problems whose answer is known, run in-process. Every
// simulated draw comes from a seedrandom Alea generator seeded by (problem, generation, candidate
// index), never Math.random, so each test is deterministic; the statistical tolerances are what a
// correct sampler passes for any seed with high probability (4 standard deviations, or a width
// derived in the comment beside the assertion).

import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { type AbcOptions, type AbcResult, type Evaluate, type Prior, abcSmc, effectiveSampleSize, weightedMoments } from "../../src/calibrate/abc.js";

const Z = 4;

/** A generator for candidate `index` of `generation` of a toy problem. */
const candidateRng = (problem: string, generation: number, index: number): (() => number) => seedrandom.alea(`test/abc/${problem}/${generation}/${index}`);

/** An evaluate from a per-candidate distance function (theta, its own generator). */
const evaluator = (problem: string, distance: (theta: Float64Array, u: () => number) => number): Evaluate =>
  async (thetas, generation, first) => thetas.map((th, k) => distance(th, candidateRng(problem, generation, first + k)));

const options = (o: Partial<AbcOptions> = {}): AbcOptions => ({
  particles: 200, generations: 5, quantile: 0.5, minAcceptance: 0, maxSimulations: 1e6, seed: 1, ...o,
});

const last = (r: AbcResult) => r.generations[r.generations.length - 1]!;

/** Weighted mean and sd of f(theta) over a generation. */
function weightedStat(r: AbcResult, f: (th: Float64Array) => number): { mean: number; sd: number } {
  const g = last(r);
  const v = g.thetas.map(f);
  const mean = v.reduce((a, x, k) => a + g.weights[k]! * x, 0);
  const variance = v.reduce((a, x, k) => a + g.weights[k]! * (x - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(variance) };
}

// ---------------------------------------------------------------------------------------------
// (a) A monthly hazard from a count of events.
//
// n = 2000 individuals are followed 12 months with hazard h; each has an event with probability
// p(h) = 1 - exp(-12 h). The "observed" count is one binomial draw at h = 0.03 (its own seeded
// generator); each candidate h simulates its own binomial count; distance = |sim - obs| / obs.
// ---------------------------------------------------------------------------------------------
const N_PEOPLE = 2000;
const TRUE_H = 0.03;
const H_PRIOR: Prior = { names: ["h"], lo: [0], hi: [0.1] };
const eventProb = (h: number): number => 1 - Math.exp(-12 * h);
function binomial(n: number, p: number, u: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (u() < p) k++;
  return k;
}
const OBSERVED = binomial(N_PEOPLE, eventProb(TRUE_H), seedrandom.alea("test/abc/hazard/observed"));
const hazardEvaluate = evaluator("hazard", (th, u) => Math.abs(binomial(N_PEOPLE, eventProb(th[0]!), u) - OBSERVED) / OBSERVED);

describe("ABC-SMC recovers a monthly hazard from simulated event counts", () => {
  it("weighted posterior mean near the true hazard; posterior sd far below the prior's", async () => {
    const r = await abcSmc(H_PRIOR, options({ particles: 200, generations: 5 }), hazardEvaluate);
    expect(r.stop).toBe("generations");
    expect(r.generations).toHaveLength(6);
    const g = last(r);
    const { mean, sd } = weightedStat(r, (th) => th[0]!);

    // Tolerance on |mean - 0.03|, from the delta method. p = 1 - exp(-12 h) = 0.3023 at h = 0.03,
    // dp/dh = 12 exp(-12 h) = 8.37, so one event more or less moves h by 1 / (n dp/dh) = 6.0e-5.
    // (1) The observed count is one binomial draw: sd sqrt(n p (1 - p)) = 20.5 events = 0.00123
    //     in h; the posterior centres on the h that reproduces it, within 4 sd = 0.0049.
    // (2) A kept particle's count is within epsilon x obs of the observed one, so ABC blurs h by
    //     at most epsilon x obs / (n dp/dh) (about 0.001 at the last tolerance, ~0.02).
    // (3) Monte Carlo error of a weighted mean: 4 posterior sd / sqrt(ESS) (about 0.0006).
    // Total about 0.0065; the prior mean 0.05 is 0.02 away, so a sampler that does not move off
    // the prior fails.
    const dpdh = 12 * Math.exp(-12 * TRUE_H);
    const perEvent = 1 / (N_PEOPLE * dpdh);
    const p = eventProb(TRUE_H);
    const observedSdH = Math.sqrt(N_PEOPLE * p * (1 - p)) * perEvent;
    const ess = effectiveSampleSize(g.weights);
    const tolerance = Z * observedSdH + (g.epsilon * OBSERVED) * perEvent + (Z * sd) / Math.sqrt(ess);
    expect(tolerance).toBeLessThan(0.008); // the bound itself is informative (prior range 0.1)
    expect(Math.abs(mean - TRUE_H), `posterior mean ${mean}, tolerance ${tolerance}`).toBeLessThanOrEqual(tolerance);

    // The h that reproduces the observed count exactly; the posterior mean is within (2) + (3)
    // of it (a tighter check that does not depend on the observed draw's luck).
    const hObserved = -Math.log(1 - OBSERVED / N_PEOPLE) / 12;
    expect(Math.abs(mean - hObserved)).toBeLessThanOrEqual((g.epsilon * OBSERVED) * perEvent + (Z * sd) / Math.sqrt(ess));

    // Prior sd: range / sqrt(12) = 0.0289. The ABC posterior's sd is about the simulated count's
    // binomial sd in h (0.0012) widened by the tolerance window, i.e. 0.0015-0.002: at least 8
    // times smaller. It must not collapse either (weights on a few particles): at least half the
    // binomial sd in h.
    const priorSd = (H_PRIOR.hi[0]! - H_PRIOR.lo[0]!) / Math.sqrt(12);
    expect(sd).toBeLessThan(priorSd / 8);
    expect(sd).toBeGreaterThan(observedSdH / 2);
    // Importance weights keep a usable sample: ESS at least a quarter of the particles.
    expect(ess).toBeGreaterThan(200 / 4);
    // Tolerances shrink towards the sampling noise of the count: the last is below 0.1 (60 events).
    expect(g.epsilon).toBeLessThan(0.1);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Only a + b is identified: distance |a + b + noise - 0.8|, a, b ~ U(0, 1).
// ---------------------------------------------------------------------------------------------
describe("a poorly identified parameter stays wide", () => {
  it("the posterior of a + b is tight while a alone spreads along the ridge a + b = 0.8", async () => {
    const prior: Prior = { names: ["a", "b"], lo: [0, 0], hi: [1, 1] };
    // Noise: uniform on +-0.01 (seeded per candidate), so the ridge has some thickness.
    const evaluate = evaluator("ridge", (th, u) => Math.abs(th[0]! + th[1]! + 0.02 * (u() - 0.5) - 0.8));
    const r = await abcSmc(prior, options({ particles: 200, generations: 5, seed: 3 }), evaluate);
    const sum = weightedStat(r, (th) => th[0]! + th[1]!);
    const a = weightedStat(r, (th) => th[0]!);
    // Prior sd of a + b: sqrt(2 / 12) = 0.41. After 5 halvings of the tolerance (the first about
    // 0.3, the median |a + b - 0.8| under the prior) it is at most ~0.02, so the sd of a + b is at
    // most ~0.02 / sqrt(3) + the noise; 0.04 leaves a factor 2.
    expect(sum.sd).toBeLessThan(0.04);
    expect(Math.abs(sum.mean - 0.8)).toBeLessThan(0.04);
    // On the ridge a + b = 0.8 inside the unit box, a is uniform on [0, 0.8]: sd 0.8 / sqrt(12) =
    // 0.231, mean 0.4. a must keep at least half that spread (a collapsed posterior would not),
    // and its mean is within 4 sd / sqrt(ESS) of 0.4 (about 0.09 for an ESS of 100).
    expect(a.sd).toBeGreaterThan(0.231 / 2);
    expect(a.sd).toBeLessThan(0.231 * 1.5);
    expect(Math.abs(a.mean - 0.4)).toBeLessThanOrEqual((Z * 0.231) / Math.sqrt(effectiveSampleSize(last(r).weights)));
  });
});

// ---------------------------------------------------------------------------------------------
// Importance weights: the ABC posterior of a flat likelihood is the prior restricted to where the
// distance is 0, even though the Gaussian kernel proposes more often near the middle.
// ---------------------------------------------------------------------------------------------
describe("importance weights undo the kernel's concentration", () => {
  it("distance 0 on [0.2, 0.6], growing outside: the posterior is U(0.2, 0.6)", async () => {
    const prior: Prior = { names: ["x"], lo: [0], hi: [1] };
    const evaluate = evaluator("flat", (th) => Math.max(0, Math.abs(th[0]! - 0.4) - 0.2));
    const r = await abcSmc(prior, options({ particles: 300, generations: 4, seed: 5 }), evaluate);
    const g = last(r);
    // 40% of the prior has distance 0, so the median of the first generation's distances is 0.05
    // and from generation 2 on the tolerance is exactly 0: only x in [0.2, 0.6] is kept.
    expect(g.epsilon).toBe(0);
    for (const th of g.thetas) {
      expect(th[0]).toBeGreaterThanOrEqual(0.2);
      expect(th[0]).toBeLessThanOrEqual(0.6);
    }
    const x = weightedStat(r, (th) => th[0]!);
    // U(0.2, 0.6): mean 0.4, sd 0.4 / sqrt(12) = 0.1155. Monte Carlo sd of the weighted mean:
    // 0.1155 / sqrt(ESS); of the sd: about sd sqrt((kurtosis - 1) / (4 ESS)) = sd sqrt(0.2 / ESS)
    // (kurtosis of a uniform 1.8). Tolerances: 4 of each.
    const ess = effectiveSampleSize(g.weights);
    const target = 0.4 / Math.sqrt(12);
    expect(Math.abs(x.mean - 0.4)).toBeLessThanOrEqual((Z * target) / Math.sqrt(ess));
    expect(Math.abs(x.sd - target)).toBeLessThanOrEqual(Z * target * Math.sqrt(0.2 / ess));
    // The weights are not uniform here (the kernel proposes the middle more often), and they
    // favour the edges. With the previous particles uniform on [0.2, 0.6] and kernel sd
    // sqrt(2) x 0.1155 = 0.163, the proposal density is 0.78 / 0.4 at 0.4 and 0.49-0.60 / 0.4 in the
    // outer tenths, so the mean weight (1 / density) of the outer quarters is about 1.3 times the
    // inner half's; 1.1 leaves room for sampling noise (uniform weights give exactly 1).
    const outer: number[] = [];
    const inner: number[] = [];
    g.thetas.forEach((th, k) => (Math.abs(th[0]! - 0.4) > 0.1 ? outer : inner).push(g.weights[k]!));
    const avg = (v: number[]): number => v.reduce((s, w) => s + w, 0) / v.length;
    expect(avg(outer) / avg(inner)).toBeGreaterThan(1.1);
  });
});

// ---------------------------------------------------------------------------------------------
// (c) Determinism.
// ---------------------------------------------------------------------------------------------
describe("determinism", () => {
  const prior: Prior = { names: ["a", "b"], lo: [0, -1], hi: [1, 1] };
  const distance = (th: Float64Array, u: () => number): number => Math.abs(th[0]! - 0.3) + Math.abs(th[1]! + 0.2) + 0.05 * u();
  const o = options({ particles: 60, generations: 3 });

  it("the same seed gives identical generations: thetas, weights, distances, epsilons, simulations", async () => {
    const a = await abcSmc(prior, o, evaluator("det", distance));
    const b = await abcSmc(prior, o, evaluator("det", distance));
    expect(a.generations).toHaveLength(4);
    expect(b).toEqual(a);
    // toEqual compares typed arrays element by element; check the bytes too.
    a.generations.forEach((g, i) => {
      const h = b.generations[i]!;
      expect(h.epsilon).toBe(g.epsilon);
      g.thetas.forEach((th, k) => expect(Buffer.from(h.thetas[k]!.buffer)).toEqual(Buffer.from(th.buffer)));
      expect(h.weights).toEqual(g.weights);
      expect(h.distances).toEqual(g.distances);
    });
  });

  it("another seed gives other proposals", async () => {
    const a = await abcSmc(prior, o, evaluator("det", distance));
    const c = await abcSmc(prior, { ...o, seed: 2 }, evaluator("det", distance));
    for (let i = 0; i < a.generations.length; i++) {
      const first = a.generations[i]!.thetas[0]!;
      expect(c.generations[i]!.thetas.some((th) => th[0] === first[0] && th[1] === first[1]), `generation ${i}`).toBe(false);
    }
  });

  it("does not depend on the order in which a batch's simulations finish", async () => {
    const inOrder = await abcSmc(prior, o, evaluator("det", distance));
    // Each candidate finishes after a random delay (0-4 ms, from a seeded generator), so they
    // complete in a shuffled order; the batch still resolves with the distances in candidate order.
    const delays = seedrandom.alea("test/abc/delays");
    const calls: { generation: number; first: number; size: number }[] = [];
    const shuffled: Evaluate = (thetas, generation, first) => {
      calls.push({ generation, first, size: thetas.length });
      const finished: number[] = [];
      return Promise.all(
        thetas.map((th, k) => new Promise<number>((done) => {
          setTimeout(() => {
            finished.push(k);
            done(distance(th, candidateRng("det", generation, first + k)));
          }, Math.floor(delays() * 5));
        })),
      ).then((d) => {
        // The delays really did shuffle the completions (a batch of 60 in order is vanishingly unlikely).
        expect(finished).not.toEqual([...finished].sort((x, y) => x - y));
        return d;
      });
    };
    const r = await abcSmc(prior, o, shuffled);
    expect(r).toEqual(inOrder);
    // Candidate numbering: generation 0 is one batch from 0; later batches of a generation continue
    // where the previous one stopped (firstIndex = 0, N, 2N, ...).
    expect(calls[0]).toEqual({ generation: 0, first: 0, size: 60 });
    for (let k = 1; k < calls.length; k++) {
      const prev = calls[k - 1]!;
      const c = calls[k]!;
      expect(c.size).toBe(60);
      expect(c.first).toBe(c.generation === prev.generation ? prev.first + prev.size : 0);
      expect(c.generation === prev.generation || c.generation === prev.generation + 1).toBe(true);
    }
    expect(calls.length * 60).toBe(r.simulations);
  });
});

// ---------------------------------------------------------------------------------------------
// (d) Invariants and stopping rules.
// ---------------------------------------------------------------------------------------------
describe("invariants", () => {
  const prior: Prior = { names: ["a", "b", "c"], lo: [0, 10, -5], hi: [1, 20, 5] };
  const distance = (th: Float64Array, u: () => number): number =>
    Math.hypot(th[0]! - 0.05, (th[1]! - 19) / 10, (th[2]! - 0) / 10) + 0.02 * u();

  it("weights normalised, tolerances non-increasing, kept distances within tolerance, thetas in the prior's box", async () => {
    const seen: number[] = [];
    const r = await abcSmc(prior, options({ particles: 80, generations: 4 }), evaluator("inv", distance), (g, sims) => {
      seen.push(g.index);
      expect(sims).toBeGreaterThanOrEqual(g.simulations);
    });
    expect(r.stop).toBe("generations");
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(r.simulations).toBe(r.generations.reduce((s, g) => s + g.simulations, 0));
    expect(r.generations[0]!.epsilon).toBe(Infinity);
    expect(r.generations[0]!.simulations).toBe(80);
    let prevEps = Infinity;
    r.generations.forEach((g, i) => {
      expect(g.index).toBe(i);
      expect(g.thetas).toHaveLength(80);
      expect(g.weights).toHaveLength(80);
      expect(g.distances).toHaveLength(80);
      expect(g.simulations).toBeGreaterThanOrEqual(80);
      expect(g.simulations % 80).toBe(0); // whole batches of N
      expect(Math.abs(g.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-12);
      for (const w of g.weights) expect(w).toBeGreaterThan(0);
      expect(g.epsilon).toBeLessThanOrEqual(prevEps);
      prevEps = g.epsilon;
      for (const d of g.distances) expect(d).toBeLessThanOrEqual(g.epsilon);
      for (const th of g.thetas) {
        th.forEach((v, d) => {
          expect(v).toBeGreaterThanOrEqual(prior.lo[d]!);
          expect(v).toBeLessThanOrEqual(prior.hi[d]!);
        });
      }
      if (i > 0) {
        // epsilon is the median of the previous generation's distances.
        const sorted = [...r.generations[i - 1]!.distances].sort((x, y) => x - y);
        expect(g.epsilon).toBeCloseTo((sorted[39]! + sorted[40]!) / 2, 12);
      }
    });
    // a is pinned near 0.05, the lower edge of its range: every particle is still inside [0, 1].
    expect(weightedMoments(last(r).thetas, last(r).weights, 3).mean[0]).toBeLessThan(0.3);
  });

  it("weights are 1 / sum_j W_j K(theta | theta_j), K Gaussian with twice the previous weighted variance, truncated to the box", async () => {
    // Recomputed from the previous generation (Beaumont et al. 2009), independently of abc.ts's
    // loop: a kernel of the wrong width, a mixture over the wrong particles, or a kernel not
    // divided by its mass inside the box (integrated here by Simpson's rule) changes them.
    const massInside = (mean: number, sd: number, lo: number, hi: number): number => {
      const n = 4000;
      const h = (hi - lo) / n;
      const f = (x: number): number => Math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
      let sum = f(lo) + f(hi);
      for (let k = 1; k < n; k++) sum += (k % 2 === 1 ? 4 : 2) * f(lo + k * h);
      return (sum * h) / 3;
    };
    const r = await abcSmc(prior, options({ particles: 80, generations: 3 }), evaluator("inv", distance));
    for (let i = 1; i < r.generations.length; i++) {
      const prev = r.generations[i - 1]!;
      const g = r.generations[i]!;
      const { variance } = weightedMoments(prev.thetas, prev.weights, 3);
      const sd = Array.from(variance, (v) => Math.sqrt(2 * v));
      // The 1e-3-of-range floor on the kernel sd must not be what sets it here.
      sd.forEach((s, d) => expect(s).toBeGreaterThan(1e-3 * (prior.hi[d]! - prior.lo[d]!)));
      const raw = g.thetas.map((th) => {
        let mix = 0;
        prev.thetas.forEach((pt, j) => {
          let density = prev.weights[j]!;
          for (let d = 0; d < 3; d++) {
            density *= Math.exp(-0.5 * ((th[d]! - pt[d]!) / sd[d]!) ** 2) / (sd[d]! * Math.sqrt(2 * Math.PI));
            density /= massInside(pt[d]!, sd[d]!, prior.lo[d]!, prior.hi[d]!);
          }
          mix += density;
        });
        return 1 / mix;
      });
      const total = raw.reduce((s, w) => s + w, 0);
      raw.forEach((w, k) => expect(g.weights[k]! / (w / total), `generation ${i}, particle ${k}`).toBeCloseTo(1, 7));
      // Not trivially uniform: the weights of a generation differ by more than a factor 1.5.
      expect(Math.max(...g.weights) / Math.min(...g.weights)).toBeGreaterThan(1.5);
    }
  });

  it("proposes for 19 parameters near the edges of their ranges (each parameter truncated, not the whole vector redrawn)", async () => {
    // Redrawing the whole vector until every parameter is inside failed at 19 parameters (about
    // one draw in 2,000 stayed inside); per-parameter truncation has no such limit.
    const names = Array.from({ length: 19 }, (_, d) => `p${d}`);
    const wide: Prior = { names, lo: names.map(() => 0), hi: names.map(() => 1) };
    const edge = (th: Float64Array): number => th.reduce((a, v) => a + v, 0); // pulls every parameter to 0
    const r = await abcSmc(wide, options({ particles: 60, generations: 3 }), async (batch) => batch.map(edge));
    expect(r.generations).toHaveLength(4);
    for (const g of r.generations) for (const th of g.thetas) for (const v of th) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("stops with 'budget' before a batch would exceed maxSimulations, keeping complete generations only", async () => {
    // 50 for generation 0, then batches of 50: the third batch would reach 150 > 120.
    const r = await abcSmc(prior, options({ particles: 50, generations: 5, maxSimulations: 120 }), evaluator("inv", distance));
    expect(r.stop).toBe("budget");
    expect(r.simulations).toBeLessThanOrEqual(120);
    expect(r.simulations).toBe(100);
    // Generation 1 keeps ~half of each batch (median tolerance), so it cannot finish in 50 + 50.
    expect(r.generations).toHaveLength(1);
    expect(r.generations[0]!.thetas).toHaveLength(50);
  });

  it("stops with 'budget' and no generation when one batch is above the budget", async () => {
    let called = 0;
    const r = await abcSmc(prior, options({ particles: 50, maxSimulations: 49 }), async (th) => {
      called++;
      return th.map(() => 0);
    });
    expect(r).toEqual({ generations: [], simulations: 0, stop: "budget" });
    expect(called).toBe(0);
  });

  it("stops with 'acceptance' when a generation keeps fewer than minAcceptance of its candidates", async () => {
    // With the median as tolerance a generation keeps about half its candidates, below 0.9.
    const r = await abcSmc(prior, options({ particles: 50, generations: 5, minAcceptance: 0.9 }), evaluator("inv", distance));
    expect(r.stop).toBe("acceptance");
    expect(r.generations).toHaveLength(2);
    const g1 = r.generations[1]!;
    expect(50 / g1.simulations).toBeLessThan(0.9);
  });

  it("rejects an empty or inverted prior, and distances that are all undefined", async () => {
    const ev = evaluator("inv", distance);
    await expect(abcSmc({ names: [], lo: [], hi: [] }, options(), ev)).rejects.toThrow(/at least one parameter/);
    await expect(abcSmc({ names: ["x"], lo: [1], hi: [1] }, options(), ev)).rejects.toThrow(/prior of x/);
    await expect(abcSmc({ names: ["x"], lo: [0], hi: [1] }, options({ particles: 10 }), async (th) => th.map(() => Number.NaN))).rejects.toThrow(/undefined/);
  });
});

describe("weightedMoments and effectiveSampleSize", () => {
  it("match hand values", () => {
    const thetas = [Float64Array.of(1, 10), Float64Array.of(3, 10), Float64Array.of(5, 40)];
    const { mean, variance } = weightedMoments(thetas, [0.5, 0.25, 0.25], 2);
    // mean: 0.5 + 0.75 + 1.25 = 2.5; 5 + 2.5 + 10 = 17.5
    expect(Array.from(mean)).toEqual([2.5, 17.5]);
    // variance: 0.5 * 2.25 + 0.25 * 0.25 + 0.25 * 6.25 = 2.75; 0.5 * 56.25 + 0.25 * 56.25 + 0.25 * 506.25 = 168.75
    expect(variance[0]).toBeCloseTo(2.75, 12);
    expect(variance[1]).toBeCloseTo(168.75, 10);
    expect(effectiveSampleSize([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(4, 12);
    expect(effectiveSampleSize([1, 0, 0])).toBe(1);
    expect(effectiveSampleSize([0.5, 0.25, 0.25])).toBeCloseTo(1 / 0.375, 12);
  });
});
