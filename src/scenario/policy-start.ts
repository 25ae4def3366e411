// When a scenario's policy starts to differ from its reference's: the month its effect can first
// show. summary.csv counts each headline flow from that month to the end (the policy window, so a
// 2028 policy is not averaged with the identical years before it), and the report marks it on the
// charts of differences over time.

import { PARAM_NAMES } from "../model/params.js";
import { SERIES_NAMES, formatMonth, parseMonth } from "../model/inputs.js";
import type { ResolvedScenario } from "./load.js";
import { SERIES_INTERPOLATION, expandSeries, seriesPoints } from "./resolve.js";

/** What policyStart compares: the parts of a resolved scenario that can make its months differ. */
export type PolicyParts = Pick<ResolvedScenario, "start" | "end" | "params" | "policy" | "series">;

/** The value each parameter has in month `month` (YYYY-MM) under the scenario's params and policy steps. */
function valuesAt(s: PolicyParts, month: string): Map<string, unknown> {
  const v = new Map<string, unknown>(PARAM_NAMES.map((k) => [k, s.params[k]]));
  // Steps apply in timeline order from their month; a later step overrides an earlier one.
  const due = s.policy.filter((p) => p.from <= month).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  for (const p of due) for (const [k, x] of Object.entries(p.set)) v.set(k, x);
  return v;
}

const sameValues = (a: Map<string, unknown>, b: Map<string, unknown>): boolean => [...a].every(([k, x]) => b.get(k) === x);

/**
 * The first month (YYYY-MM) in which `s` and `reference` differ: a parameter's value (its own
 * params, or a policy step in force) or a series' value (expanded month by month as the run
 * expands it, so an interpolated series differs from before the point that differs). Returns the
 * later start when they already differ there (different parameters from the outset, which is not a
 * policy with a date), and undefined when they never differ before the earlier end.
 */
export function policyStart(s: PolicyParts, reference: PolicyParts): string | undefined {
  const first = s.start > reference.start ? s.start : reference.start;
  const last = s.end < reference.end ? s.end : reference.end;
  if (first > last) return undefined;
  let found: string | undefined;
  // Parameters change only at a policy step's month (or the start).
  const months = new Set<string>([first]);
  for (const p of [...s.policy, ...reference.policy]) if (p.from > first && p.from <= last) months.add(p.from);
  for (const m of [...months].sort()) {
    if (!sameValues(valuesAt(s, m), valuesAt(reference, m))) {
      found = m;
      break;
    }
  }
  // Series: the first month whose expanded value differs.
  const firstAbs = parseMonth(first);
  const n = parseMonth(found ?? last) - firstAbs + 1;
  const a = seriesPoints(s as ResolvedScenario);
  const b = seriesPoints(reference as ResolvedScenario);
  for (const name of SERIES_NAMES) {
    if (JSON.stringify(a[name]) === JSON.stringify(b[name])) continue;
    const x = expandSeries(a[name], SERIES_INTERPOLATION[name], firstAbs, n);
    const y = expandSeries(b[name], SERIES_INTERPOLATION[name], firstAbs, n);
    for (let t = 0; t < n; t++) {
      if (x[t] !== y[t]) {
        const m = formatMonth(firstAbs + t);
        if (found === undefined || m < found) found = m;
        break;
      }
    }
  }
  return found;
}

/** A run's months as policyWindowStart needs them: its scenarios and `--until` (null: none). */
export interface RunPeriod {
  scenarios: readonly PolicyParts[];
  until: string | null;
}

/** The run's last month: `--until` (which may lie past a scenario's end), else the earliest end. */
export function runLastMonth(run: RunPeriod): string {
  return run.until ?? run.scenarios.reduce((m, s) => (s.end < m ? s.end : m), run.scenarios[0]!.end);
}

/**
 * The first month of scenario `s`'s policy window in a run (summary.csv's window metrics from it to
 * runLastMonth): policyStart against `reference` with both cut to the run's last month, kept only
 * when it lies after the run's first month (the latest start): a scenario that differs from the
 * outset has no policy window. Undefined when there is none. The run (run/experiment.ts
 * runWindows) and the report use this one rule, so they agree on the window.
 */
export function policyWindowStart(s: PolicyParts, reference: PolicyParts, run: RunPeriod): string | undefined {
  const first = run.scenarios.reduce((m, x) => (x.start > m ? x.start : m), reference.start);
  const last = runLastMonth(run);
  const from = policyStart({ ...s, end: last }, { ...reference, end: last });
  return from !== undefined && from > first && from <= last ? from : undefined;
}
