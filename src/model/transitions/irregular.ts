// Undocumented stay and asylum. IRREGULAR: keep working, apply for refugee status, be
// apprehended and deported, or go home. ASYLUM: wait for the decision (recognitions are
// negligible, refugee_applications.csv), then re-apply, be deported, or fall back to IRREGULAR.
// @see seed 003 (Chhour: refugee applications after absconding; refugee policy paper)
import { Status } from "../codes.js";
import type { Params } from "../params.js";
import type { SimState } from "../state.js";
import { BOUND_SLACK, pos } from "./bounds.js";
import { chooseCompeting } from "./competing.js";
import { moveStatus } from "./moves.js";

/** The hazard of applying for refugee status: higher while applicants may work (asylumWorkPermitted). */
function irregularAsylumHazard(p: Params): number {
  return p.irregularAsylumHazardPerMonth * (p.asylumWorkPermitted ? p.asylumWorkPermitAsylumHr : 1);
}

/** An undocumented worker's hazards, in h: [0] apply for asylum, [1] apprehension, [2] go home. Returns how many. */
export function irregularHazards(s: SimState, h: Float64Array): number {
  const p = s.params;
  h[0] = irregularAsylumHazard(p);
  h[1] = p.apprehensionHazardPerMonth;
  h[2] = p.irregularReturnHazardPerMonth;
  return 3;
}

/** Bound of irregularHazards this month (they are the same for every undocumented worker). */
export function irregularHazardBound(s: SimState): number {
  const p = s.params;
  return (pos(irregularAsylumHazard(p)) +
    pos(p.apprehensionHazardPerMonth) + pos(p.irregularReturnHazardPerMonth)) * BOUND_SLACK;
}

export function decideIrregular(s: SimState, i: number, u: number): void {
  const h = s.tables.hazards;
  switch (chooseCompeting(h, irregularHazards(s, h), u)) {
    case 0: moveStatus(s, i, Status.ASYLUM); break;
    case 1: moveStatus(s, i, Status.DEPORTED); break;
    case 2: moveStatus(s, i, Status.RETURNED); break;
    default: break;
  }
}

/** An asylum applicant's hazards, in h: [0] a decision on the application, [1] go home. Returns how many. */
export function asylumHazards(s: SimState, h: Float64Array): number {
  const p = s.params;
  h[0] = p.asylumDecisionHazardPerMonth;
  h[1] = p.irregularReturnHazardPerMonth;
  return 2;
}

/** Bound of asylumHazards this month. */
export function asylumHazardBound(s: SimState): number {
  const p = s.params;
  return (pos(p.asylumDecisionHazardPerMonth) + pos(p.irregularReturnHazardPerMonth)) * BOUND_SLACK;
}

export function decideAsylum(s: SimState, i: number, u: number): void {
  const p = s.params;
  const k = chooseCompeting(s.tables.hazards, asylumHazards(s, s.tables.hazards), u);
  if (k === 1) {
    moveStatus(s, i, Status.RETURNED);
    return;
  }
  if (k !== 0) return;
  // Rejected. What follows is drawn as 'life' draws, so decisions keep exactly one draw per
  // agent-month.
  const life = s.rng.life;
  if (life(i) < p.asylumReapplyProb) {
    // 2023 amendment (in force 2024-06): a repeat application no longer halts deportation.
    if (!p.repeatApplicationsStopDeportation && life(i) < p.asylumRejectedDeportProb) {
      moveStatus(s, i, Status.DEPORTED);
    } else {
      s.pop.statusSinceMonth[i] = s.ctx.month; // a new application: the wait starts again
    }
    return;
  }
  if (life(i) < p.asylumRejectedDeportProb) moveStatus(s, i, Status.DEPORTED);
  else moveStatus(s, i, Status.IRREGULAR);
}
