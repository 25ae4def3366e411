// One validation for every way a run starts (issue 20). `migsim validate` checks a file with the
// same function as `run` (validateScenarios), so it never says ok to what a run refuses; a
// manifest read back for `run --resume`, `reproduce` or `merge` is checked against the schema of
// a resolved scenario, then by the same function (validateExperimentSpec). All of it happens
// before a task list is built or anything is written.

import { z } from "zod";
import { UserError } from "../errors.js";
import { BREAKDOWN_DIMS } from "../model/codes.js";
import type { ModelInputs } from "../model/inputs.js";
import { type ResolvedScenario, checkPeriod, formatIssues } from "./load.js";
import { clipPath, quote } from "./quote.js";
import { buildInputs } from "./resolve.js";
import { metricSchema, monthSchema, paramsSchema, policyStepSchema, scaleSchema, seriesSchema, sweepSchema, windowTextSchema } from "./schema.js";
import { type Design, designProblem, designSchema } from "./design.js";
import { type PosteriorDraws, posteriorDrawsProblem, posteriorDrawsSchema } from "./posterior.js";
import { checkSweep } from "./sweep.js";
import { type MonthWindow, checkWindows, monthWindowSchema, windowText } from "./window.js";

/**
 * Most tasks (scenarios x sweep points x replicates) a run may have. The task list is held in
 * memory and manifest.json lists every task (about 200 bytes each, so 200 MB at the cap), and a
 * million tasks of even a tenth of a second each is more than a day of CPU time.
 */
export const MAX_TASKS = 1_000_000;
/** Most replicates per scenario and sweep point (as `--replicates` allows). */
export const MAX_REPLICATES = 100_000;

/** The run options that decide whether scenarios can run (an ExperimentSpec has them all). */
export interface ScenarioCheckOptions {
  /** `--scale`, overriding each scenario's scale. */
  scale?: number | null;
  /** `--until`, overriding each scenario's end. */
  until?: string | null;
  replicates?: number;
  /** `--window FROM..TO`: each within every scenario's months (scenario/window.ts). */
  windows?: readonly MonthWindow[];
  /** `--reference NAME`: one of the scenarios' names. */
  reference?: string;
  /** `--design FILE`: every scenario runs its points, and none may have a sweep of its own. */
  design?: Design;
  /** Where the scenarios were read when not from their files, e.g. "Manifest out/manifest.json". */
  source?: string;
}

/** x rounded up to two significant digits. */
function roundUp(x: number): number {
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Number((Math.ceil(x / step) * step).toPrecision(2));
}

/** Refuses a scale at which the expected initial population is below one agent. */
function checkScale(where: string, s: ResolvedScenario, inputs: ModelInputs, o: ScenarioCheckOptions): void {
  const people = inputs.initialStock.reduce((a, b) => a + b, 0);
  const agents = people * inputs.scale;
  if (agents >= 1) return;
  let smallest = roundUp(1 / people);
  // Two significant digits rounded up can still fall a hair short in floating point.
  while (smallest * people < 1) smallest = roundUp(smallest * 1.01);
  const what = o.scale == null ? `${where}: scale ${s.scale}` : o.source ? `${o.source}: spec.scale ${o.scale}` : `--scale ${o.scale}`;
  throw new UserError(
    `${what} simulates ${agents.toPrecision(2)} agents at the start (${people} people in data/inputs/initial_stock.csv x the scale), fewer than one; the smallest scale that simulates at least one agent is ${smallest}.`,
  );
}

/**
 * Everything that decides whether scenarios can run beyond each file's schema: end not before
 * start (and `--until`), the input tables, a scale that simulates at least one agent, the sweep
 * (see checkSweep), no sweep with a `--design` (whose points every scenario runs), distinct
 * names, `--window`s within every scenario's months (checkWindows), a `--reference` that names
 * one of the scenarios, and at most MAX_TASKS tasks. Throws a UserError
 * naming the scenario's file (or `o.source`) and the field.
 */
export function validateScenarios(scenarios: readonly ResolvedScenario[], o: ScenarioCheckOptions = {}): void {
  const replicates = o.replicates ?? 1;
  const points = scenarios.map((s, k) => {
    const where = o.source ? `${o.source}: spec.scenarios[${k}] (${quote(s.name)})` : `Scenario ${s.files[0]?.path ?? s.name}`;
    checkPeriod(where, s.start, s.end);
    const inputs = buildInputs(s, { ...(o.scale != null && { scale: o.scale }), ...(o.until != null && { until: o.until }) });
    checkScale(where, s, inputs, o);
    if (o.design) {
      // One or the other: a design's points are the run's sweep points, the same for every scenario
      // (so effects.csv pairs point p with point p), and a scenario's own sweep would not be.
      if (s.sweep) {
        const design = o.source ? "spec.design" : `--design ${clipPath(o.design.file)}`;
        throw new UserError(`${where}: sweep: the scenario (or a file it extends) sweeps parameters, and ${design} gives every scenario of the run its points; use one or the other: remove the sweep: block (put its parameters in the design), or run this scenario without --design.`);
      }
      return o.design.points.length;
    }
    return checkSweep(s.sweep, where);
  });
  const names = scenarios.map((s) => s.name);
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup !== undefined) {
    throw new UserError(`${o.source ? `${o.source}: ` : ""}Two scenarios are named ${quote(dup)}: give one a different 'name:' so their rows can be told apart.`);
  }
  const windows = o.windows ?? [];
  if (windows.length > 0) {
    const months = scenarios.map((s, k) => ({
      what: o.source ? `spec.scenarios[${k}] (${quote(s.name)})` : `scenario ${quote(s.name)} (${s.files[0]?.path ?? s.name})`,
      start: s.start,
      end: o.until ?? s.end,
    }));
    const where = (k: number): string => (o.source ? `${o.source}: spec.windows[${k}] (${windowText(windows[k]!)})` : `--window ${windowText(windows[k]!)}`);
    checkWindows(windows, months, where, o.until != null ? (o.source ? "spec.until" : "--until") : "end");
  }
  if (o.reference !== undefined && !names.includes(o.reference)) {
    throw new UserError(
      `${o.source ? `${o.source}: spec.reference` : "--reference"} ${quote(o.reference)} is not a scenario of this run; expected the name of one of them (${names.map((n) => quote(n)).join(", ")}), the scenario effects.csv compares the others with.`,
    );
  }
  // Counted, not listed: the list is built only once the count is known to fit.
  const allPoints = points.reduce((a, b) => a + b, 0);
  const tasks = allPoints * replicates;
  if (tasks > MAX_TASKS) {
    throw new UserError(
      `${o.source ? `${o.source}: ` : ""}the run would have ${tasks} tasks (${scenarios.length} scenario(s) with ${allPoints} ${o.design ? "design" : "sweep"} point(s) in all, x ${replicates} replicate(s)), more than the ${MAX_TASKS} a run may have; use fewer replicates or ${o.design ? "design" : "sweep"} points, or split the experiment into several runs.`,
    );
  }
}

/** A scenario as loadScenario resolves it (and manifest.json records it): every field present. */
const resolvedScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  sources: z.array(z.string()),
  files: z.array(z.strictObject({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a sha256 in hex" }) })),
  start: monthSchema,
  end: monthSchema,
  scale: scaleSchema,
  params: paramsSchema.required(),
  policy: z.array(policyStepSchema),
  series: seriesSchema,
  sweep: sweepSchema.optional(),
  windows: z.array(windowTextSchema).min(1).optional(),
  metrics: z.array(metricSchema).min(1).optional(),
});

function wholeNumber(lo: number, hi: number): z.ZodNumber {
  const error = `expected a whole number from ${lo} to ${hi}`;
  return z.number({ error }).int({ error }).min(lo, { error }).max(hi, { error });
}

/** What output/manifest.ts's ExperimentSpec holds, with the ranges `migsim run` accepts. */
const experimentSpecSchema = z.object({
  scenarios: z.array(resolvedScenarioSchema, { error: "expected a list of scenarios" }).min(1, { error: "expected at least one scenario" }),
  seed: wholeNumber(0, 2 ** 32 - 1),
  replicates: wholeNumber(1, MAX_REPLICATES),
  scale: scaleSchema.nullable(),
  until: monthSchema.nullable(),
  events: z.boolean({ error: "expected true or false" }),
  eventsFormat: z.literal("parquet", { error: 'expected "parquet" (absent for events.csv)' }).optional(),
  ciTarget: z.number({ error: "expected a share in (0, 1)" }).gt(0, { error: "expected a share in (0, 1)" }).lt(1, { error: "expected a share in (0, 1)" }),
  windows: z.array(monthWindowSchema, { error: "expected a list of windows, each {from, to} months as YYYY-MM" }).min(1, { error: "expected at least one window (absent without --window)" }).optional(),
  reference: z.string({ error: "expected a scenario's name" }).min(1, { error: "expected a scenario's name" }).optional(),
  breakdown: z.array(z.enum(BREAKDOWN_DIMS, { error: `expected one of ${BREAKDOWN_DIMS.join(", ")}` })).min(1, { error: "expected at least one dimension (absent without --breakdown)" }).optional(),
  posterior: posteriorDrawsSchema.optional(),
  design: designSchema.optional(),
});

/**
 * Checks the experiment a manifest records (its `spec`) as a run checks scenario files: the
 * schema of a resolved scenario (every parameter, each in its range; series in theirs; the
 * sweep), then validateScenarios. `source` names the manifest ("Manifest out/manifest.json").
 */
export function validateExperimentSpec(spec: unknown, source: string): void {
  // A field left out gets "missing" where its schema has no message of its own.
  const parsed = experimentSpecSchema.safeParse(spec, { error: (issue) => (issue.input === undefined ? "missing" : undefined) });
  if (!parsed.success) {
    throw new UserError(formatIssues(`${source} does not hold a valid experiment`, parsed.error.issues.map((i) => ({ ...i, path: ["spec", ...i.path] }))));
  }
  const s = parsed.data;
  // The draws a run over a posterior recorded (run/posterior.ts): run again from these values, not the file.
  const problem = s.posterior ? posteriorDrawsProblem(s.posterior as PosteriorDraws, s.replicates, s.scenarios.length) : null;
  if (problem) throw new UserError(`${source} does not hold a valid experiment: ${["spec", "posterior", ...problem[0]].join(".").replace(/\.(\d+)/g, "[$1]")}: ${problem[1]}.`);
  // The design's points as recorded (scenario/design.ts): run again from these values, not the file.
  const bad = s.design ? designProblem(s.design as Design) : null;
  if (bad) throw new UserError(`${source} does not hold a valid experiment: ${["spec", "design", ...bad[0]].join(".").replace(/\.(\d+)/g, "[$1]")}: ${bad[1]}.`);
  if (s.eventsFormat !== undefined && !s.events) throw new UserError(`${source} does not hold a valid experiment: spec.eventsFormat is "${s.eventsFormat}" but spec.events is false (Parquet events need events).`);
  validateScenarios(s.scenarios as ResolvedScenario[], {
    scale: s.scale, until: s.until, replicates: s.replicates, windows: s.windows, reference: s.reference, ...(s.design && { design: s.design as Design }), source,
  });
}
