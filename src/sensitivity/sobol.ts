// Variance-based (Sobol') sensitivity indices: first-order S_i and total-order ST_i, estimated
// from Saltelli's design, with percentile bootstrap intervals. Over the unit hypercube [0, 1]^k
// with independent uniform coordinates; the caller maps each coordinate to its parameter (a
// range, or a posterior's quantiles), which keeps the inputs independent.
//
// Design (Saltelli et al. 2010, 'Variance based sensitivity analysis of model output. Design and
// estimator for the total sensitivity index', Computer Physics Communications 181, 259-270, sect.
// 2): two independent N x k sample matrices A and B, and for each factor i the matrix A_B^(i),
// A with its column i taken from B: N (k + 2) model runs.
//
// The sample is pseudo-random (seedrandom's Alea), not Sobol's quasi-random sequence, which
// Saltelli et al. (2010) use: no maintained npm package provides the sequence (the one package
// named `sobol` has one published version, no type declarations and few users), and pseudo-random rows are
// independent, which is what the bootstrap over base rows assumes. Quasi-random points would
// converge faster (error nearer 1/N than 1/sqrt N); at the N used here the gain does not decide
// anything, and the bootstrap intervals state the error that is left.
//
// Estimators, per output, with f_A = f(A)_j, f_B = f(B)_j, f_i = f(A_B^(i))_j summed over the N
// base rows j:
//   V_i  = (1/N) sum_j f_B (f_i - f_A)          first order: Saltelli et al. (2010), Table 2 (b)
//   VT_i = (1/(2N)) sum_j (f_A - f_i)^2         total: Jansen (1999), Saltelli et al. (2010), Table 2 (f)
//   V    = the variance (divisor 2N) of the 2N values f_A, f_B
//   S_i  = V_i / V,   ST_i = VT_i / V
// Outputs are centred on the mean of those 2N values before V_i is formed (subtracting the mean
// is Sobol's (2001, Mathematics and Computers in Simulation 55) advice): the expectation of V_i
// does not change, since f_i - f_A has mean 0, but its sampling error no longer grows with the
// output's mean, which for a count such as a stock is far larger than its spread. VT_i and V do
// not depend on the centring.
//
// Bootstrap (Archer, Saltelli and Sobol' 1997; Efron and Tibshirani 1993): B resamples of the N
// base rows with replacement (each resampled row keeps its k + 2 runs together), S_i and ST_i
// recomputed, the centring and V included, on each; percentile intervals. The same resamples
// serve every output.

import { type BootstrapOptions, type Seed, bootstrapSettings, checkOutputs, percentileInterval, resampleIndices, sensitivityStream } from "./random.js";

export interface SaltelliOptions {
  /** Number of base rows N (at least 2). */
  n: number;
  seed: Seed;
}

/** The layout of a Saltelli design: all the estimators need to find a run's role. */
export interface SaltelliLayout {
  /** Number of factors. */
  k: number;
  /** Number of base rows N. */
  n: number;
}

export interface SaltelliDesign extends SaltelliLayout {
  method: "saltelli";
  /** Model runs: N (k + 2). */
  rows: number;
  /**
   * The points, row-major (`rows` x k), grouped by base row: the k + 2 runs of base row j are
   * rows j (k + 2) + b with b = 0 for A_j, b = 1 + i for A_B^(i)_j (i = 0..k-1) and b = k + 1 for
   * B_j (`saltelliRow`). Each coordinate is in [0, 1).
   */
  points: Float64Array;
}

/** The design row of base row j in block b: 0 = A, 1 + i = A_B^(i) (A with column i from B), k + 1 = B. */
export function saltelliRow(k: number, j: number, block: number): number {
  return j * (k + 2) + block;
}

/**
 * Saltelli's design of N base rows in [0, 1]^k (see the file's header). Per base row j the draws
 * are A_j's k coordinates, then B_j's; so the design of N base rows is the first N (k + 2) rows of
 * the design of N' > N with the same seed, and a run can be extended without rerunning.
 */
export function saltelliDesign(k: number, options: SaltelliOptions): SaltelliDesign {
  const n = options.n;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`saltelli: k must be a positive integer, got ${k}`);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`saltelli: n must be an integer >= 2, got ${n}`);
  const rows = n * (k + 2);
  const points = new Float64Array(rows * k);
  const u = sensitivityStream("saltelli", options.seed);
  for (let j = 0; j < n; j++) {
    const a = saltelliRow(k, j, 0) * k;
    const b = saltelliRow(k, j, k + 1) * k;
    for (let i = 0; i < k; i++) points[a + i] = u();
    for (let i = 0; i < k; i++) points[b + i] = u();
    for (let i = 0; i < k; i++) {
      const ab = saltelliRow(k, j, 1 + i) * k;
      points.copyWithin(ab, a, a + k);
      points[ab + i] = points[b + i]!;
    }
  }
  return { method: "saltelli", k, n, rows, points };
}

/** Sobol' indices of one output, each a Float64Array over the k factors. */
export interface SobolIndices {
  /** Mean of the 2N outputs f(A), f(B). */
  mean: number;
  /** Variance V of the 2N outputs f(A), f(B) (divisor 2N). */
  variance: number;
  /** First-order indices S_i (Saltelli et al. 2010). */
  s1: Float64Array;
  /** Percentile bootstrap interval for S_i (NaN with 0 resamples). */
  s1Low: Float64Array;
  s1High: Float64Array;
  /** Total-order indices ST_i (Jansen 1999). */
  st: Float64Array;
  /** Percentile bootstrap interval for ST_i. */
  stLow: Float64Array;
  stHigh: Float64Array;
}

/** Scratch sums of one estimate, allocated once per call of `sobolIndices`. */
interface Sums {
  bd: Float64Array; // sum f_B (f_i - f_A)
  d: Float64Array; // sum (f_i - f_A)
  jansen: Float64Array; // sum (f_A - f_i)^2
}

/**
 * S_i and ST_i of output y into s1 and st at `at`, over the base rows idx[0..N-1] (all rows in
 * order when idx is null); returns V. `shift` is subtracted from every value first (numerical
 * centring only: the estimate then centres on the rows' own mean, see the file's header).
 */
function estimate(y: Float64Array, k: number, n: number, idx: Int32Array | null, shift: number, sums: Sums, s1: Float64Array, st: Float64Array, at: number): { mean: number; variance: number } {
  const { bd, d, jansen } = sums;
  bd.fill(0);
  d.fill(0);
  jansen.fill(0);
  let sum = 0;
  let sumSq = 0;
  const stride = k + 2;
  for (let t = 0; t < n; t++) {
    const base = (idx === null ? t : idx[t]!) * stride;
    const fa = y[base]! - shift;
    const fb = y[base + k + 1]! - shift;
    sum += fa + fb;
    sumSq += fa * fa + fb * fb;
    for (let i = 0; i < k; i++) {
      const diff = y[base + 1 + i]! - shift - fa;
      bd[i] = bd[i]! + fb * diff;
      d[i] = d[i]! + diff;
      jansen[i] = jansen[i]! + diff * diff;
    }
  }
  const c = sum / (2 * n);
  const variance = sumSq / (2 * n) - c * c;
  for (let i = 0; i < k; i++) {
    // sum (f_B - c)(f_i - f_A) = sum f_B (f_i - f_A) - c sum (f_i - f_A)
    s1[at + i] = (bd[i]! - c * d[i]!) / n / variance;
    st[at + i] = jansen[i]! / (2 * n) / variance;
  }
  return { mean: c + shift, variance };
}

/**
 * First-order (Saltelli et al. 2010) and total (Jansen 1999) Sobol' indices of each output, with
 * percentile bootstrap intervals over the N base rows (formulas in the file's header). `outputs`
 * holds one column per metric, each with one value per design row (N (k + 2), in the design's
 * row order). An output with variance 0 gives NaN indices; a NaN output makes every index NaN.
 * Estimates can fall a little outside [0, 1] through sampling error (S_i of an uninfluential
 * factor below 0, for one); they are not clipped.
 */
export function sobolIndices(design: SaltelliLayout, outputs: readonly Float64Array[], bootstrap: BootstrapOptions): SobolIndices[] {
  const { k, n } = design;
  checkOutputs(outputs, n * (k + 2), "sobol");
  const { resamples, level, seed } = bootstrapSettings(bootstrap);
  const sums: Sums = { bd: new Float64Array(k), d: new Float64Array(k), jansen: new Float64Array(k) };
  const shifts = new Float64Array(outputs.length);
  const results = outputs.map((y, m): SobolIndices => {
    // A first pass for the mean of f(A), f(B), subtracted before the sums for numerical accuracy.
    let shift = 0;
    for (let j = 0; j < n; j++) shift += y[j * (k + 2)]! + y[j * (k + 2) + k + 1]!;
    shift /= 2 * n;
    shifts[m] = shift;
    const s1 = new Float64Array(k);
    const st = new Float64Array(k);
    const { mean, variance } = estimate(y, k, n, null, shift, sums, s1, st, 0);
    const nan = (): Float64Array => new Float64Array(k).fill(Number.NaN);
    return { mean, variance, s1, s1Low: nan(), s1High: nan(), st, stLow: nan(), stHigh: nan() };
  });
  if (resamples > 0) {
    // s1Rep[(m k + i) B + b]: S_i of output m in resample b (likewise stRep), so each
    // (output, factor) has its B replicates contiguous for sorting.
    const s1Rep = new Float64Array(outputs.length * k * resamples);
    const stRep = new Float64Array(outputs.length * k * resamples);
    const s1 = new Float64Array(k);
    const st = new Float64Array(k);
    const idx = new Int32Array(n);
    const u = sensitivityStream("bootstrap", seed);
    for (let b = 0; b < resamples; b++) {
      resampleIndices(u, idx);
      for (let m = 0; m < outputs.length; m++) {
        estimate(outputs[m]!, k, n, idx, shifts[m]!, sums, s1, st, 0);
        for (let i = 0; i < k; i++) {
          s1Rep[(m * k + i) * resamples + b] = s1[i]!;
          stRep[(m * k + i) * resamples + b] = st[i]!;
        }
      }
    }
    for (let m = 0; m < results.length; m++) {
      const res = results[m]!;
      for (let i = 0; i < k; i++) {
        const at = (m * k + i) * resamples;
        [res.s1Low[i], res.s1High[i]] = percentileInterval(s1Rep.subarray(at, at + resamples), level);
        [res.stLow[i], res.stHigh[i]] = percentileInterval(stRep.subarray(at, at + resamples), level);
      }
    }
  }
  return results;
}
