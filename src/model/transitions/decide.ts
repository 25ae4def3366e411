// The monthly decision of one agent in Japan, by status, and the decision screen: an upper bound
// of the agent's total hazard, so that an agent whose draw clears it is known to stay without its
// hazards being computed (bounds.ts says why that changes no result). The rules, hazards and
// bounds of each status are in its own module (intern.ts, ssw.ts, skilled.ts, irregular.ts).

import { Status } from "../codes.js";
import type { SimState } from "../state.js";
import type { DecisionBounds } from "./bounds.js";
import { decideIntern, internHazardBound, internHazards, updateInternBounds } from "./intern.js";
import { asylumHazardBound, asylumHazards, decideAsylum, decideIrregular, irregularHazardBound, irregularHazards } from "./irregular.js";
import { decidePr, decideSie, prHazards, prHazardsBound, sieHazardBound, sieHazards } from "./skilled.js";
import { decideSsw1, decideSsw2, ssw1HazardBound, ssw1Hazards, ssw2HazardBound, ssw2Hazards, updateSsw1Bounds } from "./ssw.js";

type Decide = (s: SimState, i: number, u: number) => void;

/** Each status's decision, by status code (a table: docs/performance.md, 'Decisions by table'). */
const DECIDE_BY_STATUS: (Decide | undefined)[] = new Array<Decide | undefined>(Status.RETURNED).fill(undefined);
DECIDE_BY_STATUS[Status.TI] = decideIntern;
DECIDE_BY_STATUS[Status.SSW1] = decideSsw1;
DECIDE_BY_STATUS[Status.SSW2] = decideSsw2;
DECIDE_BY_STATUS[Status.SIE] = decideSie;
DECIDE_BY_STATUS[Status.IRREGULAR] = decideIrregular;
DECIDE_BY_STATUS[Status.ASYLUM] = decideAsylum;
DECIDE_BY_STATUS[Status.PR] = decidePr;

/** Agent i (status st, in Japan) takes this month's decision with its decision draw u. */
export function decideAgent(s: SimState, i: number, st: number, u: number): void {
  const decide = DECIDE_BY_STATUS[st];
  if (decide !== undefined) decide(s, i, u);
}

/**
 * Agent i's competing hazards this month (status st, in Japan, not at a scheduled step), in h;
 * returns how many. What each status's decision weighs; for tests of the screen's bounds.
 */
export function hazardsOf(s: SimState, i: number, st: number, h: Float64Array): number {
  switch (st) {
    case Status.TI: return internHazards(s, i, h);
    case Status.SSW1: return ssw1Hazards(s, i, h);
    case Status.SSW2: return ssw2Hazards(s, i, h);
    case Status.SIE: return sieHazards(s, i, h);
    case Status.IRREGULAR: return irregularHazards(s, h);
    case Status.ASYLUM: return asylumHazards(s, h);
    case Status.PR: return prHazards(s, i, h);
    default: return 0;
  }
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
}

/**
 * An upper bound of agent i's total hazard this month (status st, after this month's accrual),
 * or NaN when the agent must take the full decision anyway (a TI milestone, the SSW1 cap).
 */
export function hazardBound(s: SimState, b: DecisionBounds, i: number, st: number): number {
  if (st === Status.TI) return internHazardBound(s, b, i);
  if (st === Status.SSW1) return ssw1HazardBound(s, b, i);
  return b.totalByStatus[st]!;
}
