// Expands a scenario's `sweep:` into points: the full factorial of its grid, times the points of
// its Latin hypercube (if any). Each point is a set of parameter values for the whole run.

import seedrandom from "seedrandom";
import { UserError } from "../errors.js";
import { PARAMS, type ParamName, type ParamSpec } from "../model/params.js";
import type { SweepSpec } from "./load.js";

export interface SweepPoints {
  /** Swept parameter names, in a fixed order (grid first, then hypercube, each sorted). */
  names: ParamName[];
  /** One row of values per point, aligned with `names`. At least one (empty) point. */
  points: number[][];
}

export const MAX_SWEEP_POINTS = 100000;

/** Locale-independent order (localeCompare would make point order depend on LANG). */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function checkRange(file: string, path: string, name: ParamName, v: number): void {
  const spec: ParamSpec = PARAMS[name];
  if (!("range" in spec)) throw new UserError(`Scenario ${file}: ${path}: ${name} is a flag and cannot be swept.`);
  const [lo, hi] = spec.range;
  if (!(v >= lo && v <= hi)) {
    throw new UserError(`Scenario ${file}: ${path}: value ${v} is outside ${name}'s plausible range [${lo}, ${hi}] (${spec.unit}).`);
  }
  if (spec.integer && !Number.isInteger(v)) throw new UserError(`Scenario ${file}: ${path}: ${name} takes whole numbers, got ${v}.`);
}

/** Values of a `{ from, to, step }` range, inclusive of `to` up to rounding. */
function rangeValues(from: number, to: number, step: number): number[] {
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  return Array.from({ length: Math.max(0, n) }, (_, k) => Number((from + k * step).toPrecision(12)));
}

export function expandSweep(spec: SweepSpec | undefined, file: string): SweepPoints {
  if (!spec) return { names: [], points: [[]] };
  const names: ParamName[] = [];
  let points: number[][] = [[]];
  const grid = Object.entries(spec.grid ?? {}).filter(([, v]) => v !== undefined).sort(([a], [b]) => byCodePoint(a, b));
  for (const [key, v] of grid) {
    const name = key as ParamName;
    const values = Array.isArray(v) ? v : rangeValues(v!.from, v!.to, v!.step);
    if (values.length === 0) throw new UserError(`Scenario ${file}: sweep.grid.${name}: the range is empty (to < from).`);
    values.forEach((x, k) => checkRange(file, `sweep.grid.${name}[${k}]`, name, x));
    names.push(name);
    points = points.flatMap((p) => values.map((x) => [...p, x]));
    if (points.length > MAX_SWEEP_POINTS) throw new UserError(`Scenario ${file}: sweep: more than ${MAX_SWEEP_POINTS} points.`);
  }
  const lhs = spec.latinHypercube;
  if (lhs) {
    const dims = Object.entries(lhs.params).filter(([, v]) => v !== undefined).sort(([a], [b]) => byCodePoint(a, b)) as [string, [number, number]][];
    if (dims.length === 0) throw new UserError(`Scenario ${file}: sweep.latinHypercube.params: name at least one parameter with [min, max].`);
    const u = seedrandom.alea(`migsim/lhs/${lhs.seed ?? 1}`);
    const columns: number[][] = dims.map(([key, [lo, hi]]) => {
      const name = key as ParamName;
      checkRange(file, `sweep.latinHypercube.params.${name}[0]`, name, lo);
      checkRange(file, `sweep.latinHypercube.params.${name}[1]`, name, hi);
      if (!(hi > lo)) throw new UserError(`Scenario ${file}: sweep.latinHypercube.params.${name}: expected [min, max] with max > min.`);
      // One value in each of n equal strata, strata shuffled (Fisher-Yates) independently per dimension.
      const strata = Array.from({ length: lhs.n }, (_, k) => k);
      for (let k = lhs.n - 1; k > 0; k--) {
        const j = Math.floor(u() * (k + 1));
        [strata[k], strata[j]] = [strata[j]!, strata[k]!];
      }
      const spec: ParamSpec = PARAMS[name];
      return strata.map((st) => {
        const x = lo + ((hi - lo) * (st + u())) / lhs.n;
        return "range" in spec && spec.integer ? Math.round(x) : Number(x.toPrecision(12));
      });
    });
    for (const [key] of dims) names.push(key as ParamName);
    const design = Array.from({ length: lhs.n }, (_, k) => columns.map((c) => c[k]!));
    points = points.flatMap((p) => design.map((d) => [...p, ...d]));
    if (points.length > MAX_SWEEP_POINTS) throw new UserError(`Scenario ${file}: sweep: more than ${MAX_SWEEP_POINTS} points.`);
  }
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup) throw new UserError(`Scenario ${file}: sweep: ${dup} appears in both grid and latinHypercube.`);
  return { names, points };
}
