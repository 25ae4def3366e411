// `migsim run --window FROM..TO`: a span of months over which summary.csv also counts flows
// (output/summary.ts taskMetrics), so a policy that starts in 2028 is not averaged with the
// identical years before it. Parsed from the flag here, recorded in the spec (manifest.json), and
// checked against the scenarios' months by validateScenarios, for a new run and for a spec read
// back from a manifest alike.

import { z } from "zod";
import { UserError } from "../errors.js";
import { parseMonth } from "../model/inputs.js";
import { quote } from "./quote.js";
import { monthSchema } from "./schema.js";

/** Months FROM..TO, both included, as YYYY-MM. */
export interface MonthWindow {
  from: string;
  to: string;
}

/** As the manifest's spec.windows holds a window. */
export const monthWindowSchema = z.strictObject({ from: monthSchema, to: monthSchema });

/** The window as typed on the command line, FROM..TO. */
export const windowText = (w: MonthWindow): string => `${w.from}..${w.to}`;

/** The suffix of a window's metric names: abscond_<FROM>_<TO>. */
export const windowLabel = (w: MonthWindow): string => `${w.from}_${w.to}`;

const WINDOW = /^(\d{4}-\d{2})\.\.(\d{4}-\d{2})$/;

/** Parses one `--window` value; the order and the scenarios' months are checked by checkWindows. */
export function parseWindow(text: string): MonthWindow {
  const m = WINDOW.exec(text.trim());
  // monthSchema: the months a scenario may name (years 1900-2199, months 01-12).
  if (!m || !monthSchema.safeParse(m[1]).success || !monthSchema.safeParse(m[2]).success) {
    throw new UserError(`--window expects FROM..TO, the first and last month counted as YYYY-MM (both included, year 1900-2199, month 01-12), e.g. 2028-04..2035-12; got ${quote(text)}.`);
  }
  return { from: m[1]!, to: m[2]! };
}

/** The months a scenario runs, start to end (or --until), as the check below needs them. */
export interface ScenarioMonths {
  /** How the scenario is named in an error, e.g. "scenario baseline (scenarios/baseline.yaml)". */
  what: string;
  start: string;
  end: string;
}

/**
 * Refuses a window whose FROM is after its TO, one given twice (its metrics would be named twice),
 * and one with a month outside a scenario's start..end: its counts would silently miss the months
 * the scenario never ran. `where(k)` names window k in the message: "--window 2028-04..2035-12",
 * or the manifest's field.
 */
export function checkWindows(windows: readonly MonthWindow[], scenarios: readonly ScenarioMonths[], where: (k: number) => string, endName: string): void {
  windows.forEach((w, k) => {
    if (w.from > w.to) {
      throw new UserError(`${where(k)}: FROM (${w.from}) is after TO (${w.to}); expected FROM..TO with FROM no later than TO, e.g. ${w.to}..${w.from}.`);
    }
    const twice = windows.findIndex((x) => x.from === w.from && x.to === w.to);
    if (twice < k) throw new UserError(`${where(k)} is given twice; give each window once (its metrics are named after its months).`);
    for (const s of scenarios) {
      const [from, to, start, end] = [w.from, w.to, s.start, s.end].map(parseMonth) as [number, number, number, number];
      if (from >= start && to <= end) continue;
      const side = from < start ? `starts before ${s.what} does (${s.start})` : `ends after ${s.what} does (${s.end})`;
      throw new UserError(`${where(k)} ${side}; expected a window within every scenario's months, here ${s.start}..${s.end} (its start to its ${endName}).`);
    }
  });
}
