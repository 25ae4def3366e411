// Monthly accrual for everyone in Japan: net pay, debt interest and repayment (the debt is held in
// the home currency, so its yen value moves with the exchange rate), remittances and savings, skill,
// Japanese and co-national ties. Deterministic: no random draws. Time in Japan, in status and so
// on needs no accrual: it is kept as month stamps (population.ts), and the counts follow the month.

import { Status, isWithoutEmployer } from "../codes.js";
import type { Employers } from "../employers.js";
import type { Params } from "../params.js";
import { type EmployerPayCodes, PAY_OVERTIME, PAY_PROMOTER, PAY_UNDERPAY_SHIFT } from "../pay-codes.js";
import { type Population, monthsInJapan } from "../population.js";

/**
 * The month's accrual rates, shared by every agent: computed once a month (updateAccrualRates)
 * so the per-agent step only multiplies by them or looks them up.
 */
export interface AccrualRates {
  /** The month (MonthContext.month): time counts are this minus the agents' month stamps. */
  month: number;
  wageIndex: number;
  /** Pay of IRREGULAR and ASYLUM agents this month, yen. */
  irregularWageYen: number;
  /**
   * By status in Japan: 1 where pay is the contract's (TI, SSW, SIE, PR), 0 where it is
   * fixedPayYenByStatus (the irregular statuses: no employer).
   */
  paidByContract: Uint8Array;
  /** By status without a contract: this month's pay, yen (undocumented or designated work; 0 in detention or on provisional release). */
  fixedPayYenByStatus: Float64Array;
  /** By status: the share of pay left after social insurance and tax (netPayShare for legal work; 1 for undocumented work). */
  netShareByStatus: Float64Array;
  /** 1 + overtime premium share. */
  overtimeFactor: number;
  livingCostYen: number;
  /** 1 - payrollDeductionShare: the part of legal pay left after social insurance and tax. */
  netPayShare: number;
  /** 1 + debtInterestPerMonth. */
  debtGrowth: number;
  /** The month's yen value by nationality (MonthContext.yenValueByNationality): home yen per yen. */
  yenValueByNationality: Float64Array;
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
   * is due (mj % monthsPerLevel === 0), MONTH_TIE_DUE if a new tie is; rebuilt only when the two
   * periods change.
   */
  dueByMonthsInJapan: Uint8Array;
  dueBuiltFor: [number, number];
  /**
   * By an employer's pay code (pay-codes.ts): the pay factor of overtime (1 without), the month's
   * skill gain (cultivated at a promoter) and, by code >> PAY_UNDERPAY_SHIFT, the share of the
   * contract wage withheld (EmployerPayCodes.underpay).
   */
  overtimeFactorByCode: Float64Array;
  skillGainByCode: Float64Array;
  underpayByCode: Float32Array;
}

export const MONTH_LEVEL_DUE = 1;
export const MONTH_TIE_DUE = 2;

export function createAccrualRates(): AccrualRates {
  return {
    month: 0, wageIndex: 1, irregularWageYen: 0,
    paidByContract: new Uint8Array(Status.RETURNED), fixedPayYenByStatus: new Float64Array(Status.RETURNED), netShareByStatus: new Float64Array(Status.RETURNED),
    overtimeFactor: 1, livingCostYen: 0, netPayShare: 1, debtGrowth: 1,
    yenValueByNationality: new Float64Array(0), repayShare: 0, remitShare: 0, saveShare: 1,
    skillPerMonth: 0, cultivatedSkillPerMonth: 0, monthsPerLevel: 1, tieEveryMonths: 0,
    dueByMonthsInJapan: new Uint8Array(0x10000 + 1), dueBuiltFor: [NaN, NaN],
    overtimeFactorByCode: new Float64Array(PAY_OVERTIME + 1), skillGainByCode: new Float64Array(PAY_PROMOTER + 1),
    underpayByCode: new Float32Array(1),
  };
}

/**
 * Fills `r` for month `month` from the parameters, the month's wage index and yen values
 * (MonthContext) and employers' pay codes.
 */
export function updateAccrualRates(
  r: AccrualRates, p: Params, month: number, wageIndex: number, yenValueByNationality: Float64Array, codes: EmployerPayCodes,
): void {
  r.month = month;
  r.yenValueByNationality = yenValueByNationality;
  r.netPayShare = 1 - p.payrollDeductionShare;
  r.debtGrowth = 1 + p.debtInterestPerMonth;
  r.underpayByCode = codes.underpay;
  r.wageIndex = wageIndex;
  r.irregularWageYen = p.irregularWageYenPerMonth * wageIndex;
  for (let st = 0; st < Status.RETURNED; st++) {
    const contract = !isWithoutEmployer(st);
    r.paidByContract[st] = contract ? 1 : 0;
    // Undocumented work pays the irregular wage; designated activities open the same jobs legally
    // (assumption); detainees and people on provisional release may not work.
    r.fixedPayYenByStatus[st] = st === Status.IRREGULAR || st === Status.ASYLUM || st === Status.DESIGNATED ? r.irregularWageYen : 0;
    r.netShareByStatus[st] = contract || st === Status.DESIGNATED ? r.netPayShare : 1;
  }
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

/**
 * Agent i's contract wage this month, yen: its contract at 2023 prices x the month's wage index
 * (before underpayment and overtime).
 * @inline
 */
export function contractWageYen(pop: Population, i: number, wageIndex: number): number {
  return pop.promisedWageYenPerMonth[i]! * wageIndex;
}

/**
 * The contract wage (at 2023 prices, yen per month) of an SSW1 holder at employer e: the SSW1
 * wage x the employer's wage level (x 1 without an employer). For every move onto SSW1 with an
 * employer: a sponsored intern, a returnee coming back, the end of the special stay.
 */
export function ssw1ContractWageYen(p: Params, emp: Employers, e: number): number {
  return p.ssw1WageYenPerMonth * (e >= 0 ? emp.wageLevel[e]! : 1);
}

/**
 * Actual pay of agent i (status st) this month, yen: contract x wage index x employer compliance
 * and overtime, through its copy of its employer's pay code; agents without an employer earn the
 * pay of their status (fixedPayYenByStatus). Code 0 (no employer, or one that pays in full without
 * overtime) leaves the contract pay unchanged: x (1 - 0) x 1.
 * @inline
 */
export function wageOf(pop: Population, r: AccrualRates, i: number, st: number): number {
  const code = pop.employerPayCode[i]!;
  const paidYen = contractWageYen(pop, i, r.wageIndex) * (1 - r.underpayByCode[code >> PAY_UNDERPAY_SHIFT]!) * r.overtimeFactorByCode[code & PAY_OVERTIME]!;
  return r.paidByContract[st] === 1 ? paidYen : r.fixedPayYenByStatus[st]!;
}

/**
 * Agent i's pay this month after social insurance and tax, yen: pay (wageOf) x its status's net
 * share; undocumented pay is not withheld from.
 * @inline
 */
export function netPayOf(pop: Population, r: AccrualRates, i: number, st: number): number {
  const wage = wageOf(pop, r, i, st);
  return wage * r.netShareByStatus[st]!;
}

/**
 * One month of work and life for agent i, who is in Japan with status st (accrual runs before the
 * month's entries). The debt, held in the home currency, grows by the month's interest; repayments
 * in yen are worth the month's yen value at home.
 * @inline
 */
export function accrueAgent(pop: Population, r: AccrualRates, i: number, st: number): void {
  const net = netPayOf(pop, r, i, st);
  const surplus = net > r.livingCostYen ? net - r.livingCostYen : 0;
  const yenValue = r.yenValueByNationality[pop.nationality[i]!]!;
  const debtHome = pop.debtHomeYen[i]! * r.debtGrowth;
  let repay = surplus * r.repayShare;
  if (repay * yenValue >= debtHome) {
    repay = debtHome / yenValue;
    pop.debtHomeYen[i] = 0;
  } else {
    pop.debtHomeYen[i] = debtHome - repay * yenValue;
  }
  const rest = surplus - repay;
  pop.remittedYen[i] = pop.remittedYen[i]! + rest * r.remitShare;
  pop.savingsYen[i] = pop.savingsYen[i]! + rest * r.saveShare;

  // Seed 001: promoting employers cultivate skills faster.
  const sk = pop.skill[i]! + r.skillGainByCode[pop.employerPayCode[i]! & PAY_PROMOTER]!;
  pop.skill[i] = sk > 1 ? 1 : sk;
  // A JLPT level every monthsPerLevel months in Japan, a co-national tie every tieEveryMonths
  // (this month included).
  const due = r.dueByMonthsInJapan[monthsInJapan(pop, i, r.month)]!;
  if ((due & MONTH_LEVEL_DUE) !== 0 && pop.japaneseLevel[i]! < 5) pop.japaneseLevel[i] = pop.japaneseLevel[i]! + 1;
  if ((due & MONTH_TIE_DUE) !== 0 && pop.networkTies[i]! < 20) pop.networkTies[i] = pop.networkTies[i]! + 1;
}
