// Policy steps that cannot take effect: a step dated after the run's last month (the scenario's
// end, or --until), and a step after the start that sets a parameter the model reads only when it
// sets the run up. Both are legal (a library scenario run with --until, a step kept for a longer
// run), so they are warned about, not refused: one line per scenario, by `run` and `validate`.

import type { ParamName } from "../model/params.js";
import type { PolicyEntry } from "./load.js";

/**
 * Parameters read only when a run is set up (engine/simulate.ts initSimulation: the employers are
 * drawn once, from the parameters with the steps dated at or before the start applied), each with
 * what it sets. A policy step after the start that sets one of them changes nothing, or (smeShare,
 * ruralShare) only the part named. test/scenario/policy-effect.test.ts runs the months of a run
 * with every parameter's reads recorded, and fails if one of these is read after the set-up
 * (except where `alsoMonthly` says which monthly reading is expected).
 */
export const SETUP_ONLY_PARAMS: Readonly<Partial<Record<ParamName, { sets: string; alsoMonthly?: string }>>> = {
  workersPerEmployer: { sets: "how many employers there are" },
  sameStatusWageSpreadCv: { sets: "each employer's wage level" },
  smeShare: {
    sets: "which employers are SMEs",
    alsoMonthly: "a later value changes only the local subsidy's extra interns (transitions/entries.ts addSubsidisedInterns), not the employers",
  },
  ruralShare: {
    sets: "which employers are rural",
    alsoMonthly: "a later value changes only the local subsidy's extra interns (transitions/entries.ts addSubsidisedInterns), not the employers",
  },
};

/** Up to four items, then how many more. */
function some(items: readonly string[]): string {
  return items.length <= 4 ? items.join(", ") : `${items.slice(0, 4).join(", ")} and ${items.length - 4} more`;
}

const sameStep = (a: PolicyEntry, b: PolicyEntry): boolean => a.from === b.from && JSON.stringify(Object.entries(a.set).sort()) === JSON.stringify(Object.entries(b.set).sort());

/**
 * One warning per scenario whose policy has steps that cannot take effect (none for the others).
 * `until`: the run's --until (null: each scenario's end). `shared`: the steps of the scenario the
 * others are compared with (the run's reference, or the library's baseline): a step past --until
 * that is one of them is the common background a shortened run leaves out on purpose, not the
 * scenario's own policy, and is not warned about; a step past the scenario's own end always is.
 */
export function policyWarnings(scenarios: readonly { name: string; start: string; end: string; policy: readonly PolicyEntry[] }[], until: string | null = null, shared: readonly PolicyEntry[] = []): string[] {
  const out: string[] = [];
  for (const sc of scenarios) {
    // --until replaces the scenario's end (earlier or later).
    const last = until ?? sc.end;
    const parts: string[] = [];
    const late = [...new Set(sc.policy.filter((p) => p.from > last && (until === null || p.from > sc.end || !shared.some((q) => sameStep(p, q)))).map((p) => p.from))].sort();
    if (late.length > 0) {
      parts.push(`${late.length === 1 ? "its policy step from" : "its policy steps from"} ${some(late)} ${late.length === 1 ? "comes" : "come"} after the run's last month (${last}, ${until !== null ? "--until" : "the scenario's end"}), so ${late.length === 1 ? "it takes" : "they take"} no effect`);
    }
    const setup = new Map<string, string[]>();
    for (const p of sc.policy) {
      if (p.from <= sc.start || p.from > last) continue;
      for (const k of Object.keys(p.set)) {
        if (!(k in SETUP_ONLY_PARAMS)) continue;
        setup.set(k, [...(setup.get(k) ?? []), p.from]);
      }
    }
    for (const [k, months] of setup) {
      const what = SETUP_ONLY_PARAMS[k as ParamName]!;
      parts.push(`its policy step${months.length > 1 ? "s" : ""} from ${some(months)} ${months.length > 1 ? "set" : "sets"} ${k}, which is read only when the run is set up: it fixes ${what.sets} once, at the start (model/employers.ts createEmployers), so ${what.alsoMonthly ?? `the step${months.length > 1 ? "s change" : " changes"} nothing`}; to change ${what.sets}, set it in params: (or in a step at or before the start, ${sc.start})`);
    }
    if (parts.length > 0) out.push(`${sc.name}: ${parts.join("; ")}.`);
  }
  return out;
}
