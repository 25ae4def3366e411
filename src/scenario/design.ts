// An externally made design (`migsim run <scenarios...> --design design.csv`): one design point
// per row, one column per parameter, as SALib, EMA Workbench or pyABC write them. The design is
// made into explicit sweep points (run/experiment.ts planExperiment): every scenario of the run
// takes every point, so tasks, the rows' `point` and parameter columns, summary.csv, effects.csv's
// pairing, --resume, shards, merge and slurm treat a design as they treat a sweep. The values are
// recorded in the experiment's spec (ExperimentSpec.design in manifest.json), so reproduce,
// --resume and merge run the same points without the file.
//
// Reading refuses, in one paragraph naming the file, the line (and design point) and the column,
// anything but: a CSV with a header of distinct, known parameter names (numeric parameters and
// flags, `migsim params`), then at least one row with a value in every column; each value a
// number in its parameter's range (a whole number where the parameter is one: the range checks
// of a sweep, scenario/sweep.ts rangeProblem), a flag's 0 or 1 (true and false are read as 1
// and 0). Point p (from 0) is the file's (p + 1)-th row of values, blank lines skipped.

import { z } from "zod";
import { UserError } from "../errors.js";
import { PARAMS, PARAM_NAMES, type ParamName } from "../model/params.js";
import { type PolicyEntry, type SweepSpec, nearestKey } from "./load.js";
import { readCsvFile } from "./csv-file.js";
import { cellNumber } from "./posterior.js";
import { clipPath, quote } from "./quote.js";
import { MAX_SWEEP_POINTS, rangeProblem, sweptNames } from "./sweep.js";

/** Largest design file read: 100,000 points (MAX_SWEEP_POINTS) of a few dozen parameters. */
export const MAX_DESIGN_BYTES = 64 << 20;

/** What an experiment's spec records of `--design FILE`: enough to run it again without the file. */
export interface Design {
  /** The file as named on the command line. */
  file: string;
  /** sha256 of the file's bytes. */
  sha256: string;
  /** The design's parameters: the file's columns, in its order (the order of the output columns). */
  params: ParamName[];
  /** One row per design point (point p is row p), its values in `params` order; a flag's are 0 or 1. */
  points: number[][];
}

const isFlag = (name: ParamName): boolean => !("range" in PARAMS[name]);

/** The value a design's number sets a parameter to: a flag's 0 or 1 as false or true. */
export function designValue(name: ParamName, v: number): number | boolean {
  return isFlag(name) ? v !== 0 : v;
}

/** Why `v` is not a design value of `name` (outside its range, not whole, a flag's other than 0 or 1), or null. */
export function designValueProblem(name: ParamName, v: number): string | null {
  if (isFlag(name)) return v === 0 || v === 1 ? null : `${name} is a flag (on/off), which takes 0 or 1 (or false or true), got ${v}`;
  return rangeProblem(name, v);
}

/** What a value in a parameter's column must be, in words. */
function expected(name: ParamName): string {
  const spec = PARAMS[name];
  if (!("range" in spec)) return "0 or 1 (or false or true), the flag off or on";
  return `${"integer" in spec && spec.integer ? "a whole number" : "a number"} in [${spec.range[0]}, ${spec.range[1]}] (${spec.unit})`;
}

/** A flag's cell: 0, 1, true or false (any case, as pandas writes booleans); NaN otherwise. */
function flagCell(cell: string | undefined): number {
  const t = (cell ?? "").trim().toLowerCase();
  return t === "true" ? 1 : t === "false" ? 0 : cellNumber(cell);
}

const HINT = "--design expects a CSV file with a header of parameter names (migsim params) and one row of values per design point";

/** Reads and checks a design file (see the top of this file); throws a UserError naming the file, line and column. */
export function readDesign(file: string): Design {
  const label = `Design ${clipPath(file)}`;
  const { sha256, records } = readCsvFile(file, { label, hint: HINT, maxBytes: MAX_DESIGN_BYTES, kind: "design", rows: "one design point" });
  if (records.length === 0) throw new UserError(`${label} is empty; ${HINT}.`);
  const header = records[0]!.record.map((c) => c.trim());
  const headerLine = records[0]!.info.lines;
  header.forEach((c, k) => {
    if (c !== "") return;
    // pandas' DataFrame.to_csv writes its row index as a first column without a name.
    const pandas = k === 0 ? " (pandas writes its row index so: write the design with to_csv(path, index=False))" : "";
    throw new UserError(`${label}: column ${k + 1} of the header (line ${headerLine}) has no name${pandas}; expected one parameter name per column.`);
  });
  const dup = header.find((c, k) => header.indexOf(c) !== k);
  if (dup !== undefined) throw new UserError(`${label}: the column ${quote(dup)} appears twice in the header (line ${headerLine}); expected each parameter once.`);
  for (const c of header) {
    if (!(PARAM_NAMES as readonly string[]).includes(c)) {
      const near = nearestKey(c, PARAM_NAMES);
      throw new UserError(`${label}: column ${quote(c)} (line ${headerLine}) is not a parameter${near ? ` (did you mean "${near}"?)` : ""}; expected a parameter name of migsim params in every column.`);
    }
  }
  const params = header as ParamName[];
  if (records.length === 1) throw new UserError(`${label} has a header but no design points; expected at least one line of values after it.`);
  if (records.length - 1 > MAX_SWEEP_POINTS) {
    throw new UserError(`${label} has ${records.length - 1} design points, more than the ${MAX_SWEEP_POINTS} a sweep or design may have; split it into several runs.`);
  }
  const points = records.slice(1).map(({ record, info }, point) =>
    params.map((p, j) => {
      const cell = record[j];
      const at = `${label}: line ${info.lines} (point ${point}), column ${p}`;
      const v = isFlag(p) ? flagCell(cell) : cellNumber(cell);
      if (Number.isNaN(v)) throw new UserError(`${at}: ${quote(cell ?? "")} is not ${isFlag(p) ? "0, 1, false or true" : "a number"}; expected ${expected(p)}.`);
      const problem = designValueProblem(p, v);
      if (problem) throw new UserError(`${at}: ${problem}; expected ${expected(p)}, that parameter's range (migsim params).`);
      return v;
    }));
  return { file, sha256, params, points };
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a sha256 in hex" });

/** The shape of ExperimentSpec.design in a manifest (designProblem does the rest). */
export const designSchema = z.strictObject({
  file: z.string({ error: "expected the design file's path" }),
  sha256: hex64,
  params: z.array(z.enum(PARAM_NAMES as unknown as [ParamName, ...ParamName[]], { error: "expected a parameter of migsim params" }), { error: "expected a list of parameters" })
    .min(1, { error: "expected at least one parameter" }),
  points: z.array(z.array(z.number({ error: "expected a number" }), { error: "expected a list of numbers" }), { error: "expected a list of design points" })
    .min(1, { error: "expected at least one design point" })
    .max(MAX_SWEEP_POINTS, { error: `expected at most ${MAX_SWEEP_POINTS} design points` }),
});

/**
 * What the schema cannot say of a spec's design: each parameter once, one value per parameter in
 * every point, each in its parameter's range. Returns the first problem as [key path under
 * spec.design, what was expected], or null.
 */
export function designProblem(d: Design): [(string | number)[], string] | null {
  const dup = d.params.findIndex((p, k) => d.params.indexOf(p) !== k);
  if (dup >= 0) return [["params", dup], `${d.params[dup]} is given twice; expected each parameter once`];
  for (const [k, values] of d.points.entries()) {
    if (values.length !== d.params.length) return [["points", k], `expected ${d.params.length} values, one per parameter`];
    for (const [j, v] of values.entries()) {
      const problem = designValueProblem(d.params[j]!, v);
      if (problem) return [["points", k, j], `${d.params[j]}: ${problem}`];
    }
  }
  return null;
}

/**
 * Warnings for policy steps that set a parameter the run varies (a --design's column, or a
 * scenario's own sweep): the step wins from its month, so the varied values hold only until then,
 * or change nothing when the step is at or before the start. Sweeps and designs, like a scenario's
 * params:, are the layer under the policy timeline (engine/simulate.ts).
 */
export function variedParamWarnings(scenarios: readonly { name: string; start: string; policy: readonly PolicyEntry[]; sweep?: SweepSpec }[], design: Design | undefined): string[] {
  const out: string[] = [];
  for (const sc of scenarios) {
    const varied: readonly string[] = design ? design.params : sweptNames(sc.sweep);
    if (varied.length === 0) continue;
    const by = design ? design.file : `its sweep`;
    for (const step of sc.policy) {
      const set = Object.keys(step.set).filter((n) => varied.includes(n));
      if (set.length === 0) continue;
      out.push(step.from <= sc.start
        ? `${sc.name}'s policy step from ${step.from}, at or before its start (${sc.start}), sets ${set.join(", ")}, which ${by} varies: every point runs with the step's value, so the varied values of ${set.length > 1 ? "these parameters" : "it"} change nothing in ${sc.name}.`
        : `${sc.name}'s policy step from ${step.from} sets ${set.join(", ")}, which ${by} varies: the varied values hold until ${step.from}, and from then on every point runs with the step's value.`);
    }
  }
  return out;
}
