// A calibration's posterior (`migsim calibrate`'s posterior.csv, data/calibration/posterior.csv) as
// `migsim run --posterior FILE` reads it, and the part of an experiment's spec that records the
// draws (ExperimentSpec.posterior in manifest.json). Reading refuses, in one paragraph naming the
// file, the line and the column, anything but: a CSV with a header; a `weight` column of positive
// numbers; optional meta columns `generation`, `particle` (whole numbers, each once) and
// `distance` (not read); and every other column a numeric parameter of PARAMS, each value a
// number in that parameter's range (a whole number where the parameter is one). Weights need not
// sum to 1: they are used relative to their sum. The drawing itself is run/posterior.ts's.

import { z } from "zod";
import { UserError } from "../errors.js";
import { PARAMS, PARAM_NAMES, type ParamName } from "../model/params.js";
import { readCsvFile } from "./csv-file.js";
import { nearestKey } from "./load.js";
import { clipPath, quote } from "./quote.js";

/** Columns of a posterior that are not parameters. `weight` is required, the others optional. */
export const POSTERIOR_META_COLUMNS = ["generation", "particle", "weight", "distance"] as const;

/** Largest posterior file read (the shipped one is about 50 KiB; ABC posteriors are thousands of particles at most). */
export const MAX_POSTERIOR_BYTES = 64 << 20;

/** A posterior file as read: one particle per row. */
export interface Posterior {
  /** The path as given. */
  file: string;
  sha256: string;
  /** The parameter columns, in the file's order. */
  params: ParamName[];
  /** Per row: the particle number (the `particle` column, or the row number from 1 without it), weight and values in `params` order. */
  particles: { particle: number; weight: number; values: number[] }[];
}

/**
 * What an experiment's spec records of a run over a posterior: enough to run it again without the
 * file (reproduce, --resume, merge and the shards use these values, not the file), and the file's
 * path and sha256 to say where the draws came from.
 */
export interface PosteriorDraws {
  /** The file as named on the command line. */
  file: string;
  sha256: string;
  /** The particle number drawn for each replicate: replicate r (from 1) takes draws[r - 1], in every scenario. */
  draws: number[];
  /** The posterior's parameters, in the file's column order. */
  params: ParamName[];
  /** The drawn particles, each once, by particle number ascending: their values in `params` order. */
  particles: { particle: number; values: number[] }[];
  /**
   * Per scenario (spec.scenarios' order), the posterior's parameters that the scenario's files set
   * in `params:` themselves: those keep the scenario's value under every draw (the draw replaces
   * the defaults, the layer under the files).
   */
  ownParams: ParamName[][];
  /**
   * `--per-draw R` (absent for 1): R replicates share each draw, so `draws` holds each drawn
   * particle R times in a row, and replicates (r - 1) / R (rounded down) share a draw. The
   * replicates of a draw differ in their random numbers only: variance.csv separates the spread
   * between draws (the parameters) from the spread within them (stochastic).
   */
  perDraw?: number;
}

/** What a value in a parameter's column must be, in words. */
function expected(name: ParamName): string {
  const spec = PARAMS[name] as { range: readonly [number, number]; unit: string; integer?: boolean };
  return `${spec.integer ? "a whole number" : "a number"} in [${spec.range[0]}, ${spec.range[1]}] (${spec.unit})`;
}

/** Whether `v` is a value parameter `name` accepts (in its range; whole if it must be). */
export function inParamRange(name: ParamName, v: number): boolean {
  const spec = PARAMS[name] as { range: readonly [number, number]; integer?: boolean };
  return Number.isFinite(v) && v >= spec.range[0] && v <= spec.range[1] && (!spec.integer || Number.isInteger(v));
}

/** A CSV cell as a number: plain decimal notation only (Number("") is 0 and Number("0x10") 16: both refused). */
export function cellNumber(cell: string | undefined): number {
  if (cell === undefined || !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(cell)) return NaN;
  return Number(cell);
}

/** Reads and checks a posterior file (see the top of this file); throws a UserError naming the file, line and column. */
export function readPosterior(file: string): Posterior {
  const label = `Posterior ${clipPath(file)}`;
  const { sha256, records } = readCsvFile(file, {
    label, hint: "--posterior expects a CSV file such as data/calibration/posterior.csv (written by migsim calibrate)",
    maxBytes: MAX_POSTERIOR_BYTES, kind: "posterior", rows: "one particle",
  });
  if (records.length === 0) throw new UserError(`${label} is empty; expected a header (weight and parameter columns, as migsim calibrate writes posterior.csv) and at least one particle.`);
  const header = records[0]!.record.map((c) => c.trim());
  const dup = header.find((c, k) => header.indexOf(c) !== k);
  if (dup !== undefined) throw new UserError(`${label}: the column ${quote(dup)} appears twice in the header (line 1); expected each column once.`);
  if (!header.includes("weight")) throw new UserError(`${label}: no "weight" column in the header (line 1); expected the columns of migsim calibrate's posterior.csv: generation, particle, weight, distance, then one column per parameter.`);
  const params: ParamName[] = [];
  for (const c of header) {
    if ((POSTERIOR_META_COLUMNS as readonly string[]).includes(c)) continue;
    if (!(PARAM_NAMES as readonly string[]).includes(c)) {
      const near = nearestKey(c, PARAM_NAMES);
      throw new UserError(`${label}: column ${quote(c)} (line 1) is not a parameter${near ? ` (did you mean "${near}"?)` : ""}; expected ${POSTERIOR_META_COLUMNS.join(", ")} and numeric parameters of migsim params.`);
    }
    if (!("range" in PARAMS[c as ParamName])) throw new UserError(`${label}: column ${quote(c)} (line 1) is a flag (on/off); a posterior holds numeric parameters only.`);
    params.push(c as ParamName);
  }
  if (params.length === 0) throw new UserError(`${label}: no parameter columns in the header (line 1); expected one column per calibrated parameter after ${POSTERIOR_META_COLUMNS.join(", ")}.`);
  if (records.length === 1) throw new UserError(`${label} has a header but no particles; expected at least one line of values after it.`);
  const weightAt = header.indexOf("weight");
  const particleAt = header.indexOf("particle");
  const paramAt = params.map((p) => header.indexOf(p));
  const seen = new Map<number, number>();
  const particles = records.slice(1).map(({ record, info }, k) => {
    const line = info.lines;
    const at = `line ${line}, column`;
    const weight = cellNumber(record[weightAt]);
    if (!(weight > 0) || !Number.isFinite(weight)) throw new UserError(`${label}: ${at} weight: ${quote(record[weightAt] ?? "")} is not a positive number; expected each particle's weight, a number above 0.`);
    let particle = k + 1;
    if (particleAt >= 0) {
      particle = cellNumber(record[particleAt]);
      if (!Number.isSafeInteger(particle) || particle < 0) throw new UserError(`${label}: ${at} particle: ${quote(record[particleAt] ?? "")} is not a particle number; expected a whole number from 0.`);
      const before = seen.get(particle);
      if (before !== undefined) throw new UserError(`${label}: ${at} particle: particle ${particle} is also on line ${before}; expected each particle number once.`);
      seen.set(particle, line);
    }
    const values = params.map((p, j) => {
      const cell = record[paramAt[j]!];
      const v = cellNumber(cell);
      if (!inParamRange(p, v)) throw new UserError(`${label}: ${at} ${p}: ${quote(cell ?? "")} is not ${expected(p)}, that parameter's range (migsim params).`);
      return v;
    });
    return { particle, weight, values };
  });
  return { file, sha256, params, particles };
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a sha256 in hex" });
const paramName = z.enum(PARAM_NAMES.filter((k) => "range" in PARAMS[k]) as [ParamName, ...ParamName[]], { error: "expected a numeric parameter" });
const particleNumber = z.number({ error: "expected a particle number" }).int({ error: "expected a whole number" }).min(0, { error: "expected a whole number from 0" });

/** The shape of ExperimentSpec.posterior in a manifest (crossChecks below do the rest). */
export const posteriorDrawsSchema = z.strictObject({
  file: z.string({ error: "expected the posterior file's path" }),
  sha256: hex64,
  draws: z.array(particleNumber, { error: "expected a list of particle numbers" }),
  params: z.array(paramName, { error: "expected a list of parameters" }).min(1, { error: "expected at least one parameter" }),
  particles: z.array(z.strictObject({ particle: particleNumber, values: z.array(z.number({ error: "expected a number" }), { error: "expected a list of numbers" }) }), { error: "expected a list of particles" }),
  ownParams: z.array(z.array(paramName, { error: "expected a list of parameters" }), { error: "expected a list per scenario" }),
  perDraw: z.number({ error: "expected a whole number of replicates per draw" }).int({ error: "expected a whole number of replicates per draw" }).min(2, { error: "expected 2 or more replicates per draw (absent for 1)" }).optional(),
});

/**
 * What the schema cannot say of a spec's posterior: one draw per replicate, each of a recorded
 * particle; values for every parameter, in its range; one list of own parameters per scenario.
 * Returns the first problem as [key path under spec.posterior, what was expected], or null.
 */
export function posteriorDrawsProblem(p: PosteriorDraws, replicates: number, scenarios: number): [(string | number)[], string] | null {
  if (new Set(p.params).size !== p.params.length) return [["params"], "expected each parameter once"];
  if (p.draws.length !== replicates) return [["draws"], `expected one particle per replicate (${replicates}), got ${p.draws.length}`];
  const perDraw = p.perDraw ?? 1;
  if (replicates % perDraw !== 0) return [["perDraw"], `expected a divisor of the replicates (${replicates}), got ${perDraw}`];
  const mixed = p.draws.findIndex((d, r) => d !== p.draws[r - (r % perDraw)]);
  if (mixed >= 0) return [["draws", mixed], `expected the ${perDraw} replicates of a draw to share its particle, got ${p.draws[mixed]} after ${p.draws[mixed - (mixed % perDraw)]}`];
  const recorded = new Set<number>();
  for (const [k, x] of p.particles.entries()) {
    if (recorded.has(x.particle)) return [["particles", k, "particle"], `particle ${x.particle} is recorded twice`];
    recorded.add(x.particle);
    if (x.values.length !== p.params.length) return [["particles", k, "values"], `expected ${p.params.length} values, one per parameter`];
    for (const [j, v] of x.values.entries()) if (!inParamRange(p.params[j]!, v)) return [["particles", k, "values", j], `${p.params[j]}: ${v} is not ${expected(p.params[j]!)}`];
  }
  const missing = p.draws.findIndex((d) => !recorded.has(d));
  if (missing >= 0) return [["draws", missing], `particle ${p.draws[missing]} is not among the recorded particles`];
  if (p.ownParams.length !== scenarios) return [["ownParams"], `expected one list per scenario (${scenarios}), got ${p.ownParams.length}`];
  for (const [k, own] of p.ownParams.entries()) {
    const j = own.findIndex((n) => !p.params.includes(n));
    if (j >= 0) return [["ownParams", k, j], `${own[j]} is not one of the posterior's parameters`];
  }
  return null;
}
