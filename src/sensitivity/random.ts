// Randomness and bootstrap helpers shared by the Morris and Sobol code of src/sensitivity/.
//
// Every draw comes from seedrandom's Alea (as in src/engine/rng.ts), never the unseeded global generator. A design
// and a bootstrap each have their own stream, named by purpose and seed, so the same seed gives
// the same design and the same intervals, and a design's draws never depend on how many bootstrap
// resamples are asked for. Pure: no node:*, no I/O (the seed string is hashed by Alea's own Mash,
// not by SHA-256, which would need node:crypto).

import seedrandom from "seedrandom";

/** A seed: a number or a string. The same seed gives the same draws. */
export type Seed = number | string;

/** A uniform generator on [0, 1). */
export type Uniform = () => number;

/** The Alea stream of one purpose ("morris", "saltelli", "bootstrap", ...) under `seed`. */
export function sensitivityStream(purpose: string, seed: Seed): Uniform {
  return seedrandom.alea(`migsim/sensitivity/${purpose}/${String(seed)}`);
}

/** A uniform integer in 0..n-1 from one draw (u < 1, so floor(u n) <= n - 1; the guard is for safety). */
export function drawIndex(u: Uniform, n: number): number {
  const j = Math.floor(u() * n);
  return j < n ? j : n - 1;
}

/** Fills `out` with n indices drawn uniformly with replacement from 0..n-1 (n = out.length). */
export function resampleIndices(u: Uniform, out: Int32Array): void {
  const n = out.length;
  for (let t = 0; t < n; t++) out[t] = drawIndex(u, n);
}

/** Options of a percentile bootstrap. */
export interface BootstrapOptions {
  /** Seed of the resampling stream (its own stream: it never shares draws with the design's). */
  seed: Seed;
  /** Number of bootstrap resamples B; default 1000; 0 gives NaN intervals. */
  resamples?: number;
  /** Confidence level of the percentile interval; default 0.95. */
  level?: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_LEVEL = 0.95;

/** Resolved and checked bootstrap options. */
export function bootstrapSettings(o: BootstrapOptions): { resamples: number; level: number; seed: Seed } {
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const level = o.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 0) throw new RangeError(`bootstrap resamples must be a non-negative integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap level must lie in (0, 1), got ${level}`);
  return { resamples, level, seed: o.seed };
}

/**
 * The q-quantile of ascending `sorted` values, interpolated linearly between order statistics
 * (Hyndman and Fan's (1996) type 7, R's and numpy's default): h = (n - 1) q,
 * Q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The percentile bootstrap interval (Efron and Tibshirani 1993, ch. 13) at `level` of the
 * replicates in `values`: their (1 - level)/2 and (1 + level)/2 quantiles. Sorts `values` in
 * place. NaN bounds when there are no replicates or any replicate is NaN (e.g. a resample whose
 * output variance is 0).
 */
export function percentileInterval(values: Float64Array, level: number): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  values.sort(); // a Float64Array sorts numerically, NaN last
  if (Number.isNaN(values[values.length - 1]!)) return [Number.NaN, Number.NaN];
  const tail = (1 - level) / 2;
  return [quantileSorted(values, tail), quantileSorted(values, 1 - tail)];
}

/** Throws unless `outputs` is a non-empty list of columns, each of `rows` values. */
export function checkOutputs(outputs: readonly Float64Array[], rows: number, what: string): void {
  if (outputs.length === 0) throw new RangeError(`${what}: no outputs given (one Float64Array per metric)`);
  outputs.forEach((y, m) => {
    if (y.length !== rows) throw new RangeError(`${what}: output ${m} has ${y.length} values; the design has ${rows} rows`);
  });
}
