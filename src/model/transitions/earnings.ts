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

/** Advances every live agent by one month of work and life. Runs before this month's entries. */
export function accrueMonth(s: SimState): void {
  const pop = s.pop;
  const p = s.params;
  const emp = s.employers;
  const livingCost = p.livingCostYenPerMonth * s.ctx.wageIndex;
  const skillPerMonth = p.skillGrowthPerYear / 12;
  const monthsPerLevel = p.monthsPerJapaneseLevel;
  // Deterministic tie growth: one more co-national contact every `tieEvery` months.
  const tieEvery = p.networkTiesPerYear > 0 ? Math.max(1, Math.round(12 / p.networkTiesPerYear)) : 0;
  const { status, debtYen, savingsYen, remittedYen, skill, japaneseLevel, networkTies, employer } = pop;
  for (let i = 0; i < pop.size; i++) {
    const st = status[i]!;
    if (st >= Status.RETURNED) continue; // left Japan
    pop.ageMonths[i] = pop.ageMonths[i]! + 1;
    const mj = pop.monthsInJapan[i]! + 1;
    pop.monthsInJapan[i] = mj;
    pop.monthsInStatus[i] = pop.monthsInStatus[i]! + 1;
    pop.monthsWithEmployer[i] = pop.monthsWithEmployer[i]! + 1;
    if (st === Status.SSW2 || st === Status.SIE) pop.monthsOnWorkStatus[i] = pop.monthsOnWorkStatus[i]! + 1;

    const wage = wageThisMonth(s, i);
    pop.wageYenPerMonth[i] = wage;
    const surplus = wage > livingCost ? wage - livingCost : 0;
    const debt = debtYen[i]!;
    let repay = surplus * p.debtRepaymentShare;
    if (repay > debt) repay = debt;
    debtYen[i] = debt - repay;
    const rest = surplus - repay;
    remittedYen[i] = remittedYen[i]! + rest * p.remittanceShare;
    savingsYen[i] = savingsYen[i]! + rest * (1 - p.remittanceShare);

    // Seed 001: promoting employers cultivate skills faster.
    const e = employer[i]!;
    const growth = e >= 0 && emp.promoter[e] === 1 ? skillPerMonth * p.cultivationSkillMultiplier : skillPerMonth;
    const sk = skill[i]! + growth;
    skill[i] = sk > 1 ? 1 : sk;
    if (mj % monthsPerLevel === 0 && japaneseLevel[i]! < 5) japaneseLevel[i] = japaneseLevel[i]! + 1;
    if (tieEvery > 0 && mj % tieEvery === 0 && networkTies[i]! < 20) networkTies[i] = networkTies[i]! + 1;
  }
}
