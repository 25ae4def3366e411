// Family life: partnerships form, and family at origin joins the agent once the agent's
// status allows accompaniment (SSW2, SIE, PR; SSW1 only where a policy allows it).
// @see seed 000 (family factors postpone return), data/rules.md (accompaniment by status)
import { Family, Status } from "../codes.js";
import type { Params } from "../params.js";
import { probFromHazard } from "./competing.js";

/** Flags of family living in Japan with the agent. */
export const FAMILY_IN_JAPAN = Family.partnerInJapan | Family.childrenInJapan;

/** True when partner or children live at origin. */
export function hasFamilyAtOrigin(f: number): boolean {
  return ((f & Family.partner) !== 0 && (f & Family.partnerInJapan) === 0) ||
    ((f & Family.children) !== 0 && (f & Family.childrenInJapan) === 0);
}

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

/** familyDrawDue as a table, by (mayBring ? 256 : 0) + family flags. */
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

/** The month's family rules: who may bring family, and the chances of the two events. */
export interface FamilyTable {
  /** 1 where status st may bring family this month (mayBringFamily), by status. */
  mayBring: Uint8Array;
  /** Monthly chance that a single agent forms a partnership. */
  formProb: number;
  /** Monthly chance that family at origin joins an agent whose status allows it. */
  joinProb: number;
}

export function createFamilyTable(): FamilyTable {
  return { mayBring: new Uint8Array(Status.RETURNED), formProb: 0, joinProb: 0 };
}

/** Fills `t` from the parameters in force this month. */
export function updateFamilyTable(t: FamilyTable, p: Params): void {
  for (let st = 0; st < Status.RETURNED; st++) t.mayBring[st] = mayBringFamily(st, p) ? 1 : 0;
  t.formProb = probFromHazard(p.partnerFormationHazardPerMonth);
  t.joinProb = probFromHazard(p.familyJoinHazardPerMonth);
}

/**
 * Whether an agent of status st (in Japan) with family flags f takes a family draw this month.
 * @inline
 */
export function familyDrawDueThisMonth(t: FamilyTable, st: number, f: number): boolean {
  return FAMILY_DRAW_DUE[(t.mayBring[st]! << 8) | f] === 1;
}

/**
 * The family flags after this month's family draw u (taken only when familyDrawDueThisMonth).
 * @inline
 */
export function familyAfterDraw(t: FamilyTable, f: number, u: number): number {
  return u < ((f & Family.partner) === 0 ? t.formProb : t.joinProb) ? familyAfterEvent(f) : f;
}
