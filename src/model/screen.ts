// The decision screen: per-month upper bounds of each status's total monthly hazard, so the
// monthly sweep (sweep.ts) can tell from an agent's decision draw alone that the agent stays,
// without computing its hazards.
//
// Why it is exact: the competing-hazards rule (competing.ts) keeps an agent where it is whenever
// its draw u >= total hazard H (1 - exp(-H) <= H). If u >= B for a bound B >= H, the full
// decision would have done nothing, so skipping it changes nothing: the draw was taken either
// way, and no other draw or state depends on the skipped arithmetic. Only agents with u < B
// (a few percent) take the full decision (decideIntern & co., unchanged), which computes H
// exactly as before. A bound that is too high costs time, never results; every bound here is
// padded by a relative BOUND_SLACK far above any rounding in the exact formulas, and a NaN bound
// fails `u >= B`, so it sends the agent to the full decision.
//
// Scheduled steps that are not hazards (TI milestones, the SSW1 cap) always take the full
// decision; the sweep checks for them before the screen.

import { Status } from "./codes.js";
import { monthsInStatus } from "./population.js";
import type { SimState } from "./state.js";
import { internAtMilestone } from "./transitions/intern.js";
import { ssw2Eligible, ssw2Hazard } from "./transitions/ssw.js";

/** Relative padding of every bound: covers rounding (about 1e-15) many times over. */
const BOUND_SLACK = 1 + 1e-6;

/** exp upper-bound table: exp(EXP_MIN + j / EXP_STEPS) for j = 0 .. EXP_TABLE_SIZE - 1, padded. */
const EXP_MIN = -32;
const EXP_STEPS = 32;
const EXP_TABLE_SIZE = 2 * 32 * EXP_STEPS + 1;
const EXP_UPPER = new Float64Array(EXP_TABLE_SIZE);
for (let j = 0; j < EXP_TABLE_SIZE; j++) EXP_UPPER[j] = Math.exp(EXP_MIN + j / EXP_STEPS) * BOUND_SLACK;

/**
 * An upper bound of exp(y) within 1/32 in y (about 3%) from a table: no exp per agent.
 * Infinity above the table's range or for NaN (the caller's screen then fails, as it should).
 */
export function expUpperBound(y: number): number {
  const j = Math.ceil((y - EXP_MIN) * EXP_STEPS);
  if (j <= 0) return EXP_UPPER[0]!;
  if (j < EXP_TABLE_SIZE) return EXP_UPPER[j]!;
  return Infinity;
}

/** Network ties are a Uint8: every value has its entry. */
const TIES_VALUES = 256;

export interface DecisionBounds {
  /**
   * Bound of the total hazard by status, for statuses whose every term is bounded by a constant
   * this month (SSW2, SIE, PR, IRREGULAR, ASYLUM); NaN (never passes) for TI and SSW1.
   */
  totalByStatus: Float64Array;
  /** TI: bound of abscondHazard / exp(debt term), by [brokerTie * 256 + networkTies]. */
  tiAbscondNonDebt: Float64Array;
  /** TI: bound of early return + employer change for a TITP intern and for an ESD intern. */
  tiOtherTitp: number;
  tiOtherEsd: number;
  /** SSW1: bound of job change, return and onward (the SSW2 term is added per agent). */
  ssw1NonSsw2: number;
  /** 1 where status may bring family this month (family.ts, mayBringFamily): for the sweep. */
  mayBringFamily: Uint8Array;
}

export function createDecisionBounds(): DecisionBounds {
  return {
    totalByStatus: new Float64Array(Status.RETURNED).fill(NaN),
    tiAbscondNonDebt: new Float64Array(2 * TIES_VALUES),
    tiOtherTitp: NaN,
    tiOtherEsd: NaN,
    ssw1NonSsw2: NaN,
    mayBringFamily: new Uint8Array(Status.RETURNED),
  };
}

const pos = (x: number): number => (x > 0 ? x : 0);

/** Bound of returnHazard(s, i, base) over every agent: the largest value its table of cases can take. */
function returnHazardBound(s: SimState, base: number): number {
  const p = s.params;
  // x = ties term + (family at origin) + (family in Japan) + (savings target): each term at its largest.
  const tiesTerm = Math.max(0, p.returnNetworkLogHrPerTie * (TIES_VALUES - 1));
  const x = tiesTerm + pos(p.returnFamilyAtOriginLogHr) + pos(p.returnFamilyInJapanLogHr) + pos(p.returnSavingsTargetLogHr);
  const h = base * s.ctx.returnYenFactor;
  return h > 0 ? h * Math.exp(x) * BOUND_SLACK : 0;
}

/** Bound of onwardHazard over every agent. */
function onwardHazardBound(s: SimState): number {
  const p = s.params;
  return pos(p.onwardHazardPerMonth) * Math.exp(pos(p.returnFamilyInJapanLogHr)) * BOUND_SLACK;
}

/** Bound of jobChangeHazard(s, i, base) over every agent (before or after the career plateau). */
function jobChangeHazardBound(s: SimState, base: number): number {
  const h = base * s.ctx.jobChangeTightness;
  return Math.max(0, h, h * s.params.careerPlateauJobChangeHr) * BOUND_SLACK;
}

/** Fills `b` for this month: after updateMonthContext, with this month's parameters and employers. */
export function updateDecisionBounds(s: SimState, b: DecisionBounds): void {
  const p = s.params;
  const ctx = s.ctx;
  const emp = s.employers;

  // Employer terms take their largest value at the smallest or the largest underpayment share.
  let minUnderpay = Infinity;
  let maxUnderpay = -Infinity;
  for (let e = 0; e < emp.count; e++) {
    const share = emp.underpayShare[e]!;
    if (share < minUnderpay) minUnderpay = share;
    if (share > maxUnderpay) maxUnderpay = share;
  }
  if (emp.count === 0) minUnderpay = maxUnderpay = 0;
  const onward = onwardHazardBound(s);

  // TI. abscondHazard = base x exp(debt + shortfall + no overtime + broker + ties): the employer
  // terms at their largest (or 0 without an employer), broker and ties exactly, the debt term per agent.
  const shortfall = Math.max(p.abscondShortfallLogHrPerShare * minUnderpay, p.abscondShortfallLogHrPerShare * maxUnderpay);
  const employerTerms = Math.max(0, shortfall + pos(p.abscondNoOvertimeLogHr));
  const base = ctx.abscondBaseHazard;
  for (let broker = 0; broker < 2; broker++) {
    for (let ties = 0; ties < TIES_VALUES; ties++) {
      const x = employerTerms + (broker === 1 ? p.abscondBrokerLogHr : 0) + p.abscondNetworkLogHrPerTie * ties;
      b.tiAbscondNonDebt[broker * TIES_VALUES + ties] = base > 0 ? base * Math.exp(x) * BOUND_SLACK : 0;
    }
  }
  const earlyReturn = pos(p.tiEarlyReturnHazardPerMonth);
  b.tiOtherTitp = earlyReturn + pos(p.tiUnavoidableTransferHazardPerMonth);
  const esdShortfall = Math.max(p.esdJobChangeShortfallLogHrPerShare * minUnderpay, p.esdJobChangeShortfallLogHrPerShare * maxUnderpay);
  b.tiOtherEsd = earlyReturn + pos(p.esdJobChangeHazardPerMonth * ctx.jobChangeTightness) * Math.exp(pos(esdShortfall)) * BOUND_SLACK;

  // SSW1: job change, return and onward; the SSW2 term depends on skill and is added per agent.
  b.ssw1NonSsw2 = jobChangeHazardBound(s, p.sswJobChangeHazardPerMonth) + returnHazardBound(s, p.sswReturnHazardPerMonth) + onward;

  const t = b.totalByStatus;
  const prTerm = pos(p.prHazardPerMonth);
  t[Status.SSW2] = jobChangeHazardBound(s, p.sswJobChangeHazardPerMonth) + prTerm + returnHazardBound(s, p.sswReturnHazardPerMonth) + onward;
  t[Status.SIE] = jobChangeHazardBound(s, p.sieJobChangeHazardPerMonth) + prTerm + returnHazardBound(s, p.sieReturnHazardPerMonth) + onward;
  t[Status.PR] = returnHazardBound(s, p.prExitHazardPerMonth) + onward;
  t[Status.IRREGULAR] =
    (pos(p.irregularAsylumHazardPerMonth * (p.asylumWorkPermitted ? p.asylumWorkPermitAsylumHr : 1)) +
      pos(p.apprehensionHazardPerMonth) + pos(p.irregularReturnHazardPerMonth)) * BOUND_SLACK;
  t[Status.ASYLUM] = (pos(p.asylumDecisionHazardPerMonth) + pos(p.irregularReturnHazardPerMonth)) * BOUND_SLACK;
}

/**
 * An upper bound of agent i's total hazard this month (status st, after this month's accrual),
 * or NaN when the agent must take the full decision anyway (a TI milestone, the SSW1 cap).
 */
export function hazardBound(s: SimState, b: DecisionBounds, i: number, st: number): number {
  const pop = s.pop;
  if (st === Status.TI) {
    const esd = pop.esd[i] === 1;
    if (internAtMilestone(esd, pop.tiStage[i]!, s.ctx.month - pop.statusSinceMonth[i]!)) return NaN; // months in status
    // The debt term of abscondHazard, exactly as it computes it (written out: a call here cost 3% of
    // a run); the rest from the table.
    const contract = pop.promisedWageYenPerMonth[i]! * s.ctx.wageIndex;
    const debtTerm = s.params.abscondDebtLogHrPerWageMonth * (pop.debtYen[i]! / contract);
    const abscond = b.tiAbscondNonDebt[pop.brokerTie[i]! * TIES_VALUES + pop.networkTies[i]!]! * expUpperBound(debtTerm);
    return (abscond + (esd ? b.tiOtherEsd : b.tiOtherTitp)) * BOUND_SLACK;
  }
  if (st === Status.SSW1) {
    // The SSW2 term is computed for every holder and kept only if eligible, and the cap is tested
    // last, so that the first SSW1 holder screened takes every read: this is inlined into the
    // sweep, and a read first reached later (an eligible holder, a holder at the cap) deoptimised it.
    const eligible = ssw2Eligible(s, i);
    const ssw2 = pos(ssw2Hazard(s, i, true));
    const atCap = monthsInStatus(pop, i, s.ctx.month) >= s.params.ssw1CapMonths;
    return atCap ? NaN : (b.ssw1NonSsw2 + (eligible ? ssw2 : 0)) * BOUND_SLACK;
  }
  return b.totalByStatus[st]!;
}
