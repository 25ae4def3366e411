// Monthly accrual for everyone in Japan: pay, debt repayment, remittances and savings, skill,
// Japanese and co-national ties. Deterministic: no random draws. Time in Japan, in status and so
// on needs no accrual: it is kept as month stamps (population.ts), and the counts follow the month.

import { Status } from "../codes.js";
import { type Employers, PAY_OVERTIME, PAY_PROMOTER } from "../employers.js";
import { type Population, monthsInJapan } from "../population.js";
import type { SimState } from "../state.js";

/**
 * The month's accrual rates, shared by every agent: computed once a month (accrualRates) so the
 * per-agent step only multiplies by them. Each is exactly the expression the per-agent formula
 * used to evaluate, so precomputing it changes no bit.
 */
export interface AccrualRates {
  /** The month (s.ctx.month): time counts are this minus the agents' month stamps. */
  month: number;
  wageIndex: number;
  /** Pay of IRREGULAR and ASYLUM agents this month, yen. */
  irregularWageYen: number;
  /** 1 + overtime premium share. */
  overtimeFactor: number;
  livingCostYen: number;
  repayShare: number;
  remitShare: number;
  /** 1 - remitShare: the part of what is left that is saved. */
  saveShare: number;
  skillPerMonth: number;
  cultivatedSkillPerMonth: number;
  monthsPerLevel: number;
  /** One more co-national contact every `tieEveryMonths` months in Japan (0: none). */
  tieEveryMonths: number;
  /**
   * By months in Japan after this month's accrual (0 .. 65536): MONTH_LEVEL_DUE if a JLPT level
   * is due (mj % monthsPerLevel === 0), MONTH_TIE_DUE if a new tie is. Saves the sweep two
   * integer divisions per agent; rebuilt only when the two periods change.
   */
  dueByMonthsInJapan: Uint8Array;
  dueBuiltFor: [number, number];
  /**
   * By an employer's pay code (employers.ts): the pay factor of overtime (1 without) and the
   * month's skill gain (cultivated at a promoter). The sweep looks them up instead of branching.
   */
  overtimeFactorByCode: Float64Array;
  skillGainByCode: Float64Array;
}

export const MONTH_LEVEL_DUE = 1;
export const MONTH_TIE_DUE = 2;

export function createAccrualRates(): AccrualRates {
  return {
    month: 0, wageIndex: 1, irregularWageYen: 0, overtimeFactor: 1, livingCostYen: 0, repayShare: 0, remitShare: 0, saveShare: 1,
    skillPerMonth: 0, cultivatedSkillPerMonth: 0, monthsPerLevel: 1, tieEveryMonths: 0,
    dueByMonthsInJapan: new Uint8Array(0x10000 + 1), dueBuiltFor: [NaN, NaN],
    overtimeFactorByCode: new Float64Array(PAY_OVERTIME + 1), skillGainByCode: new Float64Array(PAY_PROMOTER + 1),
  };
}

/** Fills `r` from the parameters and this month's context (s.ctx). */
export function updateAccrualRates(s: SimState, r: AccrualRates): void {
  const p = s.params;
  const wageIndex = s.ctx.wageIndex;
  r.month = s.ctx.month;
  r.wageIndex = wageIndex;
  r.irregularWageYen = p.irregularWageYenPerMonth * wageIndex;
  r.overtimeFactor = 1 + p.overtimePremiumShare;
  r.livingCostYen = p.livingCostYenPerMonth * wageIndex;
  r.repayShare = p.debtRepaymentShare;
  r.remitShare = p.remittanceShare;
  r.saveShare = 1 - p.remittanceShare;
  r.skillPerMonth = p.skillGrowthPerYear / 12;
  r.cultivatedSkillPerMonth = r.skillPerMonth * p.cultivationSkillMultiplier;
  r.monthsPerLevel = p.monthsPerJapaneseLevel;
  r.overtimeFactorByCode[0] = 1;
  r.overtimeFactorByCode[PAY_OVERTIME] = r.overtimeFactor;
  r.skillGainByCode[0] = r.skillPerMonth;
  r.skillGainByCode[PAY_PROMOTER] = r.cultivatedSkillPerMonth;
  // Deterministic tie growth: one more co-national contact every `tieEvery` months.
  r.tieEveryMonths = p.networkTiesPerYear > 0 ? Math.max(1, Math.round(12 / p.networkTiesPerYear)) : 0;
  if (!Object.is(r.dueBuiltFor[0], r.monthsPerLevel) || !Object.is(r.dueBuiltFor[1], r.tieEveryMonths)) {
    const due = r.dueByMonthsInJapan;
    for (let mj = 0; mj < due.length; mj++) {
      due[mj] = (mj % r.monthsPerLevel === 0 ? MONTH_LEVEL_DUE : 0) | (r.tieEveryMonths > 0 && mj % r.tieEveryMonths === 0 ? MONTH_TIE_DUE : 0);
    }
    r.dueBuiltFor = [r.monthsPerLevel, r.tieEveryMonths];
  }
}

/** Actual pay of agent i (status st) this month, yen: contract x wage index x employer compliance and overtime. */
function wageOf(pop: Population, emp: Employers, r: AccrualRates, i: number, st: number): number {
  if (st === Status.IRREGULAR || st === Status.ASYLUM) return r.irregularWageYen;
  const e = pop.employer[i]!;
  let wage = pop.promisedWageYenPerMonth[i]! * r.wageIndex;
  if (e >= 0) {
    wage *= 1 - emp.underpayShare[e]!;
    if (emp.offersOvertime[e] === 1) wage *= r.overtimeFactor;
  }
  return wage;
}

/** Actual pay of agent i this month, yen: contract x wage index x employer compliance and overtime. */
export function wageThisMonth(s: SimState, i: number): number {
  const r = s.accrual;
  updateAccrualRates(s, r);
  return wageOf(s.pop, s.employers, r, i, s.pop.status[i]!);
}

/** One month of work and life for agent i, who is in Japan with status st. */
export function accrueAgent(pop: Population, emp: Employers, r: AccrualRates, i: number, st: number): void {
  const mj = monthsInJapan(pop, i, r.month); // this month included
  const wage = wageOf(pop, emp, r, i, st);
  const surplus = wage > r.livingCostYen ? wage - r.livingCostYen : 0;
  const debt = pop.debtYen[i]!;
  let repay = surplus * r.repayShare;
  if (repay > debt) repay = debt;
  pop.debtYen[i] = debt - repay;
  const rest = surplus - repay;
  pop.remittedYen[i] = pop.remittedYen[i]! + rest * r.remitShare;
  pop.savingsYen[i] = pop.savingsYen[i]! + rest * r.saveShare;

  // Seed 001: promoting employers cultivate skills faster.
  const e = pop.employer[i]!;
  const sk = pop.skill[i]! + (e >= 0 && emp.promoter[e] === 1 ? r.cultivatedSkillPerMonth : r.skillPerMonth);
  pop.skill[i] = sk > 1 ? 1 : sk;
  if (mj % r.monthsPerLevel === 0 && pop.japaneseLevel[i]! < 5) pop.japaneseLevel[i] = pop.japaneseLevel[i]! + 1;
  const tieEvery = r.tieEveryMonths;
  if (tieEvery > 0 && mj % tieEvery === 0 && pop.networkTies[i]! < 20) pop.networkTies[i] = pop.networkTies[i]! + 1;
}

/** Advances every agent in Japan by one month of work and life. Runs before this month's entries. */
export function accrueMonth(s: SimState): void {
  const r = s.accrual;
  updateAccrualRates(s, r);
  const pop = s.pop;
  const status = pop.status;
  for (let i = 0, n = pop.size; i < n; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue; // left Japan
    accrueAgent(pop, s.employers, r, i, st);
  }
}
