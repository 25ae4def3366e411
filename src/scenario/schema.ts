// The scenario language, as a zod schema: the single source of the validation rules, the
// TypeScript types and the published JSON Schema (scenarios/scenario.schema.json).

import { z } from "zod";
import { PARAMS, PARAM_NAMES, type ParamName, type ParamSpec } from "../model/params.js";
import { SERIES_NAMES } from "../model/inputs.js";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const YEAR_OR_MONTH = /^\d{4}(-(0[1-9]|1[0-2]))?$/;

export const monthSchema = z
  .string({ error: "expected a month as YYYY-MM, e.g. 2027-04" })
  .regex(MONTH, { error: "expected a month as YYYY-MM with month 01-12, e.g. 2027-04" });

function paramSchema(spec: ParamSpec): z.ZodType {
  if (!("range" in spec)) return z.boolean({ error: "expected true or false" }).describe(spec.description);
  const [lo, hi] = spec.range;
  let n = z.number({ error: `expected a number in [${lo}, ${hi}] (${spec.unit})` })
    .min(lo, { error: `expected at least ${lo} (${spec.unit}); plausible range [${lo}, ${hi}]` })
    .max(hi, { error: `expected at most ${hi} (${spec.unit}); plausible range [${lo}, ${hi}]` });
  if (spec.integer) n = n.int({ error: `expected a whole number (${spec.unit})` });
  return n.describe(`${spec.description} [${spec.unit}]`);
}

const paramShape = Object.fromEntries(PARAM_NAMES.map((k) => [k, paramSchema(PARAMS[k]).optional()])) as Record<
  ParamName,
  z.ZodOptional<z.ZodType>
>;

export const paramsSchema = z.strictObject(paramShape);

const seriesPoints = z
  .record(z.string(), z.number({ error: "expected a number" }).min(0, { error: "series values are >= 0" }))
  .superRefine((points, ctx) => {
    // Checked here rather than in the key schema so the message reaches the user with the key.
    for (const key of Object.keys(points)) {
      if (!YEAR_OR_MONTH.test(key)) ctx.addIssue({ code: "custom", path: [key], message: `series dates are YYYY or YYYY-MM (month 01-12), got "${key}"` });
    }
  });

export const seriesSchema = z.strictObject(
  Object.fromEntries(SERIES_NAMES.map((k) => [k, seriesPoints.optional()])) as Record<string, z.ZodOptional<typeof seriesPoints>>,
);

export const policyStepSchema = z.strictObject({
  from: monthSchema.describe("First month the change is in force"),
  set: paramsSchema.describe("Parameters changed from that month on"),
  note: z.string().optional().describe("Why: the rule or the assumption"),
});

const NUMERIC_PARAMS = PARAM_NAMES.filter((k) => "range" in PARAMS[k]);

const sweepValues = z.union([
  z.array(z.number({ error: "expected a number" }), { error: "expected a list of values or { from, to, step }" }).min(1),
  z.strictObject({
    from: z.number({ error: "expected a number" }),
    to: z.number({ error: "expected a number" }),
    step: z.number({ error: "expected a number" }).gt(0, { error: "step must be > 0" }),
  }),
]);

export const sweepSchema = z.strictObject({
  grid: z.strictObject(Object.fromEntries(NUMERIC_PARAMS.map((k) => [k, sweepValues.optional()])) as Record<string, z.ZodOptional<typeof sweepValues>>)
    .optional().describe("Full factorial over these parameters: a list of values or { from, to, step } each"),
  latinHypercube: z.strictObject({
    n: z.number().int({ error: "expected a whole number of points" }).min(1).max(100000),
    seed: z.number().int().min(0).optional().describe("Seed of the design (default 1); the design is part of the scenario"),
    params: z.strictObject(
      Object.fromEntries(NUMERIC_PARAMS.map((k) => [k, z.tuple([z.number(), z.number()], { error: "expected [min, max]" }).optional()])) as Record<string, z.ZodOptional<z.ZodTuple>>,
    ),
  }).optional().describe("A Latin hypercube of n points over [min, max] per parameter"),
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "expected a lower-case name of letters, digits and '-'" }).optional()
    .describe("Scenario name in outputs; defaults to the file name"),
  description: z.string().min(1).optional().describe("What the scenario asks, in a sentence or two"),
  sources: z.array(z.string()).optional().describe("Where its assumptions come from"),
  extends: z.string().optional().describe("Path of the scenario this one modifies, relative to this file"),
  start: monthSchema.optional().describe("First simulated month"),
  end: monthSchema.optional().describe("Last simulated month"),
  scale: z.number().gt(0, { error: "expected a share of the real population in (0, 1]" }).max(1).optional()
    .describe("Share of the real population simulated"),
  params: paramsSchema.optional().describe("Parameter values for the whole run (see `migsim params`)"),
  policy: z.array(policyStepSchema).optional().describe("Time-varying policy: parameter changes from given months"),
  series: seriesSchema.optional().describe("Points that replace the default exogenous series"),
  sweep: sweepSchema.optional().describe("Parameter sweep: each point is a task; its values appear as output columns"),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;

/** JSON Schema for editors (published as scenarios/scenario.schema.json). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { target: "draft-2020-12" });
}
