// Hazard formulas shared across statuses, each beside its upper bound for the decision screen
// (bounds.ts). Each hazard is a monthly hazard for agent i from the month's context and the
// agent's own drivers; each driver cites its finding. A bound holds for every agent this month.

import type { Params } from "../params.js";
import { monthsInJapan, monthsOnWorkStatus } from "../population.js";
import type { SimState } from "../state.js";
import { BOUND_SLACK, type DecisionBounds, TIES_VALUES, pos } from "./bounds.js";
import { contractWageYen } from "./earnings.js";
import { FAMILY_IN_JAPAN, hasFamilyAtOrigin } from "./family.js";

/** The debt term of abscondHazard for agent i: debt in months of this month's contract wage x its log hazard ratio. */
export function abscondDebtLogHr(s: SimState, i: number): number {
  return s.params.abscondDebtLogHrPerWageMonth * (s.pop.debtYen[i]! / contractWageYen(s.pop, i, s.ctx.wageIndex));
}

/** The shortfall term of abscondHazard for an employer withholding `underpayShare` of the wage. */
export function abscondShortfallLogHr(p: Params, underpayShare: number): number {
  return p.abscondShortfallLogHrPerShare * underpayShare;
}

/** The co-national network term of abscondHazard for an intern with `ties` contacts. */
export function abscondNetworkLogHr(p: Params, ties: number): number {
  return p.abscondNetworkLogHrPerTie * ties;
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
  let x = abscondDebtLogHr(s, i);
  if (e >= 0) {
    x += abscondShortfallLogHr(p, emp.underpayShare[e]!);
    if (emp.offersOvertime[e] === 0) x += p.abscondNoOvertimeLogHr;
  }
  if (pop.brokerTie[i] === 1) x += p.abscondBrokerLogHr;
  x += abscondNetworkLogHr(p, pop.networkTies[i]!);
  return s.ctx.abscondBaseHazard * Math.exp(x);
}

/**
 * Bound of abscondHazard / exp(debt term), by [brokerTie * TIES_VALUES + networkTies]: the
 * employer terms at their largest (or 0 without an employer), broker and ties exactly.
 */
export function updateAbscondBounds(s: SimState, b: DecisionBounds): void {
  const p = s.params;
  const shortfall = Math.max(abscondShortfallLogHr(p, b.minUnderpayShare), abscondShortfallLogHr(p, b.maxUnderpayShare));
  const employerTerms = Math.max(0, shortfall + pos(p.abscondNoOvertimeLogHr));
  const base = s.ctx.abscondBaseHazard;
  for (let broker = 0; broker < 2; broker++) {
    for (let ties = 0; ties < TIES_VALUES; ties++) {
      const x = employerTerms + (broker === 1 ? p.abscondBrokerLogHr : 0) + abscondNetworkLogHr(p, ties);
      b.tiAbscondNonDebt[broker * TIES_VALUES + ties] = base > 0 ? base * Math.exp(x) * BOUND_SLACK : 0;
    }
  }
}

/** The base of a return hazard this month: `base` x the yen's factor. */
function returnBaseHazard(s: SimState, base: number): number {
  return base * s.ctx.returnYenFactor;
}

/** The co-national network term of returnHazard for an agent with `ties` contacts. */
function returnNetworkLogHr(p: Params, ties: number): number {
  return p.returnNetworkLogHrPerTie * ties;
}

/**
 * Return home: base x yen factor x exp(family at origin, family in Japan, co-national ties,
 * savings target). @see seed 000 (family and social ties postpone return), Mynavi 2024 (weak yen)
 */
export function returnHazard(s: SimState, i: number, base: number): number {
  const pop = s.pop;
  const p = s.params;
  const f = pop.family[i]!;
  let x = returnNetworkLogHr(p, pop.networkTies[i]!);
  if (hasFamilyAtOrigin(f)) x += p.returnFamilyAtOriginLogHr;
  if ((f & FAMILY_IN_JAPAN) !== 0) x += p.returnFamilyInJapanLogHr;
  if (pop.savingsYen[i]! * s.ctx.yenValueIndex >= p.savingsTargetYen) x += p.returnSavingsTargetLogHr;
  return returnBaseHazard(s, base) * Math.exp(x);
}

/** Bound of returnHazard(s, i, base) over every agent: each term of the exponent at its largest. */
export function returnHazardBound(s: SimState, base: number): number {
  const p = s.params;
  const tiesTerm = Math.max(0, returnNetworkLogHr(p, TIES_VALUES - 1));
  const x = tiesTerm + pos(p.returnFamilyAtOriginLogHr) + pos(p.returnFamilyInJapanLogHr) + pos(p.returnSavingsTargetLogHr);
  const h = returnBaseHazard(s, base);
  return h > 0 ? h * Math.exp(x) * BOUND_SLACK : 0;
}

/** Onward move to a third country; family in Japan holds people back as it does for return. */
export function onwardHazard(s: SimState, i: number): number {
  const p = s.params;
  return (s.pop.family[i]! & FAMILY_IN_JAPAN) !== 0
    ? p.onwardHazardPerMonth * Math.exp(p.returnFamilyInJapanLogHr)
    : p.onwardHazardPerMonth;
}

/** Bound of onwardHazard over every agent. */
export function onwardHazardBound(s: SimState): number {
  const p = s.params;
  return pos(p.onwardHazardPerMonth) * Math.exp(pos(p.returnFamilyInJapanLogHr)) * BOUND_SLACK;
}

/** The base of a job-change hazard this month: `base` x the labour market's factor. */
export function jobChangeBaseHazard(s: SimState, base: number): number {
  return base * s.ctx.jobChangeTightness;
}

/**
 * Voluntary employer change: base x labour-market tightness, slowed on the career plateau.
 * @see seed 000 (job mobility driven by labour demand; plateau after several changes)
 */
export function jobChangeHazard(s: SimState, i: number, base: number): number {
  const p = s.params;
  const h = jobChangeBaseHazard(s, base);
  return s.pop.jobChanges[i]! >= p.careerPlateauJobChanges ? h * p.careerPlateauJobChangeHr : h;
}

/** Bound of jobChangeHazard(s, i, base) over every agent (before or after the career plateau). */
export function jobChangeHazardBound(s: SimState, base: number): number {
  const h = jobChangeBaseHazard(s, base);
  return Math.max(0, h, h * s.params.careerPlateauJobChangeHr) * BOUND_SLACK;
}

/** Whether agent i meets the permanent-residency rule (10 years' stay, 5 on a work status). */
export function prEligible(s: SimState, i: number): boolean {
  const p = s.params;
  const month = s.ctx.month;
  return monthsInJapan(s.pop, i, month) >= p.prMinMonthsInJapan && monthsOnWorkStatus(s.pop, i, month) >= p.prMinMonthsOnWorkStatus;
}

/** The permanent-residency hazard of an agent who meets the rule (prEligible), else 0. */
export function prHazard(s: SimState, eligible: boolean): number {
  return eligible ? s.params.prHazardPerMonth : 0;
}

/** Bound of prHazard over every agent. */
export function prHazardBound(s: SimState): number {
  return pos(s.params.prHazardPerMonth);
}
