// decideAgent dispatches through a table by status (decide.ts): each status must reach its own
// decision, and leavers none. Each status is compared here with its decision called directly.

import { describe, expect, it } from "vitest";
import { FIRST_EXIT_STATUS, Nationality, STATUS_COUNT, Status, isWithoutEmployer } from "../../src/model/codes.js";
import type { SimState } from "../../src/model/state.js";
import { decideAgent } from "../../src/model/transitions/decide.js";
import { decideIntern } from "../../src/model/transitions/intern.js";
import { decideAsylum, decideDesignated, decideDetained, decideIrregular, decideProvisional } from "../../src/model/transitions/irregular.js";
import { decidePr, decideSie } from "../../src/model/transitions/skilled.js";
import { decideSsw1, decideSsw2 } from "../../src/model/transitions/ssw.js";
import { getAgent } from "../../src/model/population.js";
import { type AgentInit, makeState } from "../helpers/state.js";
import { counting, loggedEvents } from "./support.js";

// Every option of every status has a hazard, each a different size, so that two statuses' rules
// (SSW2's and SIE's, say) give different outcomes for some draws.
const HAZARDS = {
  abscondBaseHazardPerMonth: 0.21, tiEarlyReturnHazardPerMonth: 0.13, tiUnavoidableTransferHazardPerMonth: 0.07,
  sswJobChangeHazardPerMonth: 0.17, ssw2HazardPerMonth: 0.23, sswReturnHazardPerMonth: 0.11,
  sieJobChangeHazardPerMonth: 0.05, sieReturnHazardPerMonth: 0.31, prHazardPerMonth: 0.19, onwardHazardPerMonth: 0.03,
  prExitHazardPerMonth: 0.29, irregularAsylumHazardPerMonth: 0.27, apprehensionHazardPerMonth: 0.09,
  irregularReturnHazardPerMonth: 0.15, asylumDecisionHazardPerMonth: 0.37,
  detainedDeportHazardPerMonth: 0.41, provisionalReleaseHazardPerMonth: 0.33, specialPermissionHazardPerMonth: 0.08,
  provisionalDeportHazardPerMonth: 0.06, myanmarDesignatedHazardPerMonth: 0.14, designatedReturnHazardPerMonth: 0.43,
  // Myanmar agents (below) have the designated-activities option of IRREGULAR, ASYLUM and PROVISIONAL.
  myanmarDesignatedActivities: true,
};

const DIRECT: [Status, (s: SimState, i: number, u: number) => void][] = [
  [Status.TI, decideIntern], [Status.SSW1, decideSsw1], [Status.SSW2, decideSsw2], [Status.SIE, decideSie],
  [Status.IRREGULAR, decideIrregular], [Status.ASYLUM, decideAsylum], [Status.PR, decidePr],
  [Status.DETAINED, decideDetained], [Status.PROVISIONAL, decideProvisional], [Status.DESIGNATED, decideDesignated],
];

function agentOf(st: number): AgentInit {
  // An intern between milestones; others PR-eligible (time in Japan and on a work status) and past
  // the SSW2 waiting time; a Myanmar national.
  return {
    status: st, tiStage: st === Status.TI ? 1 : 0, employer: isWithoutEmployer(st) ? -1 : 0, monthsInStatus: st === Status.TI ? 3 : 30, monthsInJapan: 130,
    skill: 0.8, nationality: Nationality.MM,
  };
}

function outcome(s: SimState): string {
  return JSON.stringify({ agent: getAgent(s.pop, 0), events: loggedEvents(s) });
}

describe("decideAgent", () => {
  for (const [st, direct] of DIRECT) {
    it(`takes status ${st}'s own decision, for every draw`, () => {
      const outcomes = new Set<string>();
      for (let u = 0.0005; u < 1; u += 0.01) {
        const viaTable = makeState({ params: HAZARDS, agents: [agentOf(st)] });
        const called = makeState({ params: HAZARDS, agents: [agentOf(st)] });
        decideAgent(viaTable, 0, st, u);
        direct(called, 0, u);
        expect(outcome(viaTable), `u ${u}`).toBe(outcome(called));
        outcomes.add(outcome(called));
      }
      // The draws reach several of the status's options (DESIGNATED has one: stay or go home).
      expect(outcomes.size).toBeGreaterThanOrEqual(st === Status.DESIGNATED ? 2 : 3);
    });
  }

  it("has a decision for every status in Japan", () => {
    expect(DIRECT.map(([st]) => st).sort((a, b) => a - b)).toEqual(Array.from({ length: FIRST_EXIT_STATUS }, (_, st) => st));
  });

  it("does nothing, and draws nothing, for a leaver's row or a code that is no status", () => {
    for (const st of [Status.RETURNED, Status.ONWARD, Status.DEPORTED, Status.SUBSIDIARY, STATUS_COUNT, 255]) {
      const jobs = counting([0.5]);
      const life = counting([0.5]);
      const s = makeState({ params: HAZARDS, agents: [agentOf(Math.min(st, STATUS_COUNT - 1))], streams: { jobs, life } });
      const before = outcome(s);
      decideAgent(s, 0, st, 0.0001);
      expect(outcome(s), `status ${st}`).toBe(before);
      expect(jobs.calls + life.calls).toBe(0);
    }
  });
});
