// Hazard formulas shared across statuses, each beside its upper bound for the decision screen
// (bounds.ts). Each hazard is a monthly hazard for agent i from the month's context and the
// agent's own drivers; each driver cites its finding. A bound holds for every agent this month.

import { Sector } from "../codes.js";
import { esdMilestoneMonths, isEsd } from "../esd.js";
import type { Params } from "../params.js";
import { monthsInJapan, monthsInStatus, monthsOnWorkStatus, monthsWithEmployer } from "../population.js";
import type { SimState } from "../state.js";
import { BOUND_SLACK, type DecisionBounds, TIES_VALUES, pos } from "./bounds.js";
import { contractWageYen, netPayOf } from "./earnings.js";
import { FAMILY_IN_JAPAN, hasFamilyAtOrigin } from "./family.js";

/** The sector term of abscondHazard: construction and agriculture against the other sectors. */
export function abscondSectorLogHr(p: Params, sector: number): number {
  return sector === Sector.construction ? p.abscondConstructionLogHr : sector === Sector.agriculture ? p.abscondAgricultureLogHr : 0;
}

/**
 * The terms of abscondHazard that the screen's bound takes exactly for agent i: the debt (months
 * of this month's contract wage it would take to repay at this month's exchange rate, x its log
 * hazard ratio), the sector, and the origin term (ctx.abscondOriginLogHr: the nationality's
 * residual, and Myanmar's shock while myanmarDesignatedActivities holds).
 */
export function abscondAgentLogHr(s: SimState, i: number): number {
  const pop = s.pop;
  const p = s.params;
  const nat = pop.nationality[i]!;
  const debtYen = pop.debtHomeYen[i]! / s.ctx.yenValueByNationality[nat]!;
  return p.abscondDebtLogHrPerWageMonth * (debtYen / contractWageYen(pop, i, s.ctx.wageIndex)) + abscondSectorLogHr(p, pop.sector[i]!) + s.ctx.abscondOriginLogHr[nat]!;
}

/**
 * Months of legal stay intern i has left: to the end of the 3-year course (TI-1/2, ESD), of TI-3
 * (5 years) or of ESD's year to retake the SSW(i) tests.
 */
function legalMonthsLeft(s: SimState, i: number): number {
  const stage = s.pop.tiStage[i]!;
  const end = stage !== 3 ? 36 : isEsd(s.pop, i) ? esdMilestoneMonths(s.params, 3) : 60;
  const m = monthsInStatus(s.pop, i, s.ctx.month);
  return end > m ? end - m : 0;
}

/**
 * The share of intern i's savings goal plus debt (both held in the home currency) that its
 * savings, remittances and legal net pay still to come (this month's surplus over the months left)
 * will not cover at this month's exchange rate: 0 (covered) to 1 (nothing). Remittances are
 * valued at this month's rate too (the model keeps them in yen). A weaker yen shrinks what the
 * yen earned and to come are worth at home.
 */
export function goalShortfallShare(s: SimState, i: number): number {
  const pop = s.pop;
  const r = s.tables.accrual;
  const net = netPayOf(pop, r, i, pop.status[i]!);
  const surplusYen = net > r.livingCostYen ? net - r.livingCostYen : 0;
  const heldYen = pop.savingsYen[i]! + pop.remittedYen[i]! + surplusYen * legalMonthsLeft(s, i);
  const goalHome = s.params.savingsTargetYen + pop.debtHomeYen[i]!;
  const shortHome = goalHome - heldYen * s.ctx.yenValueByNationality[pop.nationality[i]!]!;
  return shortHome > 0 ? shortHome / goalHome : 0;
}

/** The tenure term of abscondHazard: by months with the current employer (first year, second, later). */
export function abscondTenureLogHr(p: Params, monthsWithEmployer: number): number {
  return monthsWithEmployer < 12 ? p.abscondFirstYearLogHr : monthsWithEmployer < 24 ? p.abscondSecondYearLogHr : 0;
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
 * Absconding (TI): base x tightness (in ctx) x exp(debt and origin + goal shortfall + tenure +
 * sector + underpayment + no overtime + broker + network). @see seed 003 (Chhour; Sano 2012; Saito 2018),
 * seed 002 (fees), docs/evidence-absconding.md (tenure, net pay, interest, Myanmar)
 */
export function abscondHazard(s: SimState, i: number): number {
  const pop = s.pop;
  const p = s.params;
  const e = pop.employer[i]!;
  const emp = s.employers;
  let x = abscondAgentLogHr(s, i);
  x += p.abscondGoalShortfallLogHr * goalShortfallShare(s, i);
  x += abscondTenureLogHr(p, monthsWithEmployer(pop, i, s.ctx.month));
  if (e >= 0) {
    x += abscondShortfallLogHr(p, emp.underpayShare[e]!);
    if (emp.offersOvertime[e] === 0) x += p.abscondNoOvertimeLogHr;
  }
  if (pop.brokerTie[i] === 1) x += p.abscondBrokerLogHr;
  x += abscondNetworkLogHr(p, pop.networkTies[i]!);
  return s.ctx.abscondBaseHazard * Math.exp(x);
}

/**
 * Bound of abscondHazard / exp(abscondAgentLogHr + the tenure term), by [brokerTie * TIES_VALUES +
 * networkTies]: the employer terms at their largest (or 0 without an employer), the goal shortfall
 * at its largest (a share of at most 1), broker and ties exactly. The interns' bound adds the
 * agent's own terms and its tenure term exactly (internHazardBound). tiAbscondSharedTermsBeforeGoal
 * leaves the goal shortfall out, for the second screen, which adds it exactly (internSecondBound).
 */
export function updateAbscondBounds(s: SimState, b: DecisionBounds): void {
  const p = s.params;
  const shortfall = Math.max(abscondShortfallLogHr(p, b.minUnderpayShare), abscondShortfallLogHr(p, b.maxUnderpayShare));
  const employerTerms = Math.max(0, shortfall + pos(p.abscondNoOvertimeLogHr));
  const goalAtMost = pos(p.abscondGoalShortfallLogHr);
  const base = s.ctx.abscondBaseHazard;
  for (let broker = 0; broker < 2; broker++) {
    for (let ties = 0; ties < TIES_VALUES; ties++) {
      const x = employerTerms + (broker === 1 ? p.abscondBrokerLogHr : 0) + abscondNetworkLogHr(p, ties);
      b.tiAbscondSharedTermsBeforeGoal[broker * TIES_VALUES + ties] = base > 0 ? base * Math.exp(x) * BOUND_SLACK : 0;
      b.tiAbscondSharedTerms[broker * TIES_VALUES + ties] = base > 0 ? base * Math.exp(x + goalAtMost) * BOUND_SLACK : 0;
    }
  }
}

/** The base of a return hazard this month for nationality `nat`: `base` x the yen's factor. */
function returnBaseHazard(s: SimState, base: number, nat: number): number {
  return base * s.ctx.returnYenFactorByNationality[nat]!;
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
  const nat = pop.nationality[i]!;
  if (pop.savingsYen[i]! * s.ctx.yenValueByNationality[nat]! >= p.savingsTargetYen) x += p.returnSavingsTargetLogHr;
  return returnBaseHazard(s, base, nat) * Math.exp(x);
}

/** Bound of returnHazard(s, i, base) over every agent: each term of the exponent at its largest. */
export function returnHazardBound(s: SimState, base: number): number {
  const p = s.params;
  const tiesTerm = Math.max(0, returnNetworkLogHr(p, TIES_VALUES - 1));
  const x = tiesTerm + pos(p.returnFamilyAtOriginLogHr) + pos(p.returnFamilyInJapanLogHr) + pos(p.returnSavingsTargetLogHr);
  let h = 0;
  for (let nat = 0; nat < s.ctx.returnYenFactorByNationality.length; nat++) h = Math.max(h, returnBaseHazard(s, base, nat));
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
