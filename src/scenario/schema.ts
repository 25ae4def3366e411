// The scenario language, as a zod schema: the single source of the validation rules, the
// TypeScript types and the published JSON Schema (scenarios/scenario.schema.json).

import { z } from "zod";
import { PARAMS, PARAM_NAMES, type ParamName, type ParamSpec } from "../model/params.js";
import { SERIES_NAMES, type SeriesName } from "../model/inputs.js";
import { EVENT_CODES, FIRST_EXIT_STATUS, NATIONALITY_CODES, SECTOR_CODES, STATUS_CODES } from "../model/codes.js";
import { quote } from "./quote.js";

// Years 1900-2199: wide of any question the model is asked, narrow enough that every date is
// written back as four digits (a year 0000 run wrote dates that could not be read again).
const MONTH = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/;
const YEAR_OR_MONTH = /^(19|20|21)\d{2}(-(0[1-9]|1[0-2]))?$/;

export const monthSchema = z
  .string({ error: "expected a month as YYYY-MM, e.g. 2027-04" })
  .regex(MONTH, { error: "expected a month as YYYY-MM with year 1900-2199 and month 01-12, e.g. 2027-04" });

/** A number in [lo, hi], each message saying the range and the unit. */
function rangedNumber([lo, hi]: readonly [number, number], unit: string): z.ZodNumber {
  return z.number({ error: `expected a number in [${lo}, ${hi}] (${unit})` })
    .min(lo, { error: `expected at least ${lo} (${unit}); plausible range [${lo}, ${hi}]` })
    .max(hi, { error: `expected at most ${hi} (${unit}); plausible range [${lo}, ${hi}]` });
}

function paramSchema(spec: ParamSpec): z.ZodType {
  if (!("range" in spec)) return z.boolean({ error: "expected true or false" }).describe(spec.description);
  let n = rangedNumber(spec.range, spec.unit);
  if (spec.integer) n = n.int({ error: `expected a whole number (${spec.unit})` });
  return n.describe(`${spec.description} [${spec.unit}]`);
}

const paramShape = Object.fromEntries(PARAM_NAMES.map((k) => [k, paramSchema(PARAMS[k]).optional()])) as Record<
  ParamName,
  z.ZodOptional<z.ZodType>
>;

export const paramsSchema = z.strictObject(paramShape);

/**
 * The plausible range of each exogenous series (docs/model.md, section 6.2). Each reaches well
 * beyond what was observed, so any scenario within reason fits, and refuses what no scenario
 * means: a value off by orders of magnitude (1e15 interns a year gave a RangeError inside a worker
 * and a partial run folder, issue 20) or an index of 0 (raised to an elasticity).
 */
export const SERIES_RANGES: Record<SeriesName, { range: readonly [number, number]; unit: string }> = {
  // Observed annual averages 1.13-1.61 (2017-2025, data/observed/labour_market.csv).
  jobOpeningsRatio: { range: [0.1, 5], unit: "openings per applicant" },
  // 1 = the observed rates of each origin currency; a tenfold shift either way is the plausible range.
  yenValueIndex: { range: [0.1, 10], unit: "scenario shift of the yen against every origin currency, 1 = the observed rates" },
  // 1 = 2023; 0.76-1.12 over 2014-2025 (series.csv): a tenfold move either way.
  wageIndex: { range: [0.1, 10], unit: "index, 1 = 2023" },
  // At most 173,705 a year (2019, series.csv): about five times that.
  tiEntriesPerYear: { range: [0, 1_000_000], unit: "persons/year, 1:1" },
  // Above the whole FY2024-2028 cap of 820,000 (data/rules.md) in a single year.
  ssw1EntriesPerYear: { range: [0, 1_000_000], unit: "persons/year, 1:1" },
  // At most 88,000 a year (2019, series.csv): more than ten times that.
  sieEntriesPerYear: { range: [0, 1_000_000], unit: "persons/year, 1:1" },
  studentStock: { range: [0, 10_000_000], unit: "persons, 1:1" },
  studentToSieSharePerYear: { range: [0, 1], unit: "share of students per year" },
  // 820,000 for FY2024-2028 (data/rules.md): about twelve times that.
  ssw1StockCap: { range: [0, 10_000_000], unit: "persons, 1:1" },
  // 0.76-1 over 2014-2023 (series.csv); share x index is capped at 1 (refreshEmployerTraits).
  underpayingEmployerIndex: { range: [0, 5], unit: "index, 1 = 2014" },
};

function seriesPoints(name: SeriesName) {
  const { range, unit } = SERIES_RANGES[name];
  return z
    .record(z.string(), rangedNumber(range, unit))
    .superRefine((points, ctx) => {
      // Checked here rather than in the key schema so the message reaches the user with the key.
      for (const key of Object.keys(points)) {
        if (!YEAR_OR_MONTH.test(key)) ctx.addIssue({ code: "custom", path: [key], message: `series dates are YYYY or YYYY-MM (year 1900-2199, month 01-12), got ${quote(key)}` });
      }
    })
    .describe(`Points (date: value) of ${name}, each in [${range[0]}, ${range[1]}] (${unit})`);
}

export const seriesSchema = z.strictObject(
  Object.fromEntries(SERIES_NAMES.map((k) => [k, seriesPoints(k).optional()])) as Record<SeriesName, z.ZodOptional<ReturnType<typeof seriesPoints>>>,
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

export const scaleSchema = z.number({ error: "expected a share of the real population in (0, 1]" })
  .gt(0, { error: "expected a share of the real population in (0, 1]" })
  .max(1, { error: "expected a share of the real population in (0, 1]" });

/** A span of months FROM..TO (both included) as a scenario file writes it, e.g. 2028-04..2035-12. */
export const windowTextSchema = z.string({ error: "expected FROM..TO months as YYYY-MM, e.g. 2028-04..2035-12" })
  .regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])\.\.(19|20|21)\d{2}-(0[1-9]|1[0-2])$/, { error: "expected FROM..TO months as YYYY-MM, e.g. 2028-04..2035-12" });

const IN_JAPAN = STATUS_CODES.slice(0, FIRST_EXIT_STATUS) as unknown as [string, ...string[]];
const codeOf = (codes: readonly string[], what: string) => z.enum(codes as unknown as [string, ...string[]], { error: `expected ${what}: ${codes.join(", ")}` });

/**
 * A metric a scenario file declares (output/summary.ts declaredMetric): events or a stock, filtered
 * by status, nationality, sector and the employer's region and size, over a window, as a count, a
 * rate per 1,000 person-years, or person-years.
 */
export const metricSchema = z.strictObject({
  name: z.string({ error: "expected a name" }).regex(/^[a-z][a-z0-9_]*$/, { error: "expected a lower-case name of letters, digits and '_', starting with a letter" })
    .describe("The metric's name in summary.csv and effects.csv"),
  event: codeOf(EVENT_CODES, "an event code").optional().describe("Count these events (flows.csv's event codes)"),
  stock: codeOf(IN_JAPAN, "a status in Japan").optional().describe("Or the stock of this status"),
  from: codeOf(STATUS_CODES, "a status").optional().describe("Events from this status only (and, with as: rate, the person-years of this status are the denominator)"),
  to: codeOf(STATUS_CODES, "a status").optional().describe("Events to this status only"),
  nationality: codeOf(NATIONALITY_CODES, "a nationality").optional(),
  sector: codeOf(SECTOR_CODES, "a sector").optional(),
  region: codeOf(["urban", "rural"], "an employer's region").optional().describe("The employer's region (agents without an employer never match)"),
  size: codeOf(["sme", "large"], "an employer's size").optional().describe("The employer's size (agents without an employer never match)"),
  window: windowTextSchema.optional().describe("Months FROM..TO counted (default: the whole run); a stock's count is that of TO"),
  as: z.enum(["count", "rate", "person-years"], { error: "expected count, rate or person-years" }).optional()
    .describe("count (default); rate: events per 1,000 person-years of the `from` status with the same filters; person-years: a stock's month-end counts / 12"),
}).superRefine((m, ctx) => {
  const issue = (path: string, message: string): void => void ctx.addIssue({ code: "custom", path: [path], message });
  if ((m.event === undefined) === (m.stock === undefined)) issue("event", "expected either event: (events counted) or stock: (a status's stock), not both or neither");
  if (m.stock !== undefined) {
    if (m.from !== undefined || m.to !== undefined) issue(m.from !== undefined ? "from" : "to", "from: and to: filter events; a stock: metric has neither");
    if (m.as === "rate") issue("as", "a stock: metric is a count or person-years, not a rate");
  }
  if (m.event !== undefined) {
    if (m.as === "person-years") issue("as", "an event: metric is a count or a rate; person-years are of a stock:");
    if (m.as === "rate" && (m.from === undefined || !(IN_JAPAN as readonly string[]).includes(m.from))) {
      issue("from", "as: rate needs from: a status in Japan, whose person-years (with the same filters) are the denominator");
    }
  }
});
export type DeclaredMetric = z.infer<typeof metricSchema>;

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "expected a lower-case name of letters, digits and '-'" }).optional()
    .describe("Scenario name in outputs; defaults to the file name"),
  description: z.string().min(1).optional().describe("What the scenario asks, in a sentence or two"),
  sources: z.array(z.string()).optional().describe("Where its assumptions come from"),
  extends: z.string().optional().describe("Path of the scenario this one modifies, relative to this file"),
  start: monthSchema.optional().describe("First simulated month"),
  end: monthSchema.optional().describe("Last simulated month"),
  scale: scaleSchema.optional().describe("Share of the real population simulated"),
  params: paramsSchema.optional().describe("Parameter values for the whole run (see `migsim params`)"),
  policy: z.array(policyStepSchema).optional().describe("Time-varying policy: parameter changes from given months"),
  series: seriesSchema.optional().describe("Points that replace the default exogenous series"),
  sweep: sweepSchema.optional().describe("Parameter sweep: each point is a task; its values appear as output columns"),
  windows: z.array(windowTextSchema).optional().describe("summary.csv also counts its flows over these months, as --window FROM..TO does"),
  metrics: z.array(metricSchema).optional().describe("Metrics of your own for summary.csv and effects.csv (every scenario of the run gets them)"),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;

/** JSON Schema for editors (published as scenarios/scenario.schema.json). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { target: "draft-2020-12" });
}
