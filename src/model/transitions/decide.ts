// The monthly decision of one agent in Japan, by status, and the decision screen: an upper bound
// of the agent's total hazard, so that an agent whose draw clears it is known to stay without its
// hazards being computed (bounds.ts says why that changes no result). The rules, hazards and
// bounds of each status are in its own module (intern.ts, ssw.ts, skilled.ts, irregular.ts).

import { Status } from "../codes.js";
import type { SimState } from "../state.js";
import type { DecisionBounds } from "./bounds.js";
import { decideIntern, internHazardBound, internHazards, updateInternBounds } from "./intern.js";
import {
  asylumHazardBound, asylumHazards, decideAsylum, decideDesignated, decideDetained, decideIrregular, decideProvisional,
  designatedHazardBound, designatedHazards, detainedHazardBound, detainedHazards, irregularHazardBound, irregularHazards,
  provisionalHazardBound, provisionalHazards,
} from "./irregular.js";
import { decidePr, decideSie, prHazards, prHazardsBound, sieHazardBound, sieHazards } from "./skilled.js";
import { decideSsw1, decideSsw2, ssw1HazardBound, ssw1Hazards, ssw2HazardBound, ssw2Hazards, updateSsw1Bounds } from "./ssw.js";

type Decide = (s: SimState, i: number, u: number) => void;
type Hazards = (s: SimState, i: number, h: Float64Array) => number;

/**
 * Each status's rules, by status code: its decision, and the competing hazards the decision weighs
 * between its scheduled steps (for tests of the screen's bounds). The decision is called through
 * this table (docs/performance.md, 'Decisions by table').
 */
const RULES_BY_STATUS: ({ decide: Decide; hazards: Hazards } | undefined)[] = new Array(Status.RETURNED).fill(undefined);
RULES_BY_STATUS[Status.TI] = { decide: decideIntern, hazards: internHazards };
RULES_BY_STATUS[Status.SSW1] = { decide: decideSsw1, hazards: ssw1Hazards };
RULES_BY_STATUS[Status.SSW2] = { decide: decideSsw2, hazards: ssw2Hazards };
RULES_BY_STATUS[Status.SIE] = { decide: decideSie, hazards: sieHazards };
RULES_BY_STATUS[Status.IRREGULAR] = { decide: decideIrregular, hazards: irregularHazards };
RULES_BY_STATUS[Status.ASYLUM] = { decide: decideAsylum, hazards: asylumHazards };
RULES_BY_STATUS[Status.PR] = { decide: decidePr, hazards: prHazards };
RULES_BY_STATUS[Status.DETAINED] = { decide: decideDetained, hazards: (s, _i, h) => detainedHazards(s, h) };
RULES_BY_STATUS[Status.PROVISIONAL] = { decide: decideProvisional, hazards: provisionalHazards };
RULES_BY_STATUS[Status.DESIGNATED] = { decide: decideDesignated, hazards: (s, _i, h) => designatedHazards(s, h) };

/** Agent i (status st, in Japan) takes this month's decision with its decision draw u. */
export function decideAgent(s: SimState, i: number, st: number, u: number): void {
  const rules = RULES_BY_STATUS[st];
  if (rules !== undefined) rules.decide(s, i, u);
}

/**
 * Agent i's competing hazards this month (status st, in Japan, not at a scheduled step), in h;
 * returns how many (0 for a status with none).
 */
export function hazardsOf(s: SimState, i: number, st: number, h: Float64Array): number {
  const rules = RULES_BY_STATUS[st];
  return rules === undefined ? 0 : rules.hazards(s, i, h);
}

/** Fills `b` for this month: after the month's context, with this month's parameters and employers. */
export function updateDecisionBounds(s: SimState, b: DecisionBounds): void {
  const emp = s.employers;
  // Employer terms take their largest value at the smallest or the largest underpayment share.
  let minUnderpay = Infinity;
  let maxUnderpay = -Infinity;
  for (let e = 0; e < emp.count; e++) {
    const share = emp.underpayShare[e]!;
    if (share < minUnderpay) minUnderpay = share;
    if (share > maxUnderpay) maxUnderpay = share;
  }
  if (emp.count === 0) minUnderpay = maxUnderpay = 0;
  b.minUnderpayShare = minUnderpay;
  b.maxUnderpayShare = maxUnderpay;

  updateInternBounds(s, b);
  updateSsw1Bounds(s, b);
  const t = b.totalByStatus;
  t[Status.SSW2] = ssw2HazardBound(s);
  t[Status.SIE] = sieHazardBound(s);
  t[Status.PR] = prHazardsBound(s);
  t[Status.IRREGULAR] = irregularHazardBound(s);
  t[Status.ASYLUM] = asylumHazardBound(s);
  t[Status.DETAINED] = detainedHazardBound(s);
  t[Status.PROVISIONAL] = provisionalHazardBound(s);
  t[Status.DESIGNATED] = designatedHazardBound(s);
}

/**
 * An upper bound of agent i's total hazard this month (status st, after this month's accrual),
 * or NaN when the agent must take the full decision anyway (a TI milestone, the SSW1 cap, every
 * DESIGNATED agent: the special stay's scheduled end, irregular.ts).
 */
export function hazardBound(s: SimState, b: DecisionBounds, i: number, st: number): number {
  if (st === Status.TI) return internHazardBound(s, b, i);
  if (st === Status.SSW1) return ssw1HazardBound(s, b, i);
  return b.totalByStatus[st]!;
}
