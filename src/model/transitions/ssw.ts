// Specified Skilled Workers. SSW1: change employer within the sector, move to SSW2, return,
// onward, and a forced exit at the 5-year cap. SSW2: change employer, PR when eligible,
// return, onward. @see data/rules.md
import { Sector, Status } from "../codes.js";
import { monthsInStatus } from "../population.js";
import type { SimState } from "../state.js";
import { chooseCompeting } from "./competing.js";
import { jobChangeHazard, onwardHazard, prEligible, returnHazard } from "./hazards.js";
import { changeEmployer, moveStatus } from "./moves.js";

/** Whether SSW1 holder i may take the SSW2 test this month. */
export function ssw2Eligible(s: SimState, i: number): boolean {
  const pop = s.pop;
  // rules.md: SSW2 in 2 fields until 2023 (construction; shipbuilding folded in manufacturing), 11 from 2023-06.
  // Every read is made before any is combined (no short cuts): the decision screen inlines this
  // into the monthly sweep, and a read first reached years into a run deoptimised the sweep.
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

export function decideSsw1(s: SimState, i: number, u: number): void {
  const p = s.params;
  const pop = s.pop;
  const eligible = ssw2Eligible(s, i);
  if (monthsInStatus(pop, i, s.ctx.month) >= p.ssw1CapMonths) {
    // The 5-year cap: move up to SSW2 or leave.
    if (eligible && u < p.ssw2AtCapProb) moveStatus(s, i, Status.SSW2);
    else moveStatus(s, i, Status.RETURNED);
    return;
  }
  const h = s.hazards;
  h[0] = jobChangeHazard(s, i, p.sswJobChangeHazardPerMonth);
  h[1] = ssw2Hazard(s, i, eligible);
  h[2] = returnHazard(s, i, p.sswReturnHazardPerMonth);
  h[3] = onwardHazard(s, i);
  switch (chooseCompeting(h, 4, u)) {
    case 0: changeEmployer(s, i); break;
    case 1: moveStatus(s, i, Status.SSW2); break;
    case 2: moveStatus(s, i, Status.RETURNED); break;
    case 3: moveStatus(s, i, Status.ONWARD); break;
    default: break;
  }
}

/** SSW2 and SIE share their options: change employer, PR when eligible, return, onward. */
export function decideSkilledResident(s: SimState, i: number, u: number, jobChangeBase: number, returnBase: number): void {
  const p = s.params;
  const h = s.hazards;
  h[0] = jobChangeHazard(s, i, jobChangeBase);
  h[1] = prEligible(s, i) ? p.prHazardPerMonth : 0;
  h[2] = returnHazard(s, i, returnBase);
  h[3] = onwardHazard(s, i);
  switch (chooseCompeting(h, 4, u)) {
    case 0: changeEmployer(s, i); break;
    case 1: moveStatus(s, i, Status.PR); break;
    case 2: moveStatus(s, i, Status.RETURNED); break;
    case 3: moveStatus(s, i, Status.ONWARD); break;
    default: break;
  }
}

export function decideSsw2(s: SimState, i: number, u: number): void {
  decideSkilledResident(s, i, u, s.params.sswJobChangeHazardPerMonth, s.params.sswReturnHazardPerMonth);
}
