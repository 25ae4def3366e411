// Self-initiated expatriates (Engineer/Specialist in Humanities/International Services) and
// permanent residents. SIE careers are open (seed 001) but plateau after several job changes
// (seed 000); family and social ties postpone return (seed 000).
import { Status } from "../codes.js";
import type { SimState } from "../state.js";
import { chooseCompeting } from "./competing.js";
import { onwardHazard, onwardHazardBound, returnHazard, returnHazardBound } from "./hazards.js";
import { moveStatus } from "./moves.js";
import { decideSkilledResident, skilledResidentHazardBound, skilledResidentHazards } from "./ssw.js";

export function decideSie(s: SimState, i: number, u: number): void {
  decideSkilledResident(s, i, u, s.params.sieJobChangeHazardPerMonth, s.params.sieReturnHazardPerMonth);
}

/** SIE i's hazards (skilledResidentHazards, with the SIE bases). */
export function sieHazards(s: SimState, i: number, h: Float64Array): number {
  return skilledResidentHazards(s, i, h, s.params.sieJobChangeHazardPerMonth, s.params.sieReturnHazardPerMonth);
}

/** Bound of sieHazards over every SIE this month. */
export function sieHazardBound(s: SimState): number {
  return skilledResidentHazardBound(s, s.params.sieJobChangeHazardPerMonth, s.params.sieReturnHazardPerMonth);
}

/** Permanent residents may still return or move on; job changes are not tracked for them. */
export function decidePr(s: SimState, i: number, u: number): void {
  const h = s.tables.hazards;
  switch (chooseCompeting(h, prHazards(s, i, h), u)) {
    case 0: moveStatus(s, i, Status.RETURNED); break;
    case 1: moveStatus(s, i, Status.ONWARD); break;
    default: break;
  }
}

/** Permanent resident i's hazards, in h: [0] return, [1] onward. Returns how many. */
export function prHazards(s: SimState, i: number, h: Float64Array): number {
  h[0] = returnHazard(s, i, s.params.prExitHazardPerMonth);
  h[1] = onwardHazard(s, i);
  return 2;
}

/** Bound of prHazards over every permanent resident this month. */
export function prHazardsBound(s: SimState): number {
  return returnHazardBound(s, s.params.prExitHazardPerMonth) + onwardHazardBound(s);
}
