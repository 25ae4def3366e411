// The decision screen's arithmetic: upper bounds of monthly hazards, and the month's table of them.
//
// Why a bound changes no result: the competing-hazards rule (competing.ts) keeps an agent where
// it is whenever its draw u >= total hazard H (1 - exp(-H) <= H). If u >= B for a bound B >= H,
// the full decision would have done nothing, so skipping it changes nothing: the draw was taken
// either way, and no other draw or state depends on the skipped arithmetic. A bound that is too
// high costs time, never results; every bound is padded by a relative BOUND_SLACK far above any
// rounding in the exact formulas, and a NaN bound fails `u >= B`, so the agent takes the full
// decision. Each hazard's bound is written beside the hazard (hazards.ts and the status modules);
// test/model/bounds.test.ts holds each status's bound above its total hazard on random rows.

import { Status } from "../codes.js";

/** Relative padding of every bound: covers rounding (about 1e-15) many times over. */
export const BOUND_SLACK = 1 + 1e-6;

/** x if positive, else 0: the largest a term x * (a share in [0, 1]) or an optional term can be. */
export const pos = (x: number): number => (x > 0 ? x : 0);

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
export const TIES_VALUES = 256;

/** The month's bounds, filled by decide.ts (updateDecisionBounds) from each status's bound functions. */
export interface DecisionBounds {
  /** The smallest and largest underpayment share of any employer this month (0 and 0 without employers). */
  minUnderpayShare: number;
  maxUnderpayShare: number;
  /**
   * Bound of the total hazard by status, for statuses whose every term is bounded by a constant
   * this month (SSW2, SIE, PR and the irregular statuses); NaN (never passes) for TI and SSW1
   * (bounded per agent) and DESIGNATED (a scheduled end: irregular.ts).
   */
  totalByStatus: Float64Array;
  /** TI: bound of abscondHazard / exp(abscondAgentLogHr + the tenure term), by [brokerTie * TIES_VALUES + networkTies]. */
  tiAbscondSharedTerms: Float64Array;
  /**
   * TI: the same without the goal shortfall term, for the interns' second screen, which takes that
   * term exactly (internSecondBound).
   */
  tiAbscondSharedTermsBeforeGoal: Float64Array;
  /** TI: bound of early return + employer change for a TITP intern and for an ESD intern. */
  tiOtherTitp: number;
  tiOtherEsd: number;
  /** SSW1: bound of job change, return and onward (the SSW2 term is added per agent). */
  ssw1NonSsw2: number;
}

export function createDecisionBounds(): DecisionBounds {
  return {
    minUnderpayShare: 0,
    maxUnderpayShare: 0,
    totalByStatus: new Float64Array(Status.RETURNED).fill(NaN),
    tiAbscondSharedTerms: new Float64Array(2 * TIES_VALUES),
    tiAbscondSharedTermsBeforeGoal: new Float64Array(2 * TIES_VALUES),
    tiOtherTitp: NaN,
    tiOtherEsd: NaN,
    ssw1NonSsw2: NaN,
  };
}
