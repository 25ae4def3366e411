// The one-pass monthly sweep (sweep.ts, with the decision screen of screen.ts) must give exactly
// what the reference order gives: accrual, entries, decisions and family life one pass each.

import { describe, expect, it } from "vitest";
import { advanceMonth, initSimulation } from "../../src/engine/simulate.js";
import { AGENT_FIELDS } from "../../src/model/population.js";
import { Status } from "../../src/model/codes.js";
import type { Params } from "../../src/model/params.js";
import { TI_AWAITING_SSW1 } from "../../src/model/transitions/intern.js";
import type { SimState } from "../../src/model/state.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";

function pair(set: Partial<Params>, until = "2025-12"): [SimState, SimState] {
  const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.004, until });
  inputs.policy.push({ month: 1, set });
  const swept = initSimulation(inputs, 7, true);
  const reference = initSimulation(inputs, 7, true);
  reference.agentStreamsOwn = false; // the reference order, one pass per mechanism
  return [swept, reference];
}

/** The first index where two arrays differ (bit for bit), or -1. */
function firstDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let k = 0; k < x.length; k++) if (!Object.is(x[k], y[k])) return k;
  return -1;
}

/**
 * The first agent in Japan whose copy of its employer's pay code (which only the sweep reads, and
 * only the sweep's month keeps current) is not its employer's code (0 without one), or -1.
 */
function firstStalePayCode(s: SimState): number {
  const { employer, employerPayCode, status } = s.pop;
  for (let i = 0; i < s.pop.size; i++) {
    if (status[i]! >= Status.RETURNED) continue;
    const e = employer[i]!;
    if (employerPayCode[i] !== (e >= 0 ? s.payCodes.code[e] : 0)) return i;
  }
  return -1;
}

function expectSame(a: SimState, b: SimState, t: number): void {
  expect(a.pop.size, `rows, month ${t}`).toBe(b.pop.size);
  expect(firstStalePayCode(a), `employerPayCode, month ${t}`).toBe(-1);
  for (const f of AGENT_FIELDS) {
    if (f === "employerPayCode") continue; // a copy for the sweep, checked above
    expect(firstDifference(a.pop[f].subarray(0, a.pop.size), b.pop[f].subarray(0, b.pop.size)), `${f}, month ${t}`).toBe(-1);
  }
  expect(firstDifference(a.flows, b.flows), `flows, month ${t}`).toBe(-1);
  expect(firstDifference(a.exits, b.exits), `exits, month ${t}`).toBe(-1);
  expect(firstDifference(a.log!.data.subarray(0, a.log!.length), b.log!.data.subarray(0, b.log!.length)), `events, month ${t}`).toBe(-1);
}

describe("sweepMonth", () => {
  const variants: [string, Partial<Params>][] = [
    ["the baseline", {}],
    ["high hazards everywhere", {
      abscondBaseHazardPerMonth: 0.05, tiEarlyReturnHazardPerMonth: 0.05, sswJobChangeHazardPerMonth: 0.1, sieReturnHazardPerMonth: 0.1,
      ssw2HazardPerMonth: 0.2, prHazardPerMonth: 0.2, partnerFormationHazardPerMonth: 0.1, familyJoinHazardPerMonth: 0.3,
    }],
    ["ESD from the start, SSW1 families, permitted asylum work", { esdActive: true, familyAccompanimentSsw1: true, asylumWorkPermitted: true, sswAvailable: true }],
    // SSW opens 2019-04 (the baseline's policy); interns it sponsors wait a year on TI stage 4.
    ["a backlog of sponsored interns", { sswUptakeInitialShare: 0.3, sswProcessingStartMonths: 12, sswEarlyProcessingProbPerMonth: 0.05 }],
    // Employers' traits change in month 1: the codes are rebuilt and every agent's copy refreshed.
    ["more promoting and underpaying employers", { promoterShareSme: 0.8, promoterShareLarge: 0.9, underpayingEmployerShare: 0.6, overtimeOfferedShare: 0.2 }],
    // The periods of JLPT levels and ties change in month 1 (the sweep's table of due months).
    ["other language and tie periods", { monthsPerJapaneseLevel: 7, networkTiesPerYear: 5 }],
    ["negative log hazard ratios", { abscondDebtLogHrPerWageMonth: -0.5, returnNetworkLogHrPerTie: 0.05, abscondNoOvertimeLogHr: -1, returnFamilyInJapanLogHr: 1 }],
  ];
  for (const [name, set] of variants) {
    it(`gives bit-identical agents, flows, exits and events to the reference order: ${name}`, () => {
      const [a, b] = pair(set);
      expect(a.pop.size).toBeGreaterThan(500);
      let waitingMonths = 0; // agent-months on TI_AWAITING_SSW1, so the backlog path is known to run
      for (let t = 0; t < a.inputs.months; t++) {
        // advanceMonth applies the policy (the variant from month 1, the baseline's steps after).
        advanceMonth(a, t);
        advanceMonth(b, t);
        expectSame(a, b, t);
        a.flows.fill(0);
        b.flows.fill(0);
        for (let i = 0; i < a.pop.size; i++) if (a.pop.status[i] === Status.TI && a.pop.tiStage[i] === TI_AWAITING_SSW1) waitingMonths++;
      }
      if (name.includes("backlog")) expect(waitingMonths).toBeGreaterThan(0);
      if (name.includes("employers")) expect(a.payCodes.builds).toBeGreaterThan(1); // rebuilt after the traits changed
    });
  }

  it("counts the agents in Japan by status and nationality as it goes", () => {
    const [a] = pair({}, "2016-12");
    for (let t = 0; t < a.inputs.months; t++) advanceMonth(a, t);
    const counted = new Float64Array(a.liveStocks.length);
    for (let i = 0; i < a.pop.size; i++) if (a.pop.status[i]! < 7) counted[a.pop.status[i]! * 7 + a.pop.nationality[i]!]! += 1;
    expect(a.liveStocksMonth).toBe(a.inputs.months - 1);
    expect([...a.liveStocks]).toEqual([...counted]);
  });
});
