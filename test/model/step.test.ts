import { describe, expect, it } from "vitest";
import { Status } from "../../src/model/codes.js";
import { countLive } from "../../src/model/population.js";
import { decideAll, stepMonth } from "../../src/model/step.js";
import { accrueMonth } from "../../src/model/transitions/earnings.js";
import { applyFamilyLife } from "../../src/model/transitions/family.js";
import { type AgentInit, makeState, timeCounts } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, counting, loggedEvents } from "./support.js";

const mix: AgentInit[] = [
  { status: Status.TI, monthsInStatus: 3 },
  { status: Status.RETURNED, tiStage: 0, employer: -1 },
  { status: Status.SSW1, tiStage: 0, monthsInStatus: 3 },
  { status: Status.SSW2, tiStage: 0 },
  { status: Status.ONWARD, tiStage: 0, employer: -1 },
  { status: Status.SIE, tiStage: 0 },
  { status: Status.IRREGULAR, tiStage: 0, employer: -1 },
  { status: Status.ASYLUM, tiStage: 0, employer: -1 },
  { status: Status.PR, tiStage: 0 },
  { status: Status.DEPORTED, tiStage: 0, employer: -1 },
];

describe("decideAll", () => {
  it("takes exactly one decision draw per agent in Japan and none for leavers' rows", () => {
    const decisions = counting([0.999]);
    const s = makeState({ params: NO_HAZARDS, agents: mix, streams: { decisions } });
    decideAll(s);
    expect(decisions.calls).toBe(7);
  });

  it("does not visit an agent twice in the month it moves", () => {
    // Everybody absconds (TI -> IRREGULAR) and IRREGULAR agents would be deported at once if visited again.
    const decisions = counting([0.5]);
    const s = makeState({
      params: { ...NO_HAZARDS, abscondBaseHazardPerMonth: CERTAIN, apprehensionHazardPerMonth: CERTAIN },
      agents: [{ monthsInStatus: 3 }, { monthsInStatus: 4 }],
      streams: { decisions },
    });
    decideAll(s);
    expect(decisions.calls).toBe(2);
    expect([s.pop.status[0], s.pop.status[1]]).toEqual([Status.IRREGULAR, Status.IRREGULAR]);
    expect(loggedEvents(s)).toHaveLength(2);
  });
});

describe("leavers' rows", () => {
  it("are left alone by accrual and family life", () => {
    const s = makeState({ agents: [{ status: Status.RETURNED, tiStage: 0, employer: -1, monthsInJapan: 7, family: 0, debtYen: 50 }] });
    const life = counting([0]);
    s.rng.life = life;
    accrueMonth(s);
    applyFamilyLife(s);
    expect(timeCounts(s, 0).monthsInJapan).toBe(7);
    expect(s.pop.debtYen[0]).toBe(50);
    expect(s.pop.family[0]).toBe(0);
    expect(life.calls).toBe(0);
  });
});

describe("stepMonth", () => {
  it("keeps agents in Japan + exits constant when nobody enters, and reclaims leavers' rows", () => {
    const agents: AgentInit[] = [];
    for (let k = 0; k < 10; k++) agents.push({ monthsInStatus: 3, nationality: k % 7 });
    const s = makeState({ params: { ...NO_HAZARDS, tiEarlyReturnHazardPerMonth: 0.3 }, agents });
    const sumExits = (): number => s.exits.reduce((a, b) => a + b, 0);
    for (let t = 0; t < 12; t++) {
      stepMonth(s, t);
      expect(countLive(s.pop) + sumExits()).toBe(10);
    }
    expect(sumExits()).toBeGreaterThan(0);
    // Some leavers' rows have been reclaimed along the way.
    expect(s.pop.size).toBeLessThan(10);
  });
});
