// Approximate Bayesian Computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009, with the
// adaptive kernel of Beaumont et al. 2009 and the adaptive tolerance of Del Moral et al. 2012):
//
//   generation 0: N parameter sets from the prior (uniform on each parameter's range), all kept;
//   generation g: tolerance eps_g = the `quantile` of generation g-1's distances; candidates are
//     drawn from generation g-1 by weight and moved by a Gaussian kernel (variance twice the
//     weighted variance of each parameter) truncated to the prior's box (each parameter redrawn
//     until it is inside its range), simulated, and kept if their distance is at most eps_g,
//     until N are kept. A kept candidate's weight is prior / sum_j W_j K(theta | theta_j), with K
//     the truncated kernel's density (the prior is uniform, so its density is a constant).
//     Truncating each parameter, not redrawing the whole vector, keeps proposals cheap with many
//     parameters: with 19, a whole vector stayed inside the box about once in 2,000 draws.
//
// Candidates are proposed and simulated in batches of N and kept in proposal order, so the result
// depends only on the seed, never on how many threads simulate a batch. Pure: the caller
// supplies `evaluate` (the worker pool in calibrate.ts, a formula in the tests).

import seedrandom from "seedrandom";
import { errorFunction, quantileSorted } from "simple-statistics";

export interface Prior {
  names: readonly string[];
  /** Lower and upper bound of each parameter (uniform prior). */
  lo: readonly number[];
  hi: readonly number[];
}

export interface AbcOptions {
  /** Particles per generation (N). */
  particles: number;
  /** Generations after generation 0. */
  generations: number;
  /** Next tolerance = this quantile of the current generation's distances (0.5 = median). */
  quantile: number;
  /** Stop when a generation keeps fewer than this share of its candidates. */
  minAcceptance: number;
  /** Stop before a batch would exceed this many simulations in all. */
  maxSimulations: number;
  seed: number;
}

export interface Generation {
  index: number;
  /** Tolerance the kept particles met (Infinity for generation 0). */
  epsilon: number;
  /** Parameter sets, one Float64Array per particle, in the order they were kept. */
  thetas: Float64Array[];
  /** Normalised importance weights. */
  weights: number[];
  distances: number[];
  /**
   * Candidates simulated for this generation (whole batches: the candidates of the last batch
   * after the N-th kept one are simulated but not examined, so kept / simulations slightly
   * understates the acceptance rate).
   */
  simulations: number;
}

/** Simulates a batch; candidate k of the batch is number firstIndex + k of its generation. Returns distances. */
export type Evaluate = (thetas: readonly Float64Array[], generation: number, firstIndex: number) => Promise<number[]>;

export interface AbcResult {
  generations: Generation[];
  simulations: number;
  /** Why the run stopped. */
  stop: "generations" | "acceptance" | "budget";
}

/** Standard normal draw (Box-Muller) from a uniform generator. */
function normal(u: () => number): number {
  const a = 1 - u(); // (0, 1]
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

/** Index drawn from normalised weights by inverse CDF. */
function pickByWeight(weights: readonly number[], u: number): number {
  let c = 0;
  for (let k = 0; k < weights.length; k++) {
    c += weights[k]!;
    if (u < c) return k;
  }
  return weights.length - 1;
}

/** Weighted mean and variance of each parameter. */
export function weightedMoments(thetas: readonly Float64Array[], weights: readonly number[], dims: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(dims);
  const variance = new Float64Array(dims);
  thetas.forEach((th, k) => {
    for (let d = 0; d < dims; d++) mean[d]! += weights[k]! * th[d]!;
  });
  thetas.forEach((th, k) => {
    for (let d = 0; d < dims; d++) variance[d]! += weights[k]! * (th[d]! - mean[d]!) ** 2;
  });
  return { mean, variance };
}

function normalise(w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

export async function abcSmc(prior: Prior, o: AbcOptions, evaluate: Evaluate, onGeneration?: (g: Generation, simulations: number) => void): Promise<AbcResult> {
  const dims = prior.names.length;
  if (dims === 0) throw new Error("ABC needs at least one parameter to calibrate");
  prior.names.forEach((n, d) => {
    if (!(prior.hi[d]! > prior.lo[d]!)) throw new Error(`prior of ${n}: upper bound must exceed lower bound`);
  });
  // One proposal stream for the whole calibration: proposals depend on the seed alone.
  const u = seedrandom.alea(`migsim/abc/${o.seed}`);
  const generations: Generation[] = [];
  let simulations = 0;

  // Generation 0: the prior.
  const thetas0 = Array.from({ length: o.particles }, () => Float64Array.from(prior.lo, (lo, d) => lo + (prior.hi[d]! - lo) * u()));
  if (o.particles > o.maxSimulations) return { generations, simulations, stop: "budget" };
  const d0 = await evaluate(thetas0, 0, 0);
  if (d0.length !== thetas0.length) throw new Error(`evaluate returned ${d0.length} distances for ${thetas0.length} candidates`);
  simulations += o.particles;
  generations.push({ index: 0, epsilon: Infinity, thetas: thetas0, weights: thetas0.map(() => 1 / o.particles), distances: d0, simulations: o.particles });
  onGeneration?.(generations[0]!, simulations);

  for (let g = 1; g <= o.generations; g++) {
    const prev = generations[g - 1]!;
    const finite = prev.distances.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (finite.length === 0) throw new Error("every simulated distance is undefined: no target is covered by the run");
    const epsilon = quantileSorted(finite, o.quantile);
    const { variance } = weightedMoments(prev.thetas, prev.weights, dims);
    // Beaumont et al. (2009): kernel variance twice the weighted variance; never zero, so a
    // collapsed parameter can still move (a thousandth of its prior range at least).
    const sigma = Array.from(variance, (v, d) => Math.max(Math.sqrt(2 * v), 1e-3 * (prior.hi[d]! - prior.lo[d]!)));
    const kept: { theta: Float64Array; distance: number }[] = [];
    let proposed = 0;
    while (kept.length < o.particles) {
      if (simulations + o.particles > o.maxSimulations) return { generations, simulations, stop: "budget" };
      const batch: Float64Array[] = [];
      for (let k = 0; k < o.particles; k++) {
        const parent = prev.thetas[pickByWeight(prev.weights, u())]!;
        const th = new Float64Array(dims);
        for (let d = 0; d < dims; d++) {
          let tries = 0;
          let v: number;
          do {
            v = parent[d]! + sigma[d]! * normal(u);
            if (++tries > 10000) throw new Error(`ABC proposals of ${prior.names[d]} keep leaving its prior's range; widen it`);
          } while (!(v >= prior.lo[d]! && v <= prior.hi[d]!));
          th[d] = v;
        }
        batch.push(th);
      }
      const dist = await evaluate(batch, g, proposed);
      if (dist.length !== batch.length) throw new Error(`evaluate returned ${dist.length} distances for ${batch.length} candidates`);
      proposed += batch.length;
      simulations += batch.length;
      for (let k = 0; k < batch.length && kept.length < o.particles; k++) {
        if (dist[k]! <= epsilon) kept.push({ theta: batch[k]!, distance: dist[k]! });
      }
    }
    // Importance weights against the previous generation's mixture of truncated kernels: each
    // parent's kernel is divided by the mass its Gaussian puts inside the box.
    const logMass = prev.thetas.map((pt) => {
      let m = 0;
      for (let d = 0; d < dims; d++) m += Math.log(gaussianMassInside(pt[d]!, sigma[d]!, prior.lo[d]!, prior.hi[d]!));
      return m;
    });
    const raw = kept.map(({ theta }) => {
      let mix = 0;
      prev.thetas.forEach((pt, j) => {
        let logK = -logMass[j]!;
        for (let d = 0; d < dims; d++) logK += -0.5 * ((theta[d]! - pt[d]!) / sigma[d]!) ** 2;
        mix += prev.weights[j]! * Math.exp(logK);
      });
      return 1 / mix;
    });
    const gen: Generation = {
      index: g, epsilon, thetas: kept.map((k) => k.theta), weights: normalise(raw), distances: kept.map((k) => k.distance), simulations: proposed,
    };
    generations.push(gen);
    onGeneration?.(gen, simulations);
    if (o.particles / proposed < o.minAcceptance) return { generations, simulations, stop: "acceptance" };
  }
  return { generations, simulations, stop: "generations" };
}

/** The mass of a Gaussian of mean `mean` and sd `sd` in [lo, hi] (the truncated kernel's normaliser). */
export function gaussianMassInside(mean: number, sd: number, lo: number, hi: number): number {
  const cdf = (x: number): number => 0.5 * (1 + errorFunction((x - mean) / (sd * Math.SQRT2)));
  return Math.max(cdf(hi) - cdf(lo), 1e-300);
}

/** Effective sample size of normalised weights (1 / sum w^2). */
export function effectiveSampleSize(weights: readonly number[]): number {
  return 1 / weights.reduce((a, w) => a + w * w, 0);
}
