import { describe, expect, it } from "vitest";
import { EventCode, Family, Sector, Status } from "../../src/model/codes.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import { decideSsw1, decideSsw2, ssw2Eligible } from "../../src/model/transitions/ssw.js";
import { type AgentInit, makeState, timeCounts } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, describeEvent, flow, loggedEvents } from "./support.js";

const D = defaultParams();
const MANUF = 2 * Sector.manufacturing; // first manufacturing employer in makeEmployers()
const CONSTR = 2 * Sector.construction;

function ssw1(agent: AgentInit, params: Partial<Params> = {}) {
  return makeState({
    params: { ...NO_HAZARDS, ...params },
    agents: [{ status: Status.SSW1, tiStage: 0, sector: Sector.manufacturing, employer: MANUF, skill: 0.5, monthsInJapan: 40, ...agent }],
  });
}
const events = (s: ReturnType<typeof makeState>): string[] => loggedEvents(s).map(describeEvent);

describe("decideSsw1: the 5-year cap", () => {
  it("forces an exit at ssw1CapMonths when SSW2 is not open to the holder", () => {
    const s = ssw1({ monthsInStatus: D.ssw1CapMonths });
    decideSsw1(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
    expect(events(s)).toEqual(["return:SSW1->RETURNED"]);
    expect(flow(s, EventCode.return, Status.SSW1, Status.RETURNED, 0)).toBe(1);
  });

  it("moves an eligible holder up to SSW2 when u < ssw2AtCapProb, else home", () => {
    const up = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: D.ssw1CapMonths });
    decideSsw1(up, 0, D.ssw2AtCapProb - 1e-9);
    expect(up.pop.status[0]).toBe(Status.SSW2);
    expect(up.pop.employer[0]).toBe(CONSTR);
    expect(timeCounts(up, 0).monthsInStatus).toBe(0);
    expect(events(up)).toEqual(["transfer:SSW1->SSW2"]);

    const home = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: D.ssw1CapMonths });
    decideSsw1(home, 0, D.ssw2AtCapProb);
    expect(home.pop.status[0]).toBe(Status.RETURNED);
  });

  it("applies the cap before any hazard and not a month earlier", () => {
    const before = ssw1({ monthsInStatus: D.ssw1CapMonths - 1 }, { sswJobChangeHazardPerMonth: 0 });
    decideSsw1(before, 0, 0);
    expect(before.pop.status[0]).toBe(Status.SSW1);
    const at = ssw1({ monthsInStatus: D.ssw1CapMonths }, { onwardHazardPerMonth: CERTAIN });
    decideSsw1(at, 0, 0.5);
    expect(at.pop.status[0]).toBe(Status.RETURNED);
  });

  it("follows a changed ssw1CapMonths", () => {
    const s = ssw1({ monthsInStatus: 36 }, { ssw1CapMonths: 36 });
    decideSsw1(s, 0, 0.99);
    expect(s.pop.status[0]).toBe(Status.RETURNED);
  });
});

describe("decideSsw1: SSW2", () => {
  it("is open only in construction before ssw2AllSectors", () => {
    const manuf = ssw1({ monthsInStatus: 30 }, { ssw2HazardPerMonth: CERTAIN, ssw2AllSectors: false });
    expect(ssw2Eligible(manuf, 0)).toBe(false);
    decideSsw1(manuf, 0, 0.5);
    expect(manuf.pop.status[0]).toBe(Status.SSW1);

    const constr = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: 30 }, { ssw2HazardPerMonth: CERTAIN, ssw2AllSectors: false });
    expect(ssw2Eligible(constr, 0)).toBe(true);
    decideSsw1(constr, 0, 0.5);
    expect(constr.pop.status[0]).toBe(Status.SSW2);
    expect(events(constr)).toEqual(["transfer:SSW1->SSW2"]);
  });

  it("is open in every sector once ssw2AllSectors holds", () => {
    for (const sector of [Sector.manufacturing, Sector.agriculture, Sector.care, Sector.food, Sector.services]) {
      const s = ssw1({ sector, employer: 2 * sector, monthsInStatus: 30 }, { ssw2HazardPerMonth: CERTAIN, ssw2AllSectors: true });
      decideSsw1(s, 0, 0.5);
      expect(s.pop.status[0], `sector ${sector}`).toBe(Status.SSW2);
    }
  });

  it("needs ssw2MinMonthsInSsw1 months in SSW1", () => {
    const early = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: D.ssw2MinMonthsInSsw1 - 1 }, { ssw2HazardPerMonth: CERTAIN });
    decideSsw1(early, 0, 0.5);
    expect(early.pop.status[0]).toBe(Status.SSW1);
    const onTime = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: D.ssw2MinMonthsInSsw1 }, { ssw2HazardPerMonth: CERTAIN });
    decideSsw1(onTime, 0, 0.5);
    expect(onTime.pop.status[0]).toBe(Status.SSW2);
  });

  it("scales the SSW2 hazard with skill / ssw2SkillReference (skill 0: never)", () => {
    const zero = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: 30, skill: 0 }, { ssw2HazardPerMonth: CERTAIN });
    decideSsw1(zero, 0, 0);
    expect(zero.pop.status[0]).toBe(Status.SSW1);
    // Skill twice the reference doubles the hazard: a draw between the two probabilities separates them.
    const h = 0.01;
    const u = (probFromHazard(h) + probFromHazard(2 * h)) / 2;
    const avg = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: 30, skill: D.ssw2SkillReference }, { ssw2HazardPerMonth: h });
    decideSsw1(avg, 0, u);
    expect(avg.pop.status[0]).toBe(Status.SSW1);
    const high = ssw1({ sector: Sector.construction, employer: CONSTR, monthsInStatus: 30, skill: 2 * D.ssw2SkillReference }, { ssw2HazardPerMonth: h });
    decideSsw1(high, 0, u);
    expect(high.pop.status[0]).toBe(Status.SSW2);
  });
});

describe("decideSsw1: monthly options", () => {
  it("moves no one when every hazard is 0", () => {
    const s = ssw1({ monthsInStatus: 30, family: Family.partner, savingsYen: 1e7 });
    decideSsw1(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.obs.log!.length).toBe(0);
  });

  it("changes employer within the sector, keeping the status", () => {
    const s = ssw1({ monthsInStatus: 10 }, { sswJobChangeHazardPerMonth: CERTAIN });
    decideSsw1(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.SSW1);
    expect(s.pop.employer[0]).toBe(MANUF + 1);
    expect(timeCounts(s, 0).monthsInStatus).toBe(10);
    expect(events(s)).toEqual(["job_change:SSW1->SSW1"]);
  });

  it("returns or moves onward with the matching events", () => {
    const ret = ssw1({ monthsInStatus: 10 }, { sswReturnHazardPerMonth: CERTAIN });
    decideSsw1(ret, 0, 0.5);
    expect(events(ret)).toEqual(["return:SSW1->RETURNED"]);
    expect(ret.pop.employer[0]).toBe(-1);
    const onward = ssw1({ monthsInStatus: 10 }, { onwardHazardPerMonth: CERTAIN });
    decideSsw1(onward, 0, 0.5);
    expect(onward.pop.status[0]).toBe(Status.ONWARD);
    expect(events(onward)).toEqual(["onward:SSW1->ONWARD"]);
    expect(flow(onward, EventCode.onward, Status.SSW1, Status.ONWARD, 0)).toBe(1);
  });

  it("orders the options job change, SSW2, return, onward within the leaving mass", () => {
    const params = { sswJobChangeHazardPerMonth: 0.01, ssw2HazardPerMonth: 0.02, sswReturnHazardPerMonth: 0.03, onwardHazardPerMonth: 0.04 };
    const agent = { sector: Sector.construction, employer: CONSTR, monthsInStatus: 30, skill: D.ssw2SkillReference };
    const total = 0.1;
    const pAny = probFromHazard(total);
    const at = (x: number): string[] => {
      const s = ssw1(agent, params);
      decideSsw1(s, 0, (pAny * x) / total);
      return events(s);
    };
    expect(at(0.005)).toEqual(["job_change:SSW1->SSW1"]);
    expect(at(0.02)).toEqual(["transfer:SSW1->SSW2"]);
    expect(at(0.045)).toEqual(["return:SSW1->RETURNED"]);
    expect(at(0.08)).toEqual(["onward:SSW1->ONWARD"]);
    expect(at(total + 1e-6)).toEqual([]);
  });
});

describe("decideSsw2", () => {
  const ssw2Agent: AgentInit = { status: Status.SSW2, tiStage: 0, sector: Sector.construction, employer: CONSTR, monthsInStatus: 10 };

  it("obtains PR only when prEligible", () => {
    const cases: [number, number, number][] = [
      [D.prMinMonthsInJapan, D.prMinMonthsOnWorkStatus, Status.PR],
      [D.prMinMonthsInJapan - 1, D.prMinMonthsOnWorkStatus, Status.SSW2],
      [D.prMinMonthsInJapan + 50, D.prMinMonthsOnWorkStatus - 1, Status.SSW2],
    ];
    for (const [inJapan, onWork, expected] of cases) {
      const s = makeState({ params: { ...NO_HAZARDS, prHazardPerMonth: CERTAIN }, agents: [{ ...ssw2Agent, monthsInJapan: inJapan, monthsOnWorkStatus: onWork }] });
      decideSsw2(s, 0, 0.5);
      expect(s.pop.status[0], `${inJapan} months in Japan, ${onWork} on a work status`).toBe(expected);
      expect(events(s)).toEqual(expected === Status.PR ? ["transfer:SSW2->PR"] : []);
    }
  });

  it("keeps the employer on becoming PR", () => {
    const s = makeState({ params: { ...NO_HAZARDS, prHazardPerMonth: CERTAIN }, agents: [{ ...ssw2Agent, monthsInJapan: 200, monthsOnWorkStatus: 100 }] });
    decideSsw2(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.PR);
    expect(s.pop.employer[0]).toBe(CONSTR);
  });

  it("uses the SSW job-change and return hazards", () => {
    const jc = makeState({ params: { ...NO_HAZARDS, sswJobChangeHazardPerMonth: CERTAIN }, agents: [ssw2Agent] });
    decideSsw2(jc, 0, 0.5);
    expect(events(jc)).toEqual(["job_change:SSW2->SSW2"]);
    expect(jc.pop.employer[0]).toBe(CONSTR + 1);
    const sieRateOnly = makeState({ params: { ...NO_HAZARDS, sieJobChangeHazardPerMonth: CERTAIN, sieReturnHazardPerMonth: CERTAIN }, agents: [ssw2Agent] });
    decideSsw2(sieRateOnly, 0, 0.5);
    expect(sieRateOnly.obs.log!.length).toBe(0);
    const ret = makeState({ params: { ...NO_HAZARDS, sswReturnHazardPerMonth: CERTAIN }, agents: [ssw2Agent] });
    decideSsw2(ret, 0, 0.5);
    expect(events(ret)).toEqual(["return:SSW2->RETURNED"]);
  });

  it("has no cap: an SSW2 holder stays after 120 months when hazards are 0", () => {
    const s = makeState({ params: NO_HAZARDS, agents: [{ ...ssw2Agent, monthsInStatus: 120 }] });
    decideSsw2(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.SSW2);
  });
});
