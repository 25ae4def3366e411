// Irregular life (docs/model.md 7.12). IRREGULAR: keep working, apply for refugee status, be
// apprehended (DETAINED), or go home. ASYLUM: wait for the decision (recognitions are negligible,
// refugee_applications.csv), then re-apply, be detained for deportation, or fall back to
// IRREGULAR. DETAINED: deported, released provisionally (PROVISIONAL, barred from work) or granted
// special permission to stay (DESIGNATED). PROVISIONAL: deported in the end, go home, or be
// granted a stay. While Japan's emergency measure for Myanmar nationals holds
// (myanmarDesignatedActivities), Myanmar nationals without a status may move to 'designated
// activities' with work (DESIGNATED). DESIGNATED also holds the interns on the pandemic's special
// stay (intern.ts, pandemicSpecialStay), who change to SSW1 or go home when it ends.
// @see seed 003 (Chhour: refugee applications after absconding; refugee policy paper)
import { Nationality, Status } from "../codes.js";
import type { Params } from "../params.js";
import { monthsInStatus } from "../population.js";
import type { SimState } from "../state.js";
import { BOUND_SLACK, pos } from "./bounds.js";
import { chooseCompeting } from "./competing.js";
import { ssw1ContractWageYen } from "./earnings.js";
import { hireInSector, moveStatus } from "./moves.js";

/**
 * The stage (Population.tiStage) of a DESIGNATED agent on the pandemic's special stay; 0 for the
 * other holders of designated activities (Myanmar, special permission to stay).
 */
export const DESIGNATED_SPECIAL_STAY = 1;

/** The hazard of applying for refugee status: higher while applicants may work (asylumWorkPermitted). */
function irregularAsylumHazard(p: Params): number {
  return p.irregularAsylumHazardPerMonth * (p.asylumWorkPermitted ? p.asylumWorkPermitAsylumHr : 1);
}

/** Agent i's hazard of moving to designated activities under the Myanmar emergency measure (0 for others or when it is off). */
function myanmarDesignatedHazard(s: SimState, i: number): number {
  const p = s.params;
  return p.myanmarDesignatedActivities && s.pop.nationality[i] === Nationality.MM ? p.myanmarDesignatedHazardPerMonth : 0;
}

/** Bound of myanmarDesignatedHazard this month, for any agent. */
function myanmarDesignatedBound(p: Params): number {
  return p.myanmarDesignatedActivities ? pos(p.myanmarDesignatedHazardPerMonth) : 0;
}

/**
 * An undocumented worker's hazards, in h: [0] apply for asylum, [1] apprehension, [2] go home,
 * [3] designated activities (Myanmar). Returns how many.
 */
export function irregularHazards(s: SimState, i: number, h: Float64Array): number {
  const p = s.params;
  h[0] = irregularAsylumHazard(p);
  h[1] = p.apprehensionHazardPerMonth;
  h[2] = p.irregularReturnHazardPerMonth;
  h[3] = myanmarDesignatedHazard(s, i);
  return 4;
}

/** Bound of irregularHazards this month, for any undocumented worker. */
export function irregularHazardBound(s: SimState): number {
  const p = s.params;
  return (pos(irregularAsylumHazard(p)) + pos(p.apprehensionHazardPerMonth) + pos(p.irregularReturnHazardPerMonth) +
    myanmarDesignatedBound(p)) * BOUND_SLACK;
}

export function decideIrregular(s: SimState, i: number, u: number): void {
  const h = s.tables.hazards;
  switch (chooseCompeting(h, irregularHazards(s, i, h), u)) {
    case 0: moveStatus(s, i, Status.ASYLUM); break;
    case 1: moveStatus(s, i, Status.DETAINED); break;
    case 2: moveStatus(s, i, Status.RETURNED); break;
    case 3: moveStatus(s, i, Status.DESIGNATED); break;
    default: break;
  }
}

/**
 * An asylum applicant's hazards, in h: [0] a decision on the application, [1] go home,
 * [2] designated activities (Myanmar). Returns how many.
 */
export function asylumHazards(s: SimState, i: number, h: Float64Array): number {
  const p = s.params;
  h[0] = p.asylumDecisionHazardPerMonth;
  h[1] = p.irregularReturnHazardPerMonth;
  h[2] = myanmarDesignatedHazard(s, i);
  return 3;
}

/** Bound of asylumHazards this month. */
export function asylumHazardBound(s: SimState): number {
  const p = s.params;
  return (pos(p.asylumDecisionHazardPerMonth) + pos(p.irregularReturnHazardPerMonth) + myanmarDesignatedBound(p)) * BOUND_SLACK;
}

export function decideAsylum(s: SimState, i: number, u: number): void {
  const p = s.params;
  const k = chooseCompeting(s.tables.hazards, asylumHazards(s, i, s.tables.hazards), u);
  if (k === 1) {
    moveStatus(s, i, Status.RETURNED);
    return;
  }
  if (k === 2) {
    moveStatus(s, i, Status.DESIGNATED);
    return;
  }
  if (k !== 0) return;
  // Rejected. What follows is drawn as 'life' draws, so decisions keep exactly one draw per
  // agent-month. Deportation proceedings start with detention.
  const life = s.rng.life;
  if (life(i) < p.asylumReapplyProb) {
    // 2023 amendment (in force 2024-06): a repeat application no longer halts deportation.
    if (!p.repeatApplicationsStopDeportation && life(i) < p.asylumRejectedDeportProb) {
      moveStatus(s, i, Status.DETAINED);
    } else {
      s.pop.statusSinceMonth[i] = s.ctx.month; // a new application: the wait starts again
    }
    return;
  }
  if (life(i) < p.asylumRejectedDeportProb) moveStatus(s, i, Status.DETAINED);
  else moveStatus(s, i, Status.IRREGULAR);
}

/** A detainee's hazards, in h: [0] deportation, [1] provisional release, [2] special permission to stay. Returns how many. */
export function detainedHazards(s: SimState, h: Float64Array): number {
  const p = s.params;
  h[0] = p.detainedDeportHazardPerMonth;
  h[1] = p.provisionalReleaseHazardPerMonth;
  h[2] = p.specialPermissionHazardPerMonth;
  return 3;
}

export function detainedHazardBound(s: SimState): number {
  const p = s.params;
  return (pos(p.detainedDeportHazardPerMonth) + pos(p.provisionalReleaseHazardPerMonth) + pos(p.specialPermissionHazardPerMonth)) * BOUND_SLACK;
}

export function decideDetained(s: SimState, i: number, u: number): void {
  switch (chooseCompeting(s.tables.hazards, detainedHazards(s, s.tables.hazards), u)) {
    case 0: moveStatus(s, i, Status.DEPORTED); break;
    case 1: moveStatus(s, i, Status.PROVISIONAL); break;
    case 2: moveStatus(s, i, Status.DESIGNATED); break;
    default: break;
  }
}

/**
 * Hazards of someone on provisional release, in h: [0] deportation (re-detained and removed),
 * [1] go home, [2] special permission to stay, [3] designated activities (Myanmar). Returns how many.
 */
export function provisionalHazards(s: SimState, i: number, h: Float64Array): number {
  const p = s.params;
  h[0] = p.provisionalDeportHazardPerMonth;
  h[1] = p.irregularReturnHazardPerMonth;
  h[2] = p.specialPermissionHazardPerMonth;
  h[3] = myanmarDesignatedHazard(s, i);
  return 4;
}

export function provisionalHazardBound(s: SimState): number {
  const p = s.params;
  return (pos(p.provisionalDeportHazardPerMonth) + pos(p.irregularReturnHazardPerMonth) + pos(p.specialPermissionHazardPerMonth) +
    myanmarDesignatedBound(p)) * BOUND_SLACK;
}

export function decideProvisional(s: SimState, i: number, u: number): void {
  switch (chooseCompeting(s.tables.hazards, provisionalHazards(s, i, s.tables.hazards), u)) {
    case 0: moveStatus(s, i, Status.DEPORTED); break;
    case 1: moveStatus(s, i, Status.RETURNED); break;
    case 2: moveStatus(s, i, Status.DESIGNATED); break;
    case 3: moveStatus(s, i, Status.DESIGNATED); break;
    default: break;
  }
}

/** Hazards of someone on designated activities, in h: [0] go home. Returns how many. */
export function designatedHazards(s: SimState, h: Float64Array): number {
  h[0] = s.params.designatedReturnHazardPerMonth;
  return 1;
}

/**
 * NaN: every holder of designated activities takes the full decision every month, since the
 * special stay ends on a schedule (decideDesignated). They are few (about 0.1% of agent-months).
 */
export function designatedHazardBound(_s: SimState): number {
  return NaN;
}

/**
 * A month on designated activities, with the decision draw u. A holder of the pandemic's special
 * stay whose pandemicSpecialStayMonths are over changes to SSW1 with pandemicSpecialStaySsw1Prob
 * (while SSW1 is open: an employer of its sector, SSW pay), else goes home. Otherwise: go home at
 * designatedReturnHazardPerMonth.
 */
export function decideDesignated(s: SimState, i: number, u: number): void {
  const pop = s.pop;
  const p = s.params;
  if (pop.tiStage[i] === DESIGNATED_SPECIAL_STAY && monthsInStatus(pop, i, s.ctx.month) >= p.pandemicSpecialStayMonths) {
    if (s.ctx.ssw1Open && u < p.pandemicSpecialStaySsw1Prob) {
      moveStatus(s, i, Status.SSW1);
      const e = hireInSector(s, i);
      pop.promisedWageYenPerMonth[i] = ssw1ContractWageYen(p, s.employers, e);
    } else {
      moveStatus(s, i, Status.RETURNED);
    }
    return;
  }
  if (chooseCompeting(s.tables.hazards, designatedHazards(s, s.tables.hazards), u) === 0) moveStatus(s, i, Status.RETURNED);
}
