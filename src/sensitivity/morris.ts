// Morris's (1991) elementary effects, for screening: which parameters matter, and which act
// through nonlinearity or interactions. Over the unit hypercube [0, 1]^k; the caller maps each
// coordinate to its parameter (a range, or a posterior's quantiles).
//
// Design (Morris 1991; Saltelli et al. 2008, 'Global Sensitivity Analysis: The Primer', ch. 3.3):
// r trajectories of k + 1 points on the p-level grid {0, 1/(p-1), ..., 1}, with the step
// delta = p / (2 (p - 1)). A trajectory is
//
//   B* = ( J_{k+1,1} x* + (delta / 2) [ (2 B - J_{k+1,k}) D* + J_{k+1,k} ] ) P*
//
// with B the strictly lower-triangular (k+1) x k matrix of ones, J a matrix of ones, x* a random
// base point whose coordinates are drawn uniformly from the levels l / (p - 1) with
// l in {0, ..., p/2 - 1} (those from which a step of +delta stays on the grid), D* a diagonal of
// random signs and P* a random permutation. Written out: coordinate i starts at x*_i when its
// sign is +1 and at x*_i + delta when it is -1, and the factors move one at a time, in the
// permuted order, to the other of the two values. Each grid level is then equally likely in every
// coordinate of every point (p even, as required).
//
// Estimators, per output and factor i, from the r elementary effects
//   EE_i^(t) = ( y(x^(t) + Delta_i e_i) - y(x^(t)) ) / Delta_i,   Delta_i = +-delta,
// (Morris 1991, eq. 2.1; Campolongo, Cariboni and Saltelli 2007 for mu*):
//   mu_i    = (1/r) sum_t EE_i^(t)
//   mu*_i   = (1/r) sum_t |EE_i^(t)|
//   sigma_i = sqrt( (1/(r-1)) sum_t (EE_i^(t) - mu_i)^2 )
// Effects are per unit of the unit coordinate: an output y = a x with x = lo + u (hi - lo) has
// EE = a (hi - lo). A bootstrap interval for mu* resamples the r trajectories (as SALib does).
// Campolongo et al.'s (2007) selection of spread-out trajectories is not done.

import { type BootstrapOptions, type Seed, bootstrapSettings, checkOutputs, drawIndex, percentileInterval, resampleIndices, sensitivityStream } from "./random.js";

export interface MorrisOptions {
  /** Number of trajectories r (at least 1; sigma needs 2). */
  trajectories: number;
  /** Number of grid levels p, even, at least 2; default 4. */
  levels?: number;
  seed: Seed;
}

export const DEFAULT_MORRIS_LEVELS = 4;

export interface MorrisDesign {
  method: "morris";
  /** Number of factors. */
  k: number;
  /** Number of trajectories r. */
  trajectories: number;
  /** Grid levels p. */
  levels: number;
  /** Step delta = p / (2 (p - 1)). */
  delta: number;
  /** Model runs: r (k + 1). */
  rows: number;
  /**
   * The points, row-major (`rows` x k): point s of trajectory t (s = 0..k) is row t (k + 1) + s,
   * its coordinates points[row k .. row k + k - 1], each in [0, 1].
   */
  points: Float64Array;
  /** order[t k + s]: the factor that moves between points s and s + 1 of trajectory t. */
  order: Int32Array;
}

/**
 * A Morris design of `trajectories` trajectories in [0, 1]^k (see the file's header for the
 * construction). Per trajectory the draws are, in order: for each factor, its base level and its
 * sign; then the permutation (Fisher-Yates, from the last position down). So the design of r
 * trajectories is the first r of the design of r' > r with the same seed.
 */
export function morrisDesign(k: number, options: MorrisOptions): MorrisDesign {
  const r = options.trajectories;
  const p = options.levels ?? DEFAULT_MORRIS_LEVELS;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`morris: k must be a positive integer, got ${k}`);
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`morris: trajectories must be a positive integer, got ${r}`);
  if (!Number.isInteger(p) || p < 2 || p % 2 !== 0) throw new RangeError(`morris: levels must be an even integer >= 2, got ${p}`);
  const half = p / 2;
  const delta = p / (2 * (p - 1));
  const rows = r * (k + 1);
  const points = new Float64Array(rows * k);
  const order = new Int32Array(r * k);
  const low = new Float64Array(k); // x*_i
  const high = new Float64Array(k); // x*_i + delta
  const up = new Uint8Array(k); // sign +1: starts low
  const perm = new Int32Array(k);
  const u = sensitivityStream("morris", options.seed);
  for (let t = 0; t < r; t++) {
    for (let i = 0; i < k; i++) {
      const l = drawIndex(u, half);
      // Both values as level / (p - 1), so each lies exactly on the grid.
      low[i] = l / (p - 1);
      high[i] = (l + half) / (p - 1);
      up[i] = u() < 0.5 ? 1 : 0;
    }
    for (let i = 0; i < k; i++) perm[i] = i;
    for (let i = k - 1; i > 0; i--) {
      const j = drawIndex(u, i + 1);
      const tmp = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = tmp;
    }
    let row = t * (k + 1) * k;
    for (let i = 0; i < k; i++) points[row + i] = up[i] ? low[i]! : high[i]!;
    for (let s = 0; s < k; s++) {
      const next = row + k;
      points.copyWithin(next, row, row + k);
      const i = perm[s]!;
      points[next + i] = up[i] ? high[i]! : low[i]!;
      order[t * k + s] = i;
      row = next;
    }
  }
  return { method: "morris", k, trajectories: r, levels: p, delta, rows, points, order };
}

/** Morris's measures of one output, each a Float64Array over the k factors. */
export interface MorrisIndices {
  /** The elementary effects, row-major (r x k): effects[t k + i] is factor i's in trajectory t. */
  effects: Float64Array;
  /** Mean of the elementary effects (its sign is the direction of a monotonic effect). */
  mu: Float64Array;
  /** Mean of their absolute values: the factor's overall importance. */
  muStar: Float64Array;
  /** Their standard deviation (divisor r - 1; NaN when r = 1): nonlinearity or interactions. */
  sigma: Float64Array;
  /** Percentile bootstrap interval for mu*, resampling trajectories (NaN with 0 resamples). */
  muStarLow: Float64Array;
  muStarHigh: Float64Array;
}

/**
 * Morris's mu, mu* and sigma (formulas in the file's header) of each output, with a percentile
 * bootstrap interval for mu* (B resamples of the r trajectories, the same resamples for every
 * output). `outputs` holds one column per metric, each with one value per design row. A NaN
 * output makes the measures it enters NaN.
 */
export function morrisIndices(design: MorrisDesign, outputs: readonly Float64Array[], bootstrap: BootstrapOptions): MorrisIndices[] {
  const { k, trajectories: r, points, order } = design;
  checkOutputs(outputs, design.rows, "morris");
  const { resamples, level, seed } = bootstrapSettings(bootstrap);
  const results = outputs.map((y): MorrisIndices => {
    const effects = new Float64Array(r * k);
    for (let t = 0; t < r; t++) {
      for (let s = 0; s < k; s++) {
        const i = order[t * k + s]!;
        const a = t * (k + 1) + s; // the row before the step; a + 1 after it
        // The step as stored (+-delta up to rounding), so a linear output's effects are exact.
        const step = points[(a + 1) * k + i]! - points[a * k + i]!;
        effects[t * k + i] = (y[a + 1]! - y[a]!) / step;
      }
    }
    const mu = new Float64Array(k);
    const muStar = new Float64Array(k);
    const sigma = new Float64Array(k);
    for (let t = 0; t < r; t++) {
      for (let i = 0; i < k; i++) {
        const e = effects[t * k + i]!;
        mu[i] = mu[i]! + e;
        muStar[i] = muStar[i]! + Math.abs(e);
      }
    }
    for (let i = 0; i < k; i++) {
      mu[i] = mu[i]! / r;
      muStar[i] = muStar[i]! / r;
    }
    for (let t = 0; t < r; t++) {
      for (let i = 0; i < k; i++) {
        const d = effects[t * k + i]! - mu[i]!;
        sigma[i] = sigma[i]! + d * d;
      }
    }
    for (let i = 0; i < k; i++) sigma[i] = r > 1 ? Math.sqrt(sigma[i]! / (r - 1)) : Number.NaN;
    return { effects, mu, muStar, sigma, muStarLow: new Float64Array(k).fill(Number.NaN), muStarHigh: new Float64Array(k).fill(Number.NaN) };
  });
  if (resamples > 0) {
    // replicates[(m k + i) B + b]: mu*_i of output m in resample b.
    const replicates = new Float64Array(outputs.length * k * resamples);
    const idx = new Int32Array(r);
    const sums = new Float64Array(k);
    const u = sensitivityStream("bootstrap", seed);
    for (let b = 0; b < resamples; b++) {
      resampleIndices(u, idx);
      for (let m = 0; m < results.length; m++) {
        const effects = results[m]!.effects;
        sums.fill(0);
        for (let n = 0; n < r; n++) {
          const row = idx[n]! * k;
          for (let i = 0; i < k; i++) sums[i] = sums[i]! + Math.abs(effects[row + i]!);
        }
        for (let i = 0; i < k; i++) replicates[(m * k + i) * resamples + b] = sums[i]! / r;
      }
    }
    for (let m = 0; m < results.length; m++) {
      const res = results[m]!;
      for (let i = 0; i < k; i++) {
        const at = (m * k + i) * resamples;
        [res.muStarLow[i], res.muStarHigh[i]] = percentileInterval(replicates.subarray(at, at + resamples), level);
      }
    }
  }
  return results;
}
