import { describe, expect, it } from "vitest";
import { EventCode, Family, Sector, Status } from "../../src/model/codes.js";
import { defaultParams } from "../../src/model/params.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import { decidePr, decideSie } from "../../src/model/transitions/skilled.js";
import { type AgentInit, makeState } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, describeEvent, flow, loggedEvents } from "./support.js";

const D = defaultParams();
const PROF = 2 * Sector.professional;
const sie: AgentInit = { status: Status.SIE, tiStage: 0, sector: Sector.professional, employer: PROF, monthsInStatus: 10, promisedWageYenPerMonth: D.sieWageYenPerMonth };
const pr: AgentInit = { ...sie, status: Status.PR };
const events = (s: ReturnType<typeof makeState>): string[] => loggedEvents(s).map(describeEvent);

describe("decideSie", () => {
  it("moves no one when every hazard is 0", () => {
    const s = makeState({ params: NO_HAZARDS, agents: [{ ...sie, monthsInJapan: 300, monthsOnWorkStatus: 300 }] });
    decideSie(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.SIE);
    expect(s.obs.log!.length).toBe(0);
  });

  it("obtains PR only when prEligible", () => {
    const eligible = makeState({ params: { ...NO_HAZARDS, prHazardPerMonth: CERTAIN }, agents: [{ ...sie, monthsInJapan: 120, monthsOnWorkStatus: 60 }] });
    decideSie(eligible, 0, 0.5);
    expect(eligible.pop.status[0]).toBe(Status.PR);
    expect(events(eligible)).toEqual(["transfer:SIE->PR"]);
    expect(flow(eligible, EventCode.transfer, Status.SIE, Status.PR, 0)).toBe(1);

    const short = makeState({ params: { ...NO_HAZARDS, prHazardPerMonth: CERTAIN }, agents: [{ ...sie, monthsInJapan: 119, monthsOnWorkStatus: 119 }] });
    decideSie(short, 0, 0.5);
    expect(short.pop.status[0]).toBe(Status.SIE);
  });

  it("changes employer within the professional sector with the SIE rate", () => {
    const s = makeState({ params: { ...NO_HAZARDS, sieJobChangeHazardPerMonth: CERTAIN }, agents: [sie] });
    decideSie(s, 0, 0.5);
    expect(events(s)).toEqual(["job_change:SIE->SIE"]);
    expect(s.pop.employer[0]).toBe(PROF + 1);
    expect(s.employers.sector[s.pop.employer[0]!]).toBe(Sector.professional);
    const sswRate = makeState({ params: { ...NO_HAZARDS, sswJobChangeHazardPerMonth: CERTAIN }, agents: [sie] });
    decideSie(sswRate, 0, 0.5);
    expect(sswRate.obs.log!.length).toBe(0);
  });

  it("returns with the SIE return hazard and moves onward with the onward hazard", () => {
    const ret = makeState({ params: { ...NO_HAZARDS, sieReturnHazardPerMonth: CERTAIN }, agents: [sie] });
    decideSie(ret, 0, 0.5);
    expect(events(ret)).toEqual(["return:SIE->RETURNED"]);
    const onward = makeState({ params: { ...NO_HAZARDS, onwardHazardPerMonth: CERTAIN }, agents: [sie] });
    decideSie(onward, 0, 0.5);
    expect(events(onward)).toEqual(["onward:SIE->ONWARD"]);
  });

  it("returns less often with family in Japan (the return hazard is lowered)", () => {
    const h = 0.02;
    const u = (probFromHazard(h * Math.exp(D.returnFamilyInJapanLogHr)) + probFromHazard(h)) / 2;
    const alone = makeState({ params: { ...NO_HAZARDS, sieReturnHazardPerMonth: h }, agents: [sie] });
    decideSie(alone, 0, u);
    expect(alone.pop.status[0]).toBe(Status.RETURNED);
    const family = makeState({ params: { ...NO_HAZARDS, sieReturnHazardPerMonth: h }, agents: [{ ...sie, family: Family.partner | Family.partnerInJapan }] });
    decideSie(family, 0, u);
    expect(family.pop.status[0]).toBe(Status.SIE);
  });
});

describe("decidePr", () => {
  it("moves no one when every hazard is 0", () => {
    const s = makeState({ params: NO_HAZARDS, agents: [pr] });
    decidePr(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.PR);
  });

  it("returns with prExitHazardPerMonth and moves onward with the onward hazard", () => {
    const ret = makeState({ params: { ...NO_HAZARDS, prExitHazardPerMonth: CERTAIN }, agents: [pr] });
    decidePr(ret, 0, 0.5);
    expect(events(ret)).toEqual(["return:PR->RETURNED"]);
    const onward = makeState({ params: { ...NO_HAZARDS, onwardHazardPerMonth: CERTAIN }, agents: [pr] });
    decidePr(onward, 0, 0.5);
    expect(events(onward)).toEqual(["onward:PR->ONWARD"]);
  });

  it("never changes employer or status otherwise", () => {
    const s = makeState({ params: { ...NO_HAZARDS, sieJobChangeHazardPerMonth: CERTAIN, sswJobChangeHazardPerMonth: CERTAIN, prHazardPerMonth: CERTAIN }, agents: [{ ...pr, monthsInJapan: 300, monthsOnWorkStatus: 300 }] });
    decidePr(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.PR);
    expect(s.pop.employer[0]).toBe(PROF);
    expect(s.obs.log!.length).toBe(0);
  });

  it("splits return and onward in proportion to their hazards", () => {
    const params = { ...NO_HAZARDS, prExitHazardPerMonth: 0.01, onwardHazardPerMonth: 0.03 };
    const pAny = probFromHazard(0.04);
    const at = (u: number): number => {
      const s = makeState({ params, agents: [pr] });
      decidePr(s, 0, u);
      return s.pop.status[0]!;
    };
    expect(at(pAny * 0.24)).toBe(Status.RETURNED);
    expect(at(pAny * 0.26)).toBe(Status.ONWARD);
    expect(at(pAny + 1e-9)).toBe(Status.PR);
  });
});
