import { describe, expect, it } from "vitest";
import { Status } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { defaultParams } from "../../src/model/params.js";
import type { SimState } from "../../src/model/state.js";
import { type AgentInit, makeEmployers, makeState, timeCounts } from "../helpers/state.js";
import { accrueEach, counting, expectNear, wageThisMonth } from "./support.js";

const D = defaultParams();
// Employer k of every sector: 0 pays in full with overtime, 1 underpays 15% with overtime,
// 2 pays in full without overtime, 3 promotes (cultivates skills).
const EMP = makeEmployers([{}, { underpayShare: 0.15 }, { offersOvertime: 0 }, { promoter: 1 }]);

function one(agent: AgentInit) {
  return makeState({ agents: [agent], employers: EMP });
}

describe("wageThisMonth", () => {
  it("is the contract wage x wage index x (1 - underpayment) x (1 + overtime premium)", () => {
    const s = makeState({ agents: [{ employer: 0 }, { employer: 1 }, { employer: 2 }], employers: EMP });
    expectNear(wageThisMonth(s, 0), D.tiWageYenPerMonth * (1 + D.overtimePremiumShare));
    expectNear(wageThisMonth(s, 1), D.tiWageYenPerMonth * (1 - Math.fround(0.15)) * (1 + D.overtimePremiumShare));
    expectNear(wageThisMonth(s, 2), D.tiWageYenPerMonth);
    s.inputs.series.wageIndex[1] = 1.1;
    updateMonthContext(s, 1);
    expectNear(wageThisMonth(s, 2), D.tiWageYenPerMonth * 1.1);
  });

  it("is the irregular wage for IRREGULAR and ASYLUM, whatever the contract", () => {
    const s = makeState({ agents: [{ status: Status.IRREGULAR, tiStage: 0, employer: -1 }, { status: Status.ASYLUM, tiStage: 0, employer: -1 }] });
    expect(wageThisMonth(s, 0)).toBe(D.irregularWageYenPerMonth);
    expect(wageThisMonth(s, 1)).toBe(D.irregularWageYenPerMonth);
  });
});

describe("pay of the irregular statuses", () => {
  // A contract an agent may still carry from its former status is ignored: pay is by status.
  const CONTRACT = 400000;
  const agents: AgentInit[] = [Status.DETAINED, Status.PROVISIONAL, Status.DESIGNATED, Status.IRREGULAR, Status.ASYLUM].map((status) => ({
    status, tiStage: 0, employer: -1, promisedWageYenPerMonth: CONTRACT, debtHomeYen: 2e5, savingsYen: 1000, remittedYen: 500,
  }));
  const NET = 1 - D.payrollDeductionShare;

  it("is 0 in detention and on provisional release, the irregular wage (gross) on designated activities", () => {
    const s = makeState({ agents, employers: EMP });
    expect(wageThisMonth(s, 0)).toBe(0);
    expect(wageThisMonth(s, 1)).toBe(0);
    expect(wageThisMonth(s, 2)).toBe(D.irregularWageYenPerMonth);
    expect(wageThisMonth(s, 3)).toBe(D.irregularWageYenPerMonth);
    s.inputs.series.wageIndex[1] = 1.1;
    updateMonthContext(s, 1);
    expectNear(wageThisMonth(s, 2), D.irregularWageYenPerMonth * 1.1);
    expect(wageThisMonth(s, 0)).toBe(0);
  });

  it("accrual: a DETAINED or PROVISIONAL agent earns nothing (savings and remittances unchanged, the debt grows by its interest); a DESIGNATED one nets the irregular wage x netPayShare", () => {
    const s = makeState({ agents, employers: EMP });
    accrueEach(s);
    for (const i of [0, 1]) {
      expect(s.pop.savingsYen[i], `row ${i}`).toBe(1000);
      expect(s.pop.remittedYen[i], `row ${i}`).toBe(500);
      expectNear(s.pop.debtHomeYen[i]!, 2e5 * (1 + D.debtInterestPerMonth));
    }
    // DESIGNATED: legal work, so social insurance and tax are withheld (unlike IRREGULAR and ASYLUM).
    const surplus = (net: number): number => Math.max(0, net - D.livingCostYenPerMonth);
    const accounted = (i: number): number => 2e5 * (1 + D.debtInterestPerMonth) - s.pop.debtHomeYen[i]! + (s.pop.remittedYen[i]! - 500) + (s.pop.savingsYen[i]! - 1000);
    expect(surplus(D.irregularWageYenPerMonth * NET)).toBeGreaterThan(0); // so the check below is not 0 = 0
    expectNear(accounted(2), surplus(D.irregularWageYenPerMonth * NET));
    expectNear(accounted(3), surplus(D.irregularWageYenPerMonth));
    expectNear(accounted(4), surplus(D.irregularWageYenPerMonth));
  });
});

describe("accrueAgent: money", () => {
  // Net pay: legal pay less social insurance and tax (payrollDeductionShare); the debt, held in the
  // home currency, first grows by a month's interest; repayments in yen are worth the month's yen
  // value at home (1 in these states unless set).
  const NET = 1 - D.payrollDeductionShare;
  const GROWTH = 1 + D.debtInterestPerMonth;

  it("repays debt with interest out of the net surplus and splits the rest into remittances and savings", () => {
    const s = one({ employer: 2, debtHomeYen: 1e6 });
    accrueEach(s);
    const surplus = D.tiWageYenPerMonth * NET - D.livingCostYenPerMonth;
    const repay = surplus * D.debtRepaymentShare;
    const rest = surplus - repay;
    expectNear(wageThisMonth(s, 0), D.tiWageYenPerMonth);
    expectNear(s.pop.debtHomeYen[0]!, 1e6 * GROWTH - repay);
    expectNear(s.pop.remittedYen[0]!, rest * D.remittanceShare);
    expectNear(s.pop.savingsYen[0]!, rest * (1 - D.remittanceShare));
  });

  it("accounts for the whole surplus: repaid + remitted + saved = net pay - living cost; undocumented pay is not withheld from", () => {
    const agents: AgentInit[] = [
      { employer: 0, debtHomeYen: 5e5 }, { employer: 1, debtHomeYen: 1000 }, { employer: 2, debtHomeYen: 0 },
      { status: Status.IRREGULAR, tiStage: 0, employer: -1, debtHomeYen: 2e5 },
      { status: Status.SIE, tiStage: 0, employer: 3, promisedWageYenPerMonth: D.sieWageYenPerMonth },
    ];
    const s = makeState({ agents, employers: EMP });
    const debtBefore = agents.map((a) => a.debtHomeYen ?? 0);
    accrueEach(s);
    for (let i = 0; i < agents.length; i++) {
      const net = wageThisMonth(s, i) * (agents[i]!.status === Status.IRREGULAR ? 1 : NET);
      const surplus = Math.max(0, net - D.livingCostYenPerMonth);
      const repaid = debtBefore[i]! * GROWTH - s.pop.debtHomeYen[i]!;
      expect(repaid).toBeGreaterThanOrEqual(0);
      expectNear(repaid + s.pop.remittedYen[i]! + s.pop.savingsYen[i]!, surplus, 1e-6);
    }
  });

  it("never leaves debt negative: a small debt is paid off with its interest and the rest is split", () => {
    const s = one({ employer: 2, debtHomeYen: 1000 });
    accrueEach(s);
    expect(s.pop.debtHomeYen[0]).toBe(0);
    const rest = D.tiWageYenPerMonth * NET - D.livingCostYenPerMonth - 1000 * GROWTH;
    expectNear(s.pop.remittedYen[0]! + s.pop.savingsYen[0]!, rest);
    accrueEach(s);
    expect(s.pop.debtHomeYen[0]).toBe(0);
  });

  it("pays nothing off and saves nothing when pay does not cover living costs; the debt grows by its interest", () => {
    const s = one({ employer: 2, debtHomeYen: 5e5, promisedWageYenPerMonth: D.livingCostYenPerMonth * 0.8, savingsYen: 100, remittedYen: 200 });
    accrueEach(s);
    expectNear(s.pop.debtHomeYen[0]!, 5e5 * GROWTH);
    expect(s.pop.savingsYen[0]).toBe(100);
    expect(s.pop.remittedYen[0]).toBe(200);
  });

  it("a weaker yen repays less of a home-currency debt: yen repaid x the month's yen value", () => {
    const s = one({ employer: 2, debtHomeYen: 1e6 });
    const nat = s.pop.nationality[0]!;
    s.ctx.yenValueByNationality[nat] = 0.8;
    accrueEach(s);
    const repayYen = (D.tiWageYenPerMonth * NET - D.livingCostYenPerMonth) * D.debtRepaymentShare;
    expectNear(s.pop.debtHomeYen[0]!, 1e6 * GROWTH - repayYen * 0.8);
  });

  it("repays a debt in full over the months and then saves more", () => {
    const s = one({ employer: 2, debtHomeYen: 6e5 });
    let prevSaved = 0;
    let prevDebt = 6e5;
    for (let m = 0; m < 24; m++) {
      accrueEach(s);
      const debt = s.pop.debtHomeYen[0]!;
      expect(debt).toBeGreaterThanOrEqual(0);
      expect(debt).toBeLessThanOrEqual(prevDebt);
      const saved = s.pop.savingsYen[0]!;
      expect(saved).toBeGreaterThan(prevSaved);
      prevDebt = debt;
      prevSaved = saved;
    }
    expect(prevDebt).toBe(0);
  });
});

/** The next month's context and accrual: time counts follow the month (month stamps, population.ts). */
function nextMonth(s: SimState): void {
  updateMonthContext(s, s.ctx.month + 1);
  accrueEach(s);
}

describe("accrueAgent: time, skill, language and ties", () => {
  it("time counts advance one a month and work-status months only on SSW2 and SIE", () => {
    const statuses = [Status.TI, Status.SSW1, Status.SSW2, Status.SIE, Status.IRREGULAR, Status.ASYLUM, Status.PR, Status.DETAINED, Status.PROVISIONAL, Status.DESIGNATED];
    const s = makeState({ agents: statuses.map((status) => ({ status, tiStage: status === Status.TI ? 1 : 0, ageMonths: 300, monthsInJapan: 10, monthsInStatus: 5, monthsWithEmployer: 3, monthsOnWorkStatus: 2 })) });
    nextMonth(s);
    statuses.forEach((st, i) => {
      expect(timeCounts(s, i).ageMonths).toBe(301);
      expect(timeCounts(s, i).monthsInJapan).toBe(11);
      expect(timeCounts(s, i).monthsInStatus).toBe(6);
      expect(timeCounts(s, i).monthsWithEmployer).toBe(4);
      expect(timeCounts(s, i).monthsOnWorkStatus, `status ${st}`).toBe(st === Status.SSW2 || st === Status.SIE ? 3 : 2);
    });
  });

  it("grows skill by skillGrowthPerYear / 12, faster at a promoting employer, capped at 1", () => {
    const s = makeState({ agents: [{ employer: 0, skill: 0.2 }, { employer: 3, skill: 0.2 }, { employer: 0, skill: 0.999 }, { status: Status.IRREGULAR, tiStage: 0, employer: -1, skill: 0.2 }], employers: EMP });
    accrueEach(s);
    expectNear(s.pop.skill[0]!, 0.2 + D.skillGrowthPerYear / 12);
    expectNear(s.pop.skill[1]!, 0.2 + (D.skillGrowthPerYear / 12) * D.cultivationSkillMultiplier);
    expect(s.pop.skill[2]).toBe(1);
    expectNear(s.pop.skill[3]!, 0.2 + D.skillGrowthPerYear / 12);
  });

  it("gains a JLPT level every monthsPerJapaneseLevel months in Japan, up to N1 (5)", () => {
    const n = D.monthsPerJapaneseLevel;
    const s = makeState({ agents: [{ monthsInJapan: n - 1, japaneseLevel: 1 }, { monthsInJapan: n - 2, japaneseLevel: 1 }, { monthsInJapan: 2 * n - 1, japaneseLevel: 5 }] });
    nextMonth(s);
    expect(s.pop.japaneseLevel[0]).toBe(2);
    expect(s.pop.japaneseLevel[1]).toBe(1);
    expect(s.pop.japaneseLevel[2]).toBe(5);
  });

  it("gains a co-national tie every 12 / networkTiesPerYear months, up to 20", () => {
    const every = Math.round(12 / D.networkTiesPerYear);
    const s = makeState({ agents: [{ monthsInJapan: every - 1, networkTies: 3 }, { monthsInJapan: every, networkTies: 3 }, { monthsInJapan: 5 * every - 1, networkTies: 20 }] });
    nextMonth(s);
    expect(s.pop.networkTies[0]).toBe(4);
    expect(s.pop.networkTies[1]).toBe(3);
    expect(s.pop.networkTies[2]).toBe(20);
  });

  it("gains no ties when networkTiesPerYear is 0", () => {
    const s = makeState({ agents: [{ monthsInJapan: 5, networkTies: 3 }], params: { networkTiesPerYear: 0 }, months: 25 });
    for (let m = 0; m < 24; m++) nextMonth(s);
    expect(s.pop.networkTies[0]).toBe(3);
  });

  it("takes no random draw", () => {
    const streams = { entries: counting([0]), jobs: counting([0]), matching: counting([0]), life: counting([0]) };
    const s = makeState({ agents: [{ debtHomeYen: 1e5 }, { status: Status.SIE, tiStage: 0 }], streams });
    accrueEach(s);
    expect(streams.entries.calls + streams.jobs.calls + streams.matching.calls + streams.life.calls).toBe(0);
  });
});
