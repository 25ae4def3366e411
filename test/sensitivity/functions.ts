// Test functions with known sensitivity indices, evaluated on every row of a design in [0, 1]^k.

/** Ishigami and Homma's (1990) parameters as in Marrel et al. (2009): a = 7, b = 0.1. */
export const ISHIGAMI_A = 7;
export const ISHIGAMI_B = 0.1;

/**
 * The Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1 with x_i = -pi + 2 pi u_i
 * (x_i ~ U(-pi, pi)), on each row of `points` (row-major, k = 3).
 */
export function ishigami(points: Float64Array): Float64Array {
  const rows = points.length / 3;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const x1 = -Math.PI + 2 * Math.PI * points[3 * r]!;
    const x2 = -Math.PI + 2 * Math.PI * points[3 * r + 1]!;
    const x3 = -Math.PI + 2 * Math.PI * points[3 * r + 2]!;
    const s1 = Math.sin(x1);
    const s2 = Math.sin(x2);
    y[r] = s1 + ISHIGAMI_A * s2 * s2 + ISHIGAMI_B * x3 ** 4 * s1;
  }
  return y;
}

/**
 * The Ishigami function's analytical indices for uniform inputs on (-pi, pi)^3: Sobol' and
 * Levitan (1999, Computer Physics Communications 117, 52-61); Marrel, Iooss, Laurent and
 * Roustant (2009, Reliability Engineering and System Safety 94, 742-751), also in OpenTURNS's and
 * UQWorld's pages on the function:
 *   V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,  V1 = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,
 *   V13 = 8 b^2 pi^8 / 225,  V3 = V12 = V23 = V123 = 0;
 *   S = (V1, V2, 0) / V,  ST = (V1 + V13, V2, V13) / V.
 */
export function ishigamiIndices(a = ISHIGAMI_A, b = ISHIGAMI_B): { s1: number[]; st: number[] } {
  const pi4 = Math.PI ** 4;
  const v = (a * a) / 8 + (b * pi4) / 5 + (b * b * pi4 * pi4) / 18 + 0.5;
  const v1 = 0.5 * (1 + (b * pi4) / 5) ** 2;
  const v2 = (a * a) / 8;
  const v13 = (8 * b * b * pi4 * pi4) / 225;
  return { s1: [v1 / v, v2 / v, 0], st: [(v1 + v13) / v, v2 / v, v13 / v] };
}

/** y = c + sum_i a_i x_i with x_i = lo_i + u_i (hi_i - lo_i), on each row of `points` (k = a.length). */
export function linear(points: Float64Array, a: readonly number[], c = 0, lo?: readonly number[], hi?: readonly number[]): Float64Array {
  const k = a.length;
  const rows = points.length / k;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = c;
    for (let i = 0; i < k; i++) {
      const l = lo?.[i] ?? 0;
      const h = hi?.[i] ?? 1;
      s += a[i]! * (l + points[r * k + i]! * (h - l));
    }
    y[r] = s;
  }
  return y;
}
