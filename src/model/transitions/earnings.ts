// Monthly accrual for everyone in Japan: time counters, pay, debt repayment, remittances and
// savings, skill, Japanese and co-national ties. Deterministic: no random draws.

import { Status } from "../codes.js";
import type { SimState } from "../state.js";

/** Actual pay of agent i this month, yen: contract x wage index x employer compliance and overtime. */
export function wageThisMonth(s: SimState, i: number): number {
  const pop = s.pop;
  const p = s.params;
  const st = pop.status[i]!;
  if (st === Status.IRREGULAR || st === Status.ASYLUM) return p.irregularWageYenPerMonth * s.ctx.wageIndex;
  const e = pop.employer[i]!;
  let wage = pop.promisedWageYenPerMonth[i]! * s.ctx.wageIndex;
  if (e >= 0) {
    const emp = s.employers;
    wage *= 1 - emp.underpayShare[e]!;
    if (emp.offersOvertime[e] === 1) wage *= 1 + p.overtimePremiumShare;
  }
  return wage;
}

/** Advances every agent in Japan by one month of work and life. Runs before this month's entries. */
export function accrueMonth(s: SimState): void {
  const pop = s.pop;
  const p = s.params;
  const emp = s.employers;
  const livingCost = p.livingCostYenPerMonth * s.ctx.wageIndex;
  const repayShare = p.debtRepaymentShare;
  const remitShare = p.remittanceShare;
  const skillPerMonth = p.skillGrowthPerYear / 12;
  const cultivatedPerMonth = skillPerMonth * p.cultivationSkillMultiplier;
  const monthsPerLevel = p.monthsPerJapaneseLevel;
  // Deterministic tie growth: one more co-national contact every `tieEvery` months.
  const tieEvery = p.networkTiesPerYear > 0 ? Math.max(1, Math.round(12 / p.networkTiesPerYear)) : 0;
  const { status, debtYen, savingsYen, remittedYen, skill, japaneseLevel, networkTies, employer, ageMonths,
    monthsInJapan, monthsInStatus, monthsWithEmployer, monthsOnWorkStatus, wageYenPerMonth } = pop;
  const { promoter } = emp;
  const n = pop.size;
  for (let i = 0; i < n; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue; // left Japan
    ageMonths[i] = ageMonths[i]! + 1;
    const mj = monthsInJapan[i]! + 1;
    monthsInJapan[i] = mj;
    monthsInStatus[i] = monthsInStatus[i]! + 1;
    monthsWithEmployer[i] = monthsWithEmployer[i]! + 1;
    if (st === Status.SSW2 || st === Status.SIE) monthsOnWorkStatus[i] = monthsOnWorkStatus[i]! + 1;

    const e = employer[i]!;
    const wage = wageThisMonth(s, i);
    wageYenPerMonth[i] = wage;
    const surplus = wage > livingCost ? wage - livingCost : 0;
    const debt = debtYen[i]!;
    let repay = surplus * repayShare;
    if (repay > debt) repay = debt;
    debtYen[i] = debt - repay;
    const rest = surplus - repay;
    remittedYen[i] = remittedYen[i]! + rest * remitShare;
    savingsYen[i] = savingsYen[i]! + rest * (1 - remitShare);

    // Seed 001: promoting employers cultivate skills faster.
    const sk = skill[i]! + (e >= 0 && promoter[e] === 1 ? cultivatedPerMonth : skillPerMonth);
    skill[i] = sk > 1 ? 1 : sk;
    if (mj % monthsPerLevel === 0 && japaneseLevel[i]! < 5) japaneseLevel[i] = japaneseLevel[i]! + 1;
    if (tieEvery > 0 && mj % tieEvery === 0 && networkTies[i]! < 20) networkTies[i] = networkTies[i]! + 1;
  }
}
