// Family life: partnerships form, and family at origin joins the agent once the agent's
// status allows accompaniment (SSW2, SIE, PR; SSW1 only where a policy allows it).
// @see seed 000 (family factors postpone return), data/rules.md (accompaniment by status)
import { Family, Status } from "../codes.js";
import type { Params } from "../params.js";
import type { SimState } from "../state.js";
import { probFromHazard } from "./competing.js";
import { hasFamilyAtOrigin } from "./hazards.js";

/** Whether an agent of status st may bring family from origin (rules.md). */
export function mayBringFamily(st: number, p: Params): boolean {
  return st === Status.SSW2 || st === Status.SIE || st === Status.PR || (st === Status.SSW1 && p.familyAccompanimentSsw1);
}

/**
 * Whether an agent with family flags f takes a family draw this month: a single agent may form
 * a partnership; an agent with family at origin may be joined by it where the status allows.
 */
export function familyDrawDue(f: number, mayBring: boolean): boolean {
  return (f & Family.partner) === 0 || (mayBring && hasFamilyAtOrigin(f));
}

/**
 * familyDrawDue as a table, by (mayBring ? 256 : 0) + family flags: the sweep looks it up. Its
 * short-circuited reads, inlined into the sweep, deoptimised it when an agent first took the
 * path behind them.
 */
export const FAMILY_DRAW_DUE: Uint8Array = (() => {
  const t = new Uint8Array(512);
  for (let f = 0; f < 256; f++) {
    t[f] = familyDrawDue(f, false) ? 1 : 0;
    t[256 + f] = familyDrawDue(f, true) ? 1 : 0;
  }
  return t;
})();

/** The family flags after this month's event: a partnership (formed in Japan) or family joining. */
export function familyAfterEvent(f: number): number {
  // A partnership formed while in Japan is with someone in Japan.
  if ((f & Family.partner) === 0) return f | Family.partner | Family.partnerInJapan;
  const g = f | Family.partnerInJapan;
  return (g & Family.children) !== 0 ? g | Family.childrenInJapan : g;
}

/** The month's chances of the two family events: partnership formation and family joining. */
export function familyEventProbs(p: Params): { formProb: number; joinProb: number } {
  return { formProb: probFromHazard(p.partnerFormationHazardPerMonth), joinProb: probFromHazard(p.familyJoinHazardPerMonth) };
}

export function applyFamilyLife(s: SimState): void {
  const pop = s.pop;
  const p = s.params;
  const life = s.rng.life;
  const { formProb, joinProb } = familyEventProbs(p);
  const { status, family } = pop;
  for (let i = 0; i < pop.size; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue;
    const f = family[i]!;
    if (!familyDrawDue(f, mayBringFamily(st, p))) continue;
    if (life(i) < ((f & Family.partner) === 0 ? formProb : joinProb)) family[i] = familyAfterEvent(f);
  }
}
