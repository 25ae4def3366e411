// Self-initiated expatriates (Engineer/Specialist in Humanities/International Services) and
// permanent residents. SIE careers are open (seed 001) but plateau after several job changes
// (seed 000); family and social ties postpone return (seed 000).
import { Status } from "../codes.js";
import type { SimState } from "../state.js";
import { chooseCompeting } from "./competing.js";
import { onwardHazard, returnHazard } from "./hazards.js";
import { moveStatus } from "./moves.js";
import { decideSkilledResident } from "./ssw.js";

export function decideSie(s: SimState, i: number, u: number): void {
  decideSkilledResident(s, i, u, s.params.sieJobChangeHazardPerMonth, s.params.sieReturnHazardPerMonth);
}

/** Permanent residents may still return or move on; job changes are not tracked for them. */
export function decidePr(s: SimState, i: number, u: number): void {
  const h = s.hazards;
  h[0] = returnHazard(s, i, s.params.prExitHazardPerMonth);
  h[1] = onwardHazard(s, i);
  switch (chooseCompeting(h, 2, u)) {
    case 0: moveStatus(s, i, Status.RETURNED); break;
    case 1: moveStatus(s, i, Status.ONWARD); break;
    default: break;
  }
}
