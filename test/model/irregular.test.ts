import { describe, expect, it } from "vitest";
import { EventCode, NATIONALITY_COUNT, Nationality, STATUS_CODES, Sector, Status } from "../../src/model/codes.js";
import { type Params, defaultParams } from "../../src/model/params.js";
import { probFromHazard } from "../../src/model/transitions/competing.js";
import {
  DESIGNATED_SPECIAL_STAY, asylumHazards, decideAsylum, decideDesignated, decideDetained, decideIrregular, decideProvisional, designatedHazards,
  detainedHazards, irregularHazards, provisionalHazards,
} from "../../src/model/transitions/irregular.js";
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

  it("applies for asylum, is apprehended (detained) or goes home, in that order within the leaving mass", () => {
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
    const detained = at(pAny / 2);
    expect(events(detained)).toEqual(["detain:IRREGULAR->DETAINED"]);
    expect(flow(detained, EventCode.detain, Status.IRREGULAR, Status.DETAINED, 0)).toBe(1);
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
    expect(s.pop.status[0]).toBe(Status.DETAINED);
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

  it("after the 2023 amendment, a repeat applicant is detained for deportation with asylumRejectedDeportProb", () => {
    const deported = asylum({ repeatApplicationsStopDeportation: false }, [0, D.asylumRejectedDeportProb - 1e-9]);
    expect(deported.s.pop.status[0]).toBe(Status.DETAINED);
    expect(deported.s.pop.employer[0]).toBe(-1);
    expect(events(deported.s)).toEqual(["detain:ASYLUM->DETAINED"]);
    expect(flow(deported.s, EventCode.detain, Status.ASYLUM, Status.DETAINED, 0)).toBe(1);

    const kept = asylum({ repeatApplicationsStopDeportation: false }, [0, D.asylumRejectedDeportProb]);
    expect(kept.s.pop.status[0]).toBe(Status.ASYLUM);
    expect(timeCounts(kept.s, 0).monthsInStatus).toBe(0);
    expect(kept.s.obs.log!.length).toBe(0);
  });

  it("a rejected applicant who does not re-apply is detained for deportation with asylumRejectedDeportProb, else falls back to IRREGULAR", () => {
    for (const stop of [true, false]) {
      const deported = asylum({ repeatApplicationsStopDeportation: stop }, [D.asylumReapplyProb, D.asylumRejectedDeportProb - 1e-9]);
      expect(events(deported.s)).toEqual(["detain:ASYLUM->DETAINED"]);
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

/** One agent of status st without an employer (nationality VN unless given), every hazard off unless given. */
function without(st: Status, params: Partial<Params>, nationality: number = Nationality.VN, streams = {}) {
  return makeState({
    params: { ...NO_HAZARDS, ...params },
    agents: [{ status: st, tiStage: 0, employer: -1, nationality, monthsInStatus: 5 }],
    streams,
  });
}

/** Draws in the middle of each option's slice of the leaving mass 1 - exp(-H), in option order, and one just past it. */
function slices(h: number[]): { mid: number[]; past: number } {
  const H = h.reduce((a, b) => a + b, 0);
  const pAny = probFromHazard(H);
  const mid: number[] = [];
  let acc = 0;
  for (const x of h) {
    mid.push((pAny * (acc + x / 2)) / H);
    acc += x;
  }
  return { mid, past: pAny + 1e-9 };
}

describe("apprehension", () => {
  it("leads to DETAINED with a detain event, never straight to DEPORTED: the agent stays in Japan", () => {
    for (const u of [0, 0.25, 0.5, 0.75, 0.999]) {
      const s = without(Status.IRREGULAR, { apprehensionHazardPerMonth: CERTAIN });
      decideIrregular(s, 0, u);
      expect(s.pop.status[0], `u ${u}`).toBe(Status.DETAINED);
      expect(events(s)).toEqual(["detain:IRREGULAR->DETAINED"]);
      expect(s.pop.employer[0]).toBe(-1);
      expect(timeCounts(s, 0).monthsInStatus).toBe(0);
      // Not an exit: no exit counted, the row is not a leaver's.
      expect(s.obs.exits.every((v) => v === 0)).toBe(true);
      expect(s.pop.exitedRows).toBe(0);
      expect(flow(s, EventCode.deport, Status.IRREGULAR, Status.DEPORTED, 0)).toBe(0);
    }
  });
});

describe("decideDetained", () => {
  const params = { detainedDeportHazardPerMonth: 0.3, provisionalReleaseHazardPerMonth: 0.2, specialPermissionHazardPerMonth: 0.1 };

  it("has the hazards deport, provisional release, special permission, in that order", () => {
    const s = without(Status.DETAINED, params);
    const h = new Float64Array(8);
    expect(detainedHazards(s, h)).toBe(3);
    expect(Array.from(h.subarray(0, 3))).toEqual([0.3, 0.2, 0.1]);
  });

  it("is deported, released provisionally or granted special permission, in that order within the leaving mass", () => {
    const { mid, past } = slices([0.3, 0.2, 0.1]);
    const at = (u: number) => {
      const s = without(Status.DETAINED, params);
      decideDetained(s, 0, u);
      return s;
    };
    const deported = at(mid[0]!);
    expect(events(deported)).toEqual(["deport:DETAINED->DEPORTED"]);
    expect(flow(deported, EventCode.deport, Status.DETAINED, Status.DEPORTED, 0)).toBe(1);
    expect(deported.obs.exits[Status.DEPORTED * NATIONALITY_COUNT + Nationality.VN]).toBe(1);
    const released = at(mid[1]!);
    expect(events(released)).toEqual(["release:DETAINED->PROVISIONAL"]);
    expect(released.pop.employer[0]).toBe(-1);
    expect(flow(released, EventCode.release, Status.DETAINED, Status.PROVISIONAL, 0)).toBe(1);
    const permitted = at(mid[2]!);
    expect(events(permitted)).toEqual(["permit:DETAINED->DESIGNATED"]);
    expect(flow(permitted, EventCode.permit, Status.DETAINED, Status.DESIGNATED, 0)).toBe(1);
    expect(events(at(past))).toEqual([]);
  });

  it("moves no one when every hazard is 0, and a Myanmar detainee has no designated-activities option", () => {
    const s = without(Status.DETAINED, {});
    decideDetained(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.DETAINED);
    expect(s.obs.log!.length).toBe(0);
    const mm = without(Status.DETAINED, { myanmarDesignatedActivities: true, myanmarDesignatedHazardPerMonth: CERTAIN }, Nationality.MM);
    decideDetained(mm, 0, 0);
    expect(mm.pop.status[0]).toBe(Status.DETAINED);
  });
});

describe("decideProvisional", () => {
  const params = { provisionalDeportHazardPerMonth: 0.05, irregularReturnHazardPerMonth: 0.04, specialPermissionHazardPerMonth: 0.03, myanmarDesignatedActivities: true, myanmarDesignatedHazardPerMonth: 0.02 };

  it("is deported, goes home, or is granted special permission (then, for Myanmar nationals, designated activities), in that order", () => {
    const { mid, past } = slices([0.05, 0.04, 0.03, 0.02]);
    const at = (u: number) => {
      const s = without(Status.PROVISIONAL, params, Nationality.MM);
      decideProvisional(s, 0, u);
      return events(s);
    };
    expect(at(mid[0]!)).toEqual(["deport:PROVISIONAL->DEPORTED"]);
    expect(at(mid[1]!)).toEqual(["return:PROVISIONAL->RETURNED"]);
    expect(at(mid[2]!)).toEqual(["permit:PROVISIONAL->DESIGNATED"]);
    expect(at(mid[3]!)).toEqual(["permit:PROVISIONAL->DESIGNATED"]);
    expect(at(past)).toEqual([]);
    // A Vietnamese agent has no Myanmar slice: its leaving mass ends after special permission.
    const vn = without(Status.PROVISIONAL, params, Nationality.VN);
    decideProvisional(vn, 0, mid[3]!);
    expect(vn.pop.status[0]).toBe(Status.PROVISIONAL);
  });

  it("moves no one when every hazard is 0", () => {
    const s = without(Status.PROVISIONAL, {}, Nationality.MM);
    decideProvisional(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.PROVISIONAL);
    expect(s.obs.log!.length).toBe(0);
  });
});

describe("decideDesignated", () => {
  it("goes home with designatedReturnHazardPerMonth, and only that", () => {
    const s = without(Status.DESIGNATED, { designatedReturnHazardPerMonth: 0.1 });
    const h = new Float64Array(8);
    expect(designatedHazards(s, h)).toBe(1);
    expect(h[0]).toBe(0.1);
    const p = probFromHazard(0.1);
    const home = without(Status.DESIGNATED, { designatedReturnHazardPerMonth: 0.1 });
    decideDesignated(home, 0, p - 1e-9);
    expect(events(home)).toEqual(["return:DESIGNATED->RETURNED"]);
    expect(home.obs.exits[Status.RETURNED * NATIONALITY_COUNT + Nationality.VN]).toBe(1);
    const stays = without(Status.DESIGNATED, { designatedReturnHazardPerMonth: 0.1 });
    decideDesignated(stays, 0, p + 1e-9);
    expect(stays.pop.status[0]).toBe(Status.DESIGNATED);
  });

  it("moves no one when every hazard is 0, whatever the other irregular hazards", () => {
    const s = without(Status.DESIGNATED, { apprehensionHazardPerMonth: CERTAIN, irregularReturnHazardPerMonth: CERTAIN, detainedDeportHazardPerMonth: CERTAIN });
    decideDesignated(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.DESIGNATED);
    expect(s.obs.log!.length).toBe(0);
  });
});

describe("the end of the pandemic's special stay (decideDesignated)", () => {
  // A former intern in agriculture on the special stay (stage DESIGNATED_SPECIAL_STAY), without an
  // employer, at monthsInStatus months; SSW1 open unless `params` closes it.
  function holder(monthsInStatus: number, params: Partial<Params> = {}, tiStage: number = DESIGNATED_SPECIAL_STAY) {
    return makeState({
      params: { ...NO_HAZARDS, sswAvailable: true, pandemicSpecialStaySsw1Prob: 0.4, ...params },
      agents: [{ status: Status.DESIGNATED, tiStage, employer: -1, sector: Sector.agriculture, monthsInStatus }],
    });
  }

  it("stays until pandemicSpecialStayMonths are over, whatever the draw", () => {
    for (const [months, limit] of [[11, 12], [5, 6]] as const) {
      const s = holder(months, { pandemicSpecialStayMonths: limit });
      expect(s.ctx.ssw1Open).toBe(true);
      decideDesignated(s, 0, 0);
      expect(s.pop.status[0]).toBe(Status.DESIGNATED);
      expect(s.obs.log!.length).toBe(0);
    }
  });

  it("then changes to SSW1 with pandemicSpecialStaySsw1Prob, hired in its sector on SSW pay, else goes home", () => {
    const ssw1 = holder(12);
    decideDesignated(ssw1, 0, 0.4 - 1e-9);
    expect(events(ssw1)).toEqual(["transfer:DESIGNATED->SSW1"]);
    const e = ssw1.pop.employer[0]!;
    expect(e).toBeGreaterThanOrEqual(0);
    expect(ssw1.employers.sector[e]).toBe(Sector.agriculture);
    expect(ssw1.pop.employerSinceMonth[0]).toBe(ssw1.ctx.month);
    expect(ssw1.pop.promisedWageYenPerMonth[0]).toBe(D.ssw1WageYenPerMonth * ssw1.employers.wageLevel[e]!);
    expect(ssw1.pop.tiStage[0]).toBe(0);
    const home = holder(12);
    decideDesignated(home, 0, 0.4 + 1e-9);
    expect(events(home)).toEqual(["return:DESIGNATED->RETURNED"]);
    expect(home.pop.employer[0]).toBe(-1);
    // A longer stay ends the same way, at its own end.
    const later = holder(20, { pandemicSpecialStayMonths: 18 });
    decideDesignated(later, 0, 0);
    expect(later.pop.status[0]).toBe(Status.SSW1);
  });

  it("goes home at its end while SSW1 is closed", () => {
    const s = holder(12, { sswAvailable: false });
    expect(s.ctx.ssw1Open).toBe(false);
    decideDesignated(s, 0, 0);
    expect(events(s)).toEqual(["return:DESIGNATED->RETURNED"]);
  });

  it("does not apply to other holders of designated activities (stage 0)", () => {
    const s = holder(40, {}, 0);
    decideDesignated(s, 0, 0);
    expect(s.pop.status[0]).toBe(Status.DESIGNATED);
    expect(s.obs.log!.length).toBe(0);
  });
});

describe("designated activities for Myanmar nationals (myanmarDesignatedActivities)", () => {
  const DECIDE = [
    [Status.IRREGULAR, decideIrregular], [Status.ASYLUM, decideAsylum], [Status.PROVISIONAL, decideProvisional],
  ] as const;
  const on = { myanmarDesignatedActivities: true, myanmarDesignatedHazardPerMonth: CERTAIN };

  for (const [st, decide] of DECIDE) {
    const code = STATUS_CODES[st];
    it(`moves a Myanmar ${code} agent to DESIGNATED only while the measure holds; a Vietnamese one never`, () => {
      for (const u of [0, 0.5, 0.99]) {
        const life = counting([0]);
        const mm = without(st, on, Nationality.MM, { life });
        decide(mm, 0, u);
        expect(events(mm), `u ${u}`).toEqual([`permit:${code}->DESIGNATED`]);
        expect(flow(mm, EventCode.permit, st, Status.DESIGNATED, Nationality.MM)).toBe(1);
        expect(mm.pop.employer[0]).toBe(-1);
        expect(life.calls).toBe(0); // a decision without a rejection draws nothing more
        const off = without(st, { ...on, myanmarDesignatedActivities: false }, Nationality.MM);
        decide(off, 0, u);
        expect(off.pop.status[0], `off, u ${u}`).toBe(st);
        const vn = without(st, on, Nationality.VN);
        decide(vn, 0, u);
        expect(vn.pop.status[0], `VN, u ${u}`).toBe(st);
      }
    });
  }

  it("is the last hazard of IRREGULAR, ASYLUM and PROVISIONAL: myanmarDesignatedHazardPerMonth for MM while on, else 0", () => {
    const h = new Float64Array(8);
    const hazardsFns = [[Status.IRREGULAR, irregularHazards, 3], [Status.ASYLUM, asylumHazards, 2], [Status.PROVISIONAL, provisionalHazards, 3]] as const;
    for (const [st, fn, k] of hazardsFns) {
      for (const [nat, flag, want] of [[Nationality.MM, true, 0.37], [Nationality.MM, false, 0], [Nationality.VN, true, 0], [Nationality.CN, true, 0]] as const) {
        const s = without(st, { myanmarDesignatedActivities: flag, myanmarDesignatedHazardPerMonth: 0.37 }, nat);
        h.fill(NaN);
        expect(fn(s, 0, h)).toBe(k + 1);
        expect(h[k], `status ${st}, nationality ${nat}, ${flag}`).toBe(want);
      }
    }
  });
});
