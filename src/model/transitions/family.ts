// Family life: partnerships form, and family at origin joins the agent once the agent's
// status allows accompaniment (SSW2, SIE, PR; SSW1 only where a policy allows it).
// @see seed 000 (family factors postpone return), data/rules.md (accompaniment by status)
import { Family, Status } from "../codes.js";
import type { SimState } from "../state.js";
import { probFromHazard } from "./competing.js";
import { hasFamilyAtOrigin } from "./hazards.js";

export function applyFamilyLife(s: SimState): void {
  const pop = s.pop;
  const p = s.params;
  const life = s.rng.life;
  const formProb = probFromHazard(p.partnerFormationHazardPerMonth);
  const joinProb = probFromHazard(p.familyJoinHazardPerMonth);
  const ssw1Allowed = p.familyAccompanimentSsw1;
  const { status, family } = pop;
  for (let i = 0; i < pop.size; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue;
    let f = family[i]!;
    if ((f & Family.partner) === 0) {
      // A partnership formed while in Japan is with someone in Japan.
      if (life(i) < formProb) family[i] = f | Family.partner | Family.partnerInJapan;
      continue;
    }
    const allowed = st === Status.SSW2 || st === Status.SIE || st === Status.PR || (st === Status.SSW1 && ssw1Allowed);
    if (allowed && hasFamilyAtOrigin(f) && life(i) < joinProb) {
      f |= Family.partnerInJapan;
      if ((f & Family.children) !== 0) f |= Family.childrenInJapan;
      family[i] = f;
    }
  }
}
