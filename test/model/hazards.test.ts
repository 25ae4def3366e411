import { describe, expect, it } from "vitest";
import { Family, Status } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import {
  abscondHazard, goalShortfallShare, jobChangeHazard, onwardHazard, prEligible, returnHazard,
} from "../../src/model/transitions/hazards.js";
import { Nationality } from "../../src/model/codes.js";
import { hasFamilyAtOrigin } from "../../src/model/transitions/family.js";
import { type AgentInit, makeEmployers, makeState } from "../helpers/state.js";

const D = defaultParams();
// Employer rows of manufacturing: 0 = pays in full with overtime, 1 = underpays 15% with overtime;
// every sector's employer k has the same attributes (makeEmployers).
const EMP = makeEmployers([{}, { underpayShare: 0.15 }, { offersOvertime: 0 }]);

/**
 * The other drivers are tested with the goal-shortfall term off (it depends on debt and pay too)
 * and no tenure terms (both tested below).
 */
const NO_GOAL: Partial<Params> = { abscondGoalShortfallLogHr: 0, abscondFirstYearLogHr: 0, abscondSecondYearLogHr: 0 };

function hAbscond(agent: AgentInit, params: Partial<Params> = {}): number {
  const s = makeState({ params: { ...NO_GOAL, ...params }, agents: [agent], employers: EMP });
  return abscondHazard(s, 0);
}

describe("abscondHazard", () => {
  const base: AgentInit = { employer: 0, debtHomeYen: 0, brokerTie: 0, networkTies: 0 };

  it("equals the month's base hazard for an intern with no debt, full pay, overtime, no broker, no ties", () => {
    const s = makeState({ params: NO_GOAL, agents: [base], employers: EMP });
    expect(abscondHazard(s, 0)).toBe(s.ctx.abscondBaseHazard);
    // Flat series (tightness 1, yen 1) with refugee work permitted: base x exp(permit log HR).
    expect(s.ctx.abscondBaseHazard).toBeCloseTo(D.abscondBaseHazardPerMonth * Math.exp(D.abscondAsylumPermitLogHr), 15);
  });

  it("rises with debt, by abscondDebtLogHrPerWageMonth per month of contract pay owed", () => {
    const h0 = hAbscond(base);
    const h1 = hAbscond({ ...base, debtHomeYen: D.tiWageYenPerMonth * 2 });
    const h2 = hAbscond({ ...base, debtHomeYen: D.tiWageYenPerMonth * 6 });
    expect(h1).toBeGreaterThan(h0);
    expect(h2).toBeGreaterThan(h1);
    expect(h1 / h0).toBeCloseTo(Math.exp(2 * D.abscondDebtLogHrPerWageMonth), 5);
  });

  it("rises with the pay shortfall at an underpaying employer", () => {
    const h0 = hAbscond(base);
    const h = hAbscond({ ...base, employer: 1 });
    expect(h).toBeGreaterThan(h0);
    expect(h / h0).toBeCloseTo(Math.exp(D.abscondShortfallLogHrPerShare * 0.15), 5);
  });

  it("rises when the employer offers no overtime", () => {
    const h0 = hAbscond(base);
    const h = hAbscond({ ...base, employer: 2 });
    expect(h).toBeGreaterThan(h0);
    expect(h / h0).toBeCloseTo(Math.exp(D.abscondNoOvertimeLogHr), 10);
  });

  it("rises with broker ties and co-national contacts", () => {
    const h0 = hAbscond(base);
    expect(hAbscond({ ...base, brokerTie: 1 }) / h0).toBeCloseTo(Math.exp(D.abscondBrokerLogHr), 10);
    expect(hAbscond({ ...base, networkTies: 10 }) / h0).toBeCloseTo(Math.exp(10 * D.abscondNetworkLogHrPerTie), 10);
  });

  it("multiplies the drivers: all of them together is the product of their ratios", () => {
    const h0 = hAbscond(base);
    const r = (a: AgentInit): number => hAbscond(a) / h0;
    const all = r({ employer: 1, debtHomeYen: 500000, brokerTie: 1, networkTies: 5 });
    expect(all).toBeCloseTo(r({ ...base, employer: 1 }) * r({ ...base, debtHomeYen: 500000 }) * r({ ...base, brokerTie: 1 }) * r({ ...base, networkTies: 5 }), 8);
  });

  it("follows labour-market tightness, the yen and refugee work permission through the month context", () => {
    const s = makeState({ agents: [base], employers: EMP, params: { ...NO_GOAL, asylumWorkPermitted: false, abscondYenElasticity: 1 } });
    const h0 = abscondHazard(s, 0);
    expect(h0).toBeCloseTo(D.abscondBaseHazardPerMonth, 15);
    s.inputs.series.jobOpeningsRatio[1] = D.referenceJobOpeningsRatio * 2;
    s.inputs.series.yenValueIndex[1] = 0.5;
    updateMonthContext(s, 1);
    // abscondYenElasticity is 0 in the baseline; set to 1 here to test the slot.
    expect(abscondHazard(s, 0) / h0).toBeCloseTo(2 ** D.abscondTightnessElasticity * 0.5, 10);
    s.params.asylumWorkPermitted = true;
    updateMonthContext(s, 1);
    expect(abscondHazard(s, 0) / h0).toBeCloseTo(2 ** D.abscondTightnessElasticity * 0.5 * Math.exp(D.abscondAsylumPermitLogHr), 10);
  });
});

describe("abscondHazard: the intern's projected shortfall, tenure and origin", () => {
  // An intern 20 months into a 3-year course at an employer paying in full with overtime.
  const intern: AgentInit = { employer: 0, debtHomeYen: 300000, savingsYen: 100000, remittedYen: 200000, monthsInStatus: 20, monthsWithEmployer: 20 };

  it("goalShortfallShare: (goal + debt - (savings + remittances + surplus x months left) x yen value) / (goal + debt), at least 0", () => {
    const s = makeState({ agents: [intern], employers: EMP });
    const net = D.tiWageYenPerMonth * (1 + D.overtimePremiumShare) * (1 - D.payrollDeductionShare);
    const held = 100000 + 200000 + (net - D.livingCostYenPerMonth) * (36 - 20);
    const goal = D.savingsTargetYen + 300000;
    const expected = Math.max(0, (goal - held) / goal);
    expect(expected).toBeGreaterThan(0); // the case is not trivially covered
    expect(goalShortfallShare(s, 0)).toBeCloseTo(expected, 12);
    // At yen value 0.7 at home, what is held is worth 0.7 as much.
    s.ctx.yenValueByNationality[s.pop.nationality[0]!] = 0.7;
    expect(goalShortfallShare(s, 0)).toBeCloseTo((goal - held * 0.7) / goal, 12);
    // Rich enough: no shortfall.
    s.pop.savingsYen[0] = 1e8;
    expect(goalShortfallShare(s, 0)).toBe(0);
  });

  it("multiplies the hazard by exp(abscondGoalShortfallLogHr x share), so a weaker yen raises it while the goal is out of reach", () => {
    const s = makeState({ agents: [intern], employers: EMP });
    const share = goalShortfallShare(s, 0);
    const off = makeState({ params: { abscondGoalShortfallLogHr: 0 }, agents: [intern], employers: EMP });
    expect(abscondHazard(s, 0) / abscondHazard(off, 0)).toBeCloseTo(Math.exp(D.abscondGoalShortfallLogHr * share), 10);
    const weak = makeState({ agents: [intern], employers: EMP });
    for (let n = 0; n < weak.ctx.yenValueByNationality.length; n++) weak.ctx.yenValueByNationality[n] = 0.7;
    // Both the debt term (its yen value grows) and the shortfall grow.
    expect(abscondHazard(weak, 0)).toBeGreaterThan(abscondHazard(s, 0));
  });

  it("the debt term reads the debt at this month's yen value: home yen / yen value", () => {
    const a = { ...intern, savingsYen: 1e8 }; // no shortfall
    const s = makeState({ params: NO_GOAL, agents: [a], employers: EMP });
    const h1 = abscondHazard(s, 0);
    s.ctx.yenValueByNationality[s.pop.nationality[0]!] = 0.5;
    const months = (v: number): number => 300000 / v / D.tiWageYenPerMonth;
    expect(abscondHazard(s, 0) / h1).toBeCloseTo(Math.exp(D.abscondDebtLogHrPerWageMonth * (months(0.5) - months(1))), 10);
  });

  it("by months with the employer: first year, second year, then the reference", () => {
    const p = { abscondFirstYearLogHr: 0.6, abscondSecondYearLogHr: 0.3 };
    const at = (m: number): number => hAbscond({ employer: 0, debtHomeYen: 0, monthsWithEmployer: m, monthsInStatus: m }, p);
    expect(at(3) / at(30)).toBeCloseTo(Math.exp(0.6), 10);
    expect(at(11) / at(30)).toBeCloseTo(Math.exp(0.6), 10);
    expect(at(12) / at(30)).toBeCloseTo(Math.exp(0.3), 10);
    expect(at(23) / at(30)).toBeCloseTo(Math.exp(0.3), 10);
    expect(at(24) / at(30)).toBeCloseTo(1, 12);
  });

  it("Myanmar interns abscond exp(abscondMyanmarLogHr) more while the designated-activities measure holds, others not at all", () => {
    const mm: AgentInit = { employer: 0, debtHomeYen: 0, nationality: Nationality.MM };
    const vn: AgentInit = { employer: 0, debtHomeYen: 0, nationality: Nationality.VN };
    const on = { abscondMyanmarLogHr: 0.9, myanmarDesignatedActivities: true };
    expect(hAbscond(mm, on) / hAbscond(mm, { abscondMyanmarLogHr: 0.9 })).toBeCloseTo(Math.exp(0.9), 10);
    expect(hAbscond(vn, on) / hAbscond(vn)).toBeCloseTo(1, 12);
  });
});

describe("returnHazard", () => {
  const base: AgentInit = { status: Status.SSW1, tiStage: 0, family: 0, networkTies: 0, savingsYen: 0 };
  const h = (a: AgentInit, params: Partial<Params> = {}): number => {
    const s = makeState({ params, agents: [a] });
    return returnHazard(s, 0, 0.01);
  };

  it("is the base with no family, ties or savings at yen 1", () => {
    expect(h(base)).toBeCloseTo(0.01, 15);
  });

  it("rises with family at origin and falls with family in Japan", () => {
    expect(h({ ...base, family: Family.partner })).toBeCloseTo(0.01 * Math.exp(D.returnFamilyAtOriginLogHr), 12);
    expect(h({ ...base, family: Family.partner | Family.partnerInJapan })).toBeCloseTo(0.01 * Math.exp(D.returnFamilyInJapanLogHr), 12);
    // Partner in Japan, children still at origin: both effects.
    expect(h({ ...base, family: Family.partner | Family.partnerInJapan | Family.children }))
      .toBeCloseTo(0.01 * Math.exp(D.returnFamilyAtOriginLogHr + D.returnFamilyInJapanLogHr), 12);
  });

  it("falls with co-national ties and rises once the savings target is reached", () => {
    expect(h({ ...base, networkTies: 10 })).toBeCloseTo(0.01 * Math.exp(10 * D.returnNetworkLogHrPerTie), 12);
    expect(h({ ...base, savingsYen: D.savingsTargetYen - 1000 })).toBeCloseTo(0.01, 12);
    expect(h({ ...base, savingsYen: D.savingsTargetYen })).toBeCloseTo(0.01 * Math.exp(D.returnSavingsTargetLogHr), 12);
  });
});

describe("onwardHazard", () => {
  it("is onwardHazardPerMonth, lowered by family in Japan", () => {
    const s = makeState({ agents: [{ family: 0 }, { family: Family.partner }, { family: Family.partner | Family.partnerInJapan }] });
    expect(onwardHazard(s, 0)).toBe(D.onwardHazardPerMonth);
    expect(onwardHazard(s, 1)).toBe(D.onwardHazardPerMonth);
    expect(onwardHazard(s, 2)).toBeCloseTo(D.onwardHazardPerMonth * Math.exp(D.returnFamilyInJapanLogHr), 15);
  });
});

describe("hasFamilyAtOrigin", () => {
  it("is true when a partner or children are not in Japan", () => {
    expect(hasFamilyAtOrigin(0)).toBe(false);
    expect(hasFamilyAtOrigin(Family.partner)).toBe(true);
    expect(hasFamilyAtOrigin(Family.partner | Family.partnerInJapan)).toBe(false);
    expect(hasFamilyAtOrigin(Family.partner | Family.partnerInJapan | Family.children)).toBe(true);
    expect(hasFamilyAtOrigin(Family.partner | Family.partnerInJapan | Family.children | Family.childrenInJapan)).toBe(false);
  });
});

describe("jobChangeHazard", () => {
  it("is base x tightness before the plateau and x careerPlateauJobChangeHr on it", () => {
    const s = makeState({ agents: [{ jobChanges: D.careerPlateauJobChanges - 1 }, { jobChanges: D.careerPlateauJobChanges }] });
    expect(jobChangeHazard(s, 0, 0.01)).toBeCloseTo(0.01, 15);
    expect(jobChangeHazard(s, 1, 0.01)).toBeCloseTo(0.01 * D.careerPlateauJobChangeHr, 15);
    s.inputs.series.jobOpeningsRatio[1] = D.referenceJobOpeningsRatio * 1.5;
    updateMonthContext(s, 1);
    expect(jobChangeHazard(s, 0, 0.01)).toBeCloseTo(0.01 * 1.5 ** D.jobChangeTightnessElasticity, 15);
  });
});

describe("prEligible", () => {
  it("needs prMinMonthsInJapan of stay and prMinMonthsOnWorkStatus on a work status", () => {
    const s = makeState({
      agents: [
        { monthsInJapan: 120, monthsOnWorkStatus: 60 },
        { monthsInJapan: 119, monthsOnWorkStatus: 60 },
        { monthsInJapan: 200, monthsOnWorkStatus: 59 },
      ],
    });
    expect(prEligible(s, 0)).toBe(true);
    expect(prEligible(s, 1)).toBe(false);
    expect(prEligible(s, 2)).toBe(false);
  });
});
