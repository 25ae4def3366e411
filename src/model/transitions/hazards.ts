// Hazard formulas shared across statuses. Each returns a monthly hazard for agent i from
// the month's context and the agent's own drivers; each driver cites its finding.

import { Family } from "../codes.js";
import { monthsInJapan, monthsOnWorkStatus } from "../population.js";
import type { SimState } from "../state.js";

const FAMILY_IN_JAPAN = Family.partnerInJapan | Family.childrenInJapan;

/** True when partner or children live at origin. */
export function hasFamilyAtOrigin(f: number): boolean {
  return ((f & Family.partner) !== 0 && (f & Family.partnerInJapan) === 0) ||
    ((f & Family.children) !== 0 && (f & Family.childrenInJapan) === 0);
}

/**
 * Absconding (TI): base x tightness x yen (in ctx) x exp(debt + shortfall + no overtime +
 * broker + network). @see seed 003 (Chhour; Sano 2012; Saito 2018), seed 002 (fees)
 */
export function abscondHazard(s: SimState, i: number): number {
  const pop = s.pop;
  const p = s.params;
  const e = pop.employer[i]!;
  const emp = s.employers;
  const contract = pop.promisedWageYenPerMonth[i]! * s.ctx.wageIndex;
  let x = p.abscondDebtLogHrPerWageMonth * (pop.debtYen[i]! / contract);
  if (e >= 0) {
    x += p.abscondShortfallLogHrPerShare * emp.underpayShare[e]!;
    if (emp.offersOvertime[e] === 0) x += p.abscondNoOvertimeLogHr;
  }
  if (pop.brokerTie[i] === 1) x += p.abscondBrokerLogHr;
  x += p.abscondNetworkLogHrPerTie * pop.networkTies[i]!;
  return s.ctx.abscondBaseHazard * Math.exp(x);
}

/**
 * Return home: base x yen factor x exp(family at origin, family in Japan, co-national ties,
 * savings target). @see seed 000 (family and social ties postpone return), Mynavi 2024 (weak yen)
 */
export function returnHazard(s: SimState, i: number, base: number): number {
  const pop = s.pop;
  const p = s.params;
  const f = pop.family[i]!;
  let x = p.returnNetworkLogHrPerTie * pop.networkTies[i]!;
  if (hasFamilyAtOrigin(f)) x += p.returnFamilyAtOriginLogHr;
  if ((f & FAMILY_IN_JAPAN) !== 0) x += p.returnFamilyInJapanLogHr;
  if (pop.savingsYen[i]! * s.ctx.yenValueIndex >= p.savingsTargetYen) x += p.returnSavingsTargetLogHr;
  return base * s.ctx.returnYenFactor * Math.exp(x);
}

/** Onward move to a third country; family in Japan holds people back as it does for return. */
export function onwardHazard(s: SimState, i: number): number {
  const p = s.params;
  return (s.pop.family[i]! & FAMILY_IN_JAPAN) !== 0
    ? p.onwardHazardPerMonth * Math.exp(p.returnFamilyInJapanLogHr)
    : p.onwardHazardPerMonth;
}

/**
 * Voluntary employer change: base x labour-market tightness, slowed on the career plateau.
 * @see seed 000 (job mobility driven by labour demand; plateau after several changes)
 */
export function jobChangeHazard(s: SimState, i: number, base: number): number {
  const p = s.params;
  const h = base * s.ctx.jobChangeTightness;
  return s.pop.jobChanges[i]! >= p.careerPlateauJobChanges ? h * p.careerPlateauJobChangeHr : h;
}

/** Whether agent i meets the permanent-residency rule (10 years' stay, 5 on a work status). */
export function prEligible(s: SimState, i: number): boolean {
  const p = s.params;
  const month = s.ctx.month;
  return monthsInJapan(s.pop, i, month) >= p.prMinMonthsInJapan && monthsOnWorkStatus(s.pop, i, month) >= p.prMinMonthsOnWorkStatus;
}
