// Specified Skilled Workers. SSW1: change employer within the sector, move to SSW2, return,
// onward, and a forced exit at the 5-year cap. SSW2: change employer, PR when eligible,
// return, onward. @see data/rules.md
import { Sector, Status } from "../codes.js";
import { monthsInStatus } from "../population.js";
import type { SimState } from "../state.js";
import { BOUND_SLACK, type DecisionBounds, pos } from "./bounds.js";
import { chooseCompeting } from "./competing.js";
import {
  jobChangeHazard, jobChangeHazardBound, onwardHazard, onwardHazardBound, prEligible, prHazard, prHazardBound, returnHazard,
  returnHazardBound,
} from "./hazards.js";
import { changeEmployer, moveStatus } from "./moves.js";

/** Whether SSW1 holder i may take the SSW2 test this month. */
export function ssw2Eligible(s: SimState, i: number): boolean {
  const pop = s.pop;
  // rules.md: SSW2 in 2 fields until 2023 (construction; shipbuilding folded in manufacturing), 11 from 2023-06.
  // Every read is made before any is combined (docs/performance.md, 'No short cuts in the screen').
  const construction = pop.sector[i] === Sector.construction;
  const allSectors = s.ctx.ssw2AllSectors;
  const longEnough = monthsInStatus(pop, i, s.ctx.month) >= s.params.ssw2MinMonthsInSsw1;
  return (construction || allSectors) && longEnough;
}

/** Hazard of moving up to SSW2 for SSW1 holder i (0 unless `eligible`, ssw2Eligible): grows with skill. */
export function ssw2Hazard(s: SimState, i: number, eligible: boolean): number {
  const p = s.params;
  return eligible ? (p.ssw2HazardPerMonth * s.pop.skill[i]!) / p.ssw2SkillReference : 0;
}

/** Whether SSW1 holder i has reached the 5-year cap (decideSsw1 then takes a scheduled step). */
export function ssw1AtCap(s: SimState, i: number): boolean {
  return monthsInStatus(s.pop, i, s.ctx.month) >= s.params.ssw1CapMonths;
}

export function decideSsw1(s: SimState, i: number, u: number): void {
  const p = s.params;
  if (ssw1AtCap(s, i)) {
    // The 5-year cap: move up to SSW2 or leave.
    if (ssw2Eligible(s, i) && u < p.ssw2AtCapProb) moveStatus(s, i, Status.SSW2);
    else moveStatus(s, i, Status.RETURNED);
    return;
  }
  const h = s.tables.hazards;
  switch (chooseCompeting(h, ssw1Hazards(s, i, h), u)) {
    case 0: changeEmployer(s, i); break;
    case 1: moveStatus(s, i, Status.SSW2); break;
    case 2: moveStatus(s, i, Status.RETURNED); break;
    case 3: moveStatus(s, i, Status.ONWARD); break;
    default: break;
  }
}

/** SSW1 holder i's hazards (below the cap), in h: [0] change employer, [1] SSW2, [2] return, [3] onward. Returns how many. */
export function ssw1Hazards(s: SimState, i: number, h: Float64Array): number {
  const p = s.params;
  h[0] = jobChangeHazard(s, i, p.sswJobChangeHazardPerMonth);
  h[1] = ssw2Hazard(s, i, ssw2Eligible(s, i));
  h[2] = returnHazard(s, i, p.sswReturnHazardPerMonth);
  h[3] = onwardHazard(s, i);
  return 4;
}

/** This month's bound of the SSW1 hazards other than SSW2's, for every holder (ssw1HazardBound). */
export function updateSsw1Bounds(s: SimState, b: DecisionBounds): void {
  const p = s.params;
  b.ssw1NonSsw2 = jobChangeHazardBound(s, p.sswJobChangeHazardPerMonth) + returnHazardBound(s, p.sswReturnHazardPerMonth) + onwardHazardBound(s);
}

/**
 * An upper bound of SSW1 holder i's total hazard (ssw1Hazards) this month, or NaN at the cap. The
 * SSW2 term exactly (it depends on skill), the rest from the month's table. Every read is made
 * before any is combined (docs/performance.md, 'No short cuts in the screen').
 */
export function ssw1HazardBound(s: SimState, b: DecisionBounds, i: number): number {
  const eligible = ssw2Eligible(s, i);
  const ssw2 = pos(ssw2Hazard(s, i, true));
  const atCap = ssw1AtCap(s, i);
  return atCap ? NaN : (b.ssw1NonSsw2 + (eligible ? ssw2 : 0)) * BOUND_SLACK;
}

/** SSW2 and SIE share their options: change employer, PR when eligible, return, onward. */
export function decideSkilledResident(s: SimState, i: number, u: number, jobChangeBase: number, returnBase: number): void {
  const h = s.tables.hazards;
  switch (chooseCompeting(h, skilledResidentHazards(s, i, h, jobChangeBase, returnBase), u)) {
    case 0: changeEmployer(s, i); break;
    case 1: moveStatus(s, i, Status.PR); break;
    case 2: moveStatus(s, i, Status.RETURNED); break;
    case 3: moveStatus(s, i, Status.ONWARD); break;
    default: break;
  }
}

/** An SSW2 holder's or SIE's hazards, in h: [0] change employer, [1] PR, [2] return, [3] onward. Returns how many. */
export function skilledResidentHazards(s: SimState, i: number, h: Float64Array, jobChangeBase: number, returnBase: number): number {
  h[0] = jobChangeHazard(s, i, jobChangeBase);
  h[1] = prHazard(s, prEligible(s, i));
  h[2] = returnHazard(s, i, returnBase);
  h[3] = onwardHazard(s, i);
  return 4;
}

/** Bound of skilledResidentHazards over every agent this month. */
export function skilledResidentHazardBound(s: SimState, jobChangeBase: number, returnBase: number): number {
  return jobChangeHazardBound(s, jobChangeBase) + prHazardBound(s) + returnHazardBound(s, returnBase) + onwardHazardBound(s);
}

export function decideSsw2(s: SimState, i: number, u: number): void {
  decideSkilledResident(s, i, u, s.params.sswJobChangeHazardPerMonth, s.params.sswReturnHazardPerMonth);
}

/** SSW2 holder i's hazards (skilledResidentHazards). */
export function ssw2Hazards(s: SimState, i: number, h: Float64Array): number {
  return skilledResidentHazards(s, i, h, s.params.sswJobChangeHazardPerMonth, s.params.sswReturnHazardPerMonth);
}

/** Bound of ssw2Hazards over every holder this month. */
export function ssw2HazardBound(s: SimState): number {
  return skilledResidentHazardBound(s, s.params.sswJobChangeHazardPerMonth, s.params.sswReturnHazardPerMonth);
}
