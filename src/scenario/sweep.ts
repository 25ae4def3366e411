// Expands a scenario's `sweep:` into points: the full factorial of its grid, times the points of
// its Latin hypercube (if any). Each point is a set of parameter values for the whole run.

import seedrandom from "seedrandom";
import { UserError } from "../errors.js";
import { type NumberParamSpec, PARAMS, type ParamName, type ParamSpec } from "../model/params.js";
import type { SweepSpec } from "./load.js";

export interface SweepPoints {
  /** Swept parameter names, in a fixed order (grid first, then hypercube, each sorted). */
  names: ParamName[];
  /** One row of values per point, aligned with `names`. At least one (empty) point. */
  points: number[][];
}

/** Most points a sweep may have (grid x hypercube); each point is a task per replicate. */
export const MAX_SWEEP_POINTS = 100000;

/** Locale-independent order (localeCompare would make point order depend on LANG). */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type GridValues = number[] | { from: number; to: number; step: number };

/** The grid's parameters with their values, in point order. */
function gridEntries(spec: SweepSpec): [ParamName, GridValues][] {
  return (Object.entries(spec.grid ?? {}).filter(([, v]) => v !== undefined) as [ParamName, GridValues][]).sort(([a], [b]) => byCodePoint(a, b));
}

/** The parameters a sweep varies (grid and hypercube), for warnings; none without a sweep. */
export function sweptNames(spec: SweepSpec | undefined): ParamName[] {
  return spec ? [...gridEntries(spec).map(([n]) => n), ...hypercubeDims(spec).map(([n]) => n)] : [];
}

/** The hypercube's parameters with their [min, max], in column order. */
function hypercubeDims(spec: SweepSpec): [ParamName, [number, number]][] {
  const lhs = spec.latinHypercube;
  return lhs ? (Object.entries(lhs.params).filter(([, v]) => v !== undefined) as [ParamName, [number, number]][]).sort(([a], [b]) => byCodePoint(a, b)) : [];
}

/**
 * Why `v` is not a value numeric parameter `name` may take (outside its plausible range, or not a
 * whole number where it must be one), or null. The check of swept values and of a design's
 * (scenario/design.ts).
 */
export function rangeProblem(name: ParamName, v: number): string | null {
  const spec = PARAMS[name] as NumberParamSpec;
  const [lo, hi] = spec.range;
  if (!(v >= lo && v <= hi)) return `value ${v} is outside ${name}'s plausible range [${lo}, ${hi}] (${spec.unit})`;
  if (spec.integer && !Number.isInteger(v)) return `${name} takes whole numbers, got ${v}`;
  return null;
}

function checkRange(where: string, path: string, name: ParamName, v: number): void {
  const spec: ParamSpec = PARAMS[name];
  if (!("range" in spec)) throw new UserError(`${where}: ${path}: ${name} is a flag and cannot be swept.`);
  const problem = rangeProblem(name, v);
  if (problem) throw new UserError(`${where}: ${path}: ${problem}.`);
}

/**
 * A grid parameter's values: its list, or its `{ from, to, step }` range inclusive of `to` up to
 * rounding. A range is counted before any array is made, so an empty one or one of more values
 * than a sweep may have (a step of 1e-12) is refused instead of exhausting memory.
 */
function gridValues(where: string, name: ParamName, v: GridValues): number[] {
  if (Array.isArray(v)) return v;
  const { from, to, step } = v;
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  if (!(n >= 1)) throw new UserError(`${where}: sweep.grid.${name}: the range is empty (from ${from} is above to ${to}); expected from <= to.`);
  if (n > MAX_SWEEP_POINTS) {
    throw new UserError(`${where}: sweep.grid.${name}: from ${from} to ${to} in steps of ${step} is ${Number.isFinite(n) ? n : "infinitely many"} values, more than the ${MAX_SWEEP_POINTS} points a sweep may have; use a larger step.`);
  }
  return Array.from({ length: n }, (_, k) => Number((from + k * step).toPrecision(12)));
}

/**
 * Checks a sweep and returns its number of points (1 without a sweep), without making them:
 * every value in its parameter's range, ranges not empty, a hypercube's max above its min, no
 * parameter both in the grid and the hypercube, at most MAX_SWEEP_POINTS points. `where` starts
 * each message ("Scenario FILE").
 */
export function checkSweep(spec: SweepSpec | undefined, where: string): number {
  if (!spec) return 1;
  const grid = gridEntries(spec);
  const dims = hypercubeDims(spec);
  const dup = grid.find(([name]) => dims.some(([d]) => d === name));
  if (dup) throw new UserError(`${where}: sweep: ${dup[0]} appears in both grid and latinHypercube; sweep each parameter in one of them.`);
  const factors: number[] = [];
  for (const [name, v] of grid) {
    const values = gridValues(where, name, v);
    values.forEach((x, k) => checkRange(where, Array.isArray(v) ? `sweep.grid.${name}[${k}]` : `sweep.grid.${name}`, name, x));
    factors.push(values.length);
  }
  const lhs = spec.latinHypercube;
  if (lhs) {
    if (dims.length === 0) throw new UserError(`${where}: sweep.latinHypercube.params: name at least one parameter with [min, max].`);
    for (const [name, [lo, hi]] of dims) {
      checkRange(where, `sweep.latinHypercube.params.${name}[0]`, name, lo);
      checkRange(where, `sweep.latinHypercube.params.${name}[1]`, name, hi);
      if (!(hi > lo)) throw new UserError(`${where}: sweep.latinHypercube.params.${name}: expected [min, max] with max > min, got [${lo}, ${hi}] (a fixed value goes in params).`);
    }
    factors.push(lhs.n);
  }
  const points = factors.reduce((a, b) => a * b, 1);
  if (points > MAX_SWEEP_POINTS) {
    throw new UserError(`${where}: sweep: ${factors.join(" x ")} = ${points} points, more than the ${MAX_SWEEP_POINTS} a sweep may have; sweep fewer values.`);
  }
  return points;
}

/** The points of a sweep (checked first by checkSweep). `file` names the scenario in errors. */
export function expandSweep(spec: SweepSpec | undefined, file: string): SweepPoints {
  const where = `Scenario ${file}`;
  checkSweep(spec, where);
  if (!spec) return { names: [], points: [[]] };
  const names: ParamName[] = [];
  let points: number[][] = [[]];
  for (const [name, v] of gridEntries(spec)) {
    const values = gridValues(where, name, v);
    names.push(name);
    points = points.flatMap((p) => values.map((x) => [...p, x]));
  }
  const lhs = spec.latinHypercube;
  if (lhs) {
    const dims = hypercubeDims(spec);
    const u = seedrandom.alea(`migsim/lhs/${lhs.seed ?? 1}`);
    const columns: number[][] = dims.map(([name, [lo, hi]]) => {
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
    for (const [name] of dims) names.push(name);
    const design = Array.from({ length: lhs.n }, (_, k) => columns.map((c) => c[k]!));
    points = points.flatMap((p) => design.map((d) => [...p, ...d]));
  }
  return { names, points };
}
