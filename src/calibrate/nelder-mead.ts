// Nelder-Mead simplex search in the unit box [0, 1]^n, with the adaptive coefficients of Gao and
// Han (2012) (those of scipy's `minimize(method="Nelder-Mead", adaptive=True)`), for many
// parameters. Points leaving the box are clipped back onto it (as scipy does with bounds).
//
// Written here rather than taken from a package: the objective is asynchronous (each evaluation
// is a batch of simulations on the worker pool), and the JavaScript implementations found (fmin's
// nelderMead, for one) take a synchronous function. Pure: the caller supplies `evaluate`.

export interface NelderMeadOptions {
  /** Stop after this many evaluations of the objective. */
  maxEvaluations: number;
  /** Side of the initial simplex: vertex i moves coordinate i by this much (inwards at a bound). */
  step: number;
  /** Stop when the simplex's values span less than this (the objective's units). */
  valueTolerance: number;
  /** Stop when every vertex lies within this of the best in every coordinate. */
  pointTolerance: number;
}

export interface NelderMeadResult {
  best: Float64Array;
  value: number;
  evaluations: number;
  stop: "evaluations" | "converged";
}

const clip01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Minimises `evaluate` over [0, 1]^n from `start`. `evaluate` is called once per point, in
 * sequence; it may round the point to the caller's grid before it runs it, in which case the
 * search keeps the unrounded point with the rounded point's value.
 */
export async function nelderMead(
  evaluate: (u: Float64Array) => Promise<number>,
  start: ArrayLike<number>,
  o: NelderMeadOptions,
): Promise<NelderMeadResult> {
  const n = start.length;
  // Gao and Han (2012): reflection 1, expansion 1 + 2/n, contraction 0.75 - 1/(2n), shrink 1 - 1/n,
  // for n >= 2; with one parameter their shrink would be 0 (the simplex collapses onto the best
  // point at the first failed contraction), so n = 1 takes the standard 1, 2, 0.5, 0.5.
  const alpha = 1;
  const gamma = n >= 2 ? 1 + 2 / n : 2;
  const rho = n >= 2 ? 0.75 - 1 / (2 * n) : 0.5;
  const sigma = n >= 2 ? 1 - 1 / n : 0.5;
  let evaluations = 0;
  const f = async (u: Float64Array): Promise<number> => {
    evaluations++;
    return evaluate(u);
  };

  const x0 = Float64Array.from(start, clip01);
  const points: Float64Array[] = [x0];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] = x0[i]! + o.step <= 1 ? x0[i]! + o.step : x0[i]! - o.step;
    points.push(p.map(clip01));
  }
  const values: number[] = [];
  for (const p of points) {
    if (evaluations >= o.maxEvaluations) break;
    values.push(await f(p));
  }
  const order = (): void => {
    const idx = values.map((_, k) => k).sort((a, b) => values[a]! - values[b]! || a - b);
    const ps = idx.map((k) => points[k]!);
    const vs = idx.map((k) => values[k]!);
    points.splice(0, points.length, ...ps);
    values.splice(0, values.length, ...vs);
  };
  if (values.length < points.length) {
    points.length = values.length;
    order();
    return { best: points[0]!, value: values[0]!, evaluations, stop: "evaluations" };
  }

  const along = (from: ArrayLike<number>, to: ArrayLike<number>, t: number): Float64Array => {
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) p[i] = clip01(from[i]! + t * (to[i]! - from[i]!));
    return p;
  };
  let stop: NelderMeadResult["stop"] = "evaluations";
  for (;;) {
    order();
    const spread = values[n]! - values[0]!;
    let far = 0;
    for (let k = 1; k <= n; k++) for (let i = 0; i < n; i++) far = Math.max(far, Math.abs(points[k]![i]! - points[0]![i]!));
    if (spread <= o.valueTolerance && far <= o.pointTolerance) {
      stop = "converged";
      break;
    }
    if (evaluations >= o.maxEvaluations) break;
    const centroid = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += points[k]![i]! / n;
    const worst = points[n]!;
    const reflected = along(centroid, worst, -alpha);
    const fr = await f(reflected);
    if (fr < values[0]!) {
      if (evaluations >= o.maxEvaluations) {
        points[n] = reflected;
        values[n] = fr;
        continue;
      }
      const expanded = along(centroid, worst, -alpha * gamma);
      const fe = await f(expanded);
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      points[n] = reflected;
      values[n] = fr;
      continue;
    }
    if (evaluations >= o.maxEvaluations) continue;
    // Contraction: outside (towards the reflected point) if it beat the worst, else inside.
    const outside = fr < values[n]!;
    const contracted = outside ? along(centroid, worst, -alpha * rho) : along(centroid, worst, rho);
    const fc = await f(contracted);
    if (fc < (outside ? fr : values[n]!)) {
      points[n] = contracted;
      values[n] = fc;
      continue;
    }
    // Shrink every vertex towards the best.
    for (let k = 1; k <= n; k++) {
      if (evaluations >= o.maxEvaluations) break;
      points[k] = along(points[0]!, points[k]!, sigma);
      values[k] = await f(points[k]!);
    }
  }
  order();
  return { best: points[0]!, value: values[0]!, evaluations, stop };
}
