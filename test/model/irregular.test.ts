import { describe, expect, it } from "vitest";
import { EventCode, Status } from "../../src/model/codes.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import { decideAsylum, decideIrregular } from "../../src/model/transitions/irregular.js";
import { makeState, scripted, timeCounts } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, counting, describeEvent, flow, loggedEvents } from "./support.js";

const D = defaultParams();
const events = (s: ReturnType<typeof makeState>): string[] => loggedEvents(s).map(describeEvent);

function irregular(params: Partial<Params>) {
  return makeState({ params: { ...NO_HAZARDS, ...params }, agents: [{ status: Status.IRREGULAR, tiStage: 0, employer: -1, monthsInStatus: 5 }] });
}

describe("decideIrregular", () => {
  it("moves no one when every hazard is 0", () => {
    const s = irregular({});
    decideIrregular(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.IRREGULAR);
    expect(s.obs.log!.length).toBe(0);
  });

  it("applies for asylum, is deported or goes home, in that order within the leaving mass", () => {
    const params = { irregularAsylumHazardPerMonth: 0.1, asylumWorkPermitted: false, apprehensionHazardPerMonth: 0.1, irregularReturnHazardPerMonth: 0.1 };
    const pAny = probFromHazard(0.3);
    const at = (u: number) => {
      const s = irregular(params);
      decideIrregular(s, 0, u);
      return s;
    };
    const asylum = at(pAny / 6);
    expect(asylum.pop.status[0]).toBe(Status.ASYLUM);
    expect(asylum.pop.employer[0]).toBe(-1);
    expect(events(asylum)).toEqual(["asylum:IRREGULAR->ASYLUM"]);
    expect(flow(asylum, EventCode.asylum, Status.IRREGULAR, Status.ASYLUM, 0)).toBe(1);
    expect(events(at(pAny / 2))).toEqual(["deport:IRREGULAR->DEPORTED"]);
    expect(events(at((5 * pAny) / 6))).toEqual(["return:IRREGULAR->RETURNED"]);
    expect(events(at(pAny + 1e-9))).toEqual([]);
  });

  it("multiplies the asylum hazard by asylumWorkPermitAsylumHr while applicants may work", () => {
    const h = 0.01;
    const u = (probFromHazard(h) + probFromHazard(h * D.asylumWorkPermitAsylumHr)) / 2;
    const curtailed = irregular({ irregularAsylumHazardPerMonth: h, asylumWorkPermitted: false });
    decideIrregular(curtailed, 0, u);
    expect(curtailed.pop.status[0]).toBe(Status.IRREGULAR);
    const permitted = irregular({ irregularAsylumHazardPerMonth: h, asylumWorkPermitted: true });
    decideIrregular(permitted, 0, u);
    expect(permitted.pop.status[0]).toBe(Status.ASYLUM);
  });

  it("never uses the life or matching streams", () => {
    const life = counting([0]);
    const matching = counting([0]);
    const s = makeState({
      params: { ...NO_HAZARDS, apprehensionHazardPerMonth: CERTAIN },
      agents: [{ status: Status.IRREGULAR, tiStage: 0, employer: -1 }],
      streams: { life, matching },
    });
    decideIrregular(s, 0, 0.5);
    expect(s.pop.status[0]).toBe(Status.DEPORTED);
    expect(life.calls + matching.calls).toBe(0);
  });
});

describe("decideAsylum", () => {
  function asylum(params: Partial<Params>, life: number[]) {
    const stream = counting(life);
    const s = makeState({
      params: { ...NO_HAZARDS, asylumDecisionHazardPerMonth: CERTAIN, ...params },
      agents: [{ status: Status.ASYLUM, tiStage: 0, employer: -1, monthsInStatus: 20 }],
      streams: { life: stream },
    });
    decideAsylum(s, 0, 0.5);
    return { s, life: stream };
  }

  it("waits while no decision comes (hazards 0), drawing nothing from the life stream", () => {
    const { s, life } = asylum({ asylumDecisionHazardPerMonth: 0 }, [0]);
    expect(s.pop.status[0]).toBe(Status.ASYLUM);
    expect(timeCounts(s, 0).monthsInStatus).toBe(20);
    expect(life.calls).toBe(0);
  });

  it("goes home with the irregular return hazard", () => {
    const { s, life } = asylum({ asylumDecisionHazardPerMonth: 0, irregularReturnHazardPerMonth: CERTAIN }, [0]);
    expect(events(s)).toEqual(["return:ASYLUM->RETURNED"]);
    expect(life.calls).toBe(0);
  });

  it("after a rejection, a repeat application keeps ASYLUM and restarts the wait (no event) while repeat applications stop deportation", () => {
    const { s, life } = asylum({ repeatApplicationsStopDeportation: true }, [D.asylumReapplyProb - 1e-9, 0]);
    expect(s.pop.status[0]).toBe(Status.ASYLUM);
    expect(timeCounts(s, 0).monthsInStatus).toBe(0);
    expect(s.obs.log!.length).toBe(0);
    expect(life.calls).toBe(1);
  });

  it("after the 2023 amendment, a repeat applicant is deported with asylumRejectedDeportProb", () => {
    const deported = asylum({ repeatApplicationsStopDeportation: false }, [0, D.asylumRejectedDeportProb - 1e-9]);
    expect(deported.s.pop.status[0]).toBe(Status.DEPORTED);
    expect(events(deported.s)).toEqual(["deport:ASYLUM->DEPORTED"]);
    expect(flow(deported.s, EventCode.deport, Status.ASYLUM, Status.DEPORTED, 0)).toBe(1);

    const kept = asylum({ repeatApplicationsStopDeportation: false }, [0, D.asylumRejectedDeportProb]);
    expect(kept.s.pop.status[0]).toBe(Status.ASYLUM);
    expect(timeCounts(kept.s, 0).monthsInStatus).toBe(0);
    expect(kept.s.obs.log!.length).toBe(0);
  });

  it("a rejected applicant who does not re-apply is deported with asylumRejectedDeportProb, else falls back to IRREGULAR", () => {
    for (const stop of [true, false]) {
      const deported = asylum({ repeatApplicationsStopDeportation: stop }, [D.asylumReapplyProb, D.asylumRejectedDeportProb - 1e-9]);
      expect(events(deported.s)).toEqual(["deport:ASYLUM->DEPORTED"]);
      const back = asylum({ repeatApplicationsStopDeportation: stop }, [D.asylumReapplyProb, D.asylumRejectedDeportProb]);
      expect(back.s.pop.status[0]).toBe(Status.IRREGULAR);
      expect(back.s.pop.employer[0]).toBe(-1);
      expect(timeCounts(back.s, 0).monthsInStatus).toBe(0);
      expect(events(back.s)).toEqual(["transfer:ASYLUM->IRREGULAR"]);
      expect(flow(back.s, EventCode.transfer, Status.ASYLUM, Status.IRREGULAR, 0)).toBe(1);
    }
  });

  it("never re-applies when asylumReapplyProb is 0, never deports when asylumRejectedDeportProb is 0", () => {
    const noReapply = asylum({ asylumReapplyProb: 0, asylumRejectedDeportProb: 0 }, [0]);
    expect(noReapply.s.pop.status[0]).toBe(Status.IRREGULAR);
  });

  it("splits decision and return in proportion to their hazards", () => {
    const pAny = probFromHazard(0.04);
    const run = (u: number): number => {
      const s = makeState({
        params: { ...NO_HAZARDS, asylumDecisionHazardPerMonth: 0.01, irregularReturnHazardPerMonth: 0.03, asylumReapplyProb: 0, asylumRejectedDeportProb: 0 },
        agents: [{ status: Status.ASYLUM, tiStage: 0, employer: -1 }],
        streams: { life: scripted([0.5]) },
      });
      decideAsylum(s, 0, u);
      return s.pop.status[0]!;
    };
    expect(run(pAny * 0.24)).toBe(Status.IRREGULAR); // decided, rejected, back to IRREGULAR
    expect(run(pAny * 0.26)).toBe(Status.RETURNED);
    expect(run(pAny + 1e-9)).toBe(Status.ASYLUM);
  });
});
