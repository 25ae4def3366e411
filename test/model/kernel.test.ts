// The monthly kernel (model/kernel.ts): the agent-months of everyone in Japan, composed from the
// mechanisms. The mechanisms themselves are tested in their own files; here, what the kernel adds:
// which rows take which mechanism, how many draws, the screen, the stock count and the pay codes.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { advanceMonth, initSimulation } from "../../src/engine/simulate.js";
import { agentDraw } from "../../src/model/agent-rng.js";
import { Family, Status } from "../../src/model/codes.js";
import { agentMonths as sourceKernel } from "../../src/model/kernel.js";
import { agentMonths } from "../../src/model/kernel.generated.js";
// @ts-expect-error: a plain-JS build script, without type declarations
import { KERNEL_GENERATED, generateKernel } from "../../scripts/gen-kernel.mjs";
import type { Params } from "../../src/model/params.js";
import { AGENT_FIELDS } from "../../src/model/population.js";
import type { SimState } from "../../src/model/state.js";
import { createDecisionBounds } from "../../src/model/transitions/bounds.js";
import { TI_AWAITING_SSW1 } from "../../src/model/transitions/intern.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { type AgentInit, makeState } from "../helpers/state.js";
import { CERTAIN, NO_HAZARDS, loggedEvents } from "./support.js";

/** A partner in Japan and no children: no family draw is ever due. */
const SETTLED = Family.partner | Family.partnerInJapan;

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
  { status: Status.DETAINED, tiStage: 0, employer: -1 },
  { status: Status.PROVISIONAL, tiStage: 0, employer: -1 },
  { status: Status.SUBSIDIARY, tiStage: 0, employer: -1 },
  { status: Status.DESIGNATED, tiStage: 0, employer: -1 },
].map((a) => ({ ...a, family: SETTLED, debtHomeYen: 50000 }));

/** Agent i's generator state after `steps` draws from `rng` as it is now. */
function stepped(rng: Uint32Array, i: number, steps: number): number[] {
  const copy = rng.slice();
  for (let k = 0; k < steps; k++) agentDraw(copy, i);
  return Array.from(copy.subarray(4 * i, 4 * i + 4));
}

describe("kernel.generated.ts", () => {
  it("is what scripts/gen-kernel.mjs makes of kernel.ts and the @inline functions (run `npm run gen:kernel`)", () => {
    expect(readFileSync(KERNEL_GENERATED, "utf8")).toBe(generateKernel());
  });
});

const KERNELS: [string, typeof agentMonths][] = [["kernel.generated.ts", agentMonths], ["kernel.ts", sourceKernel]];

describe.each(KERNELS)("agentMonths (%s)", (_, agentMonths) => {
  it("takes exactly one decision draw per agent in Japan and none for leavers' rows", () => {
    const s = makeState({ params: NO_HAZARDS, agents: mix });
    const expected = mix.map((a, i) => stepped(s.pop.rng, i, a.status! >= Status.RETURNED ? 0 : 1));
    agentMonths(s, s.pop.size);
    mix.forEach((_, i) => expect(Array.from(s.pop.rng.subarray(4 * i, 4 * i + 4)), `row ${i}`).toEqual(expected[i]));
  });

  it("takes the family draw after the decision draw, from the agent's own generator", () => {
    // A single SIE: no decision acts (hazards 0), and a partnership forms at any draw below ~1.
    const s = makeState({ params: { ...NO_HAZARDS, partnerFormationHazardPerMonth: CERTAIN }, agents: [{ status: Status.SIE, tiStage: 0, family: 0 }] });
    const expected = stepped(s.pop.rng, 0, 2);
    agentMonths(s, 1);
    expect(Array.from(s.pop.rng.subarray(0, 4))).toEqual(expected);
    expect(s.pop.family[0]).toBe(Family.partner | Family.partnerInJapan);
  });

  it("does not visit an agent twice in the month it moves", () => {
    // Everybody absconds (TI -> IRREGULAR), and IRREGULAR agents would be detained at once if visited again.
    const s = makeState({
      params: { ...NO_HAZARDS, abscondBaseHazardPerMonth: CERTAIN, apprehensionHazardPerMonth: CERTAIN },
      agents: [{ monthsInStatus: 3, family: SETTLED }, { monthsInStatus: 4, family: SETTLED }],
    });
    agentMonths(s, 2);
    expect([s.pop.status[0], s.pop.status[1]]).toEqual([Status.IRREGULAR, Status.IRREGULAR]);
    expect(loggedEvents(s)).toHaveLength(2);
  });

  it("accrues the rows before firstEntrant only, and leaves leavers' rows alone", () => {
    const s = makeState({ agents: [{ debtHomeYen: 1e6, family: SETTLED }, { debtHomeYen: 1e6, family: SETTLED }, { status: Status.RETURNED, tiStage: 0, employer: -1, family: 0, debtHomeYen: 50 }] });
    const rngBefore = s.pop.rng.slice(8, 12);
    agentMonths(s, 1);
    expect(s.pop.debtHomeYen[0]).toBeLessThan(1e6); // accrued: repaid some debt
    expect(s.pop.debtHomeYen[1]).toBe(1e6); // an entrant of this month: no accrual
    expect(s.pop.debtHomeYen[2]).toBe(50);
    expect(s.pop.family[2]).toBe(0);
    expect(Array.from(s.pop.rng.subarray(8, 12))).toEqual(Array.from(rngBefore));
  });
});

// Months of a real run (the baseline at a small scale, with a variant from month 1) in two states:
// one runs the generated kernel with the decision screen; the other runs the kernel's source
// (kernel.ts, the mechanisms called, not written out) with its screen switched off: every bound
// reads as NaN, so every agent takes the full decision. Neither the generator nor the screen may
// change anything, bit for bit.
function pair(set: Partial<Params>, until = "2025-12"): [SimState, SimState] {
  const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.004, until });
  inputs.policy.push({ month: 1, set });
  const screened = initSimulation(inputs, 7, true);
  const unscreened = initSimulation(inputs, 7, true);
  // Reads give NaN (fresh arrays of NaN for the tables), writes are dropped.
  unscreened.tables.bounds = new Proxy(createDecisionBounds(), {
    get: (target, key) => {
      const v = (target as unknown as Record<string | symbol, unknown>)[key];
      if (v instanceof Float64Array) return new Float64Array(v.length).fill(NaN);
      return typeof v === "number" ? NaN : v;
    },
    set: () => true,
  });
  return [screened, unscreened];
}

/** The first index where two arrays differ (bit for bit), or -1. */
function firstDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let k = 0; k < x.length; k++) if (!Object.is(x[k], y[k])) return k;
  return -1;
}

/** The first agent in Japan whose copy of its employer's pay code is not its employer's code (0 without one), or -1. */
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
  for (const f of AGENT_FIELDS) {
    expect(firstDifference(a.pop[f].subarray(0, a.pop.size), b.pop[f].subarray(0, b.pop.size)), `${f}, month ${t}`).toBe(-1);
  }
  expect(firstDifference(a.obs.flows, b.obs.flows), `flows, month ${t}`).toBe(-1);
  expect(firstDifference(a.obs.exits, b.obs.exits), `exits, month ${t}`).toBe(-1);
  expect(firstDifference(a.obs.stocks, b.obs.stocks), `stocks, month ${t}`).toBe(-1);
  expect(firstDifference(a.obs.log!.data.subarray(0, a.obs.log!.length), b.obs.log!.data.subarray(0, b.obs.log!.length)), `events, month ${t}`).toBe(-1);
}

describe("the generated kernel and the decision screen", () => {
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
    // The periods of JLPT levels and ties change in month 1 (accrual's table of due months).
    ["other language and tie periods", { monthsPerJapaneseLevel: 7, networkTiesPerYear: 5 }],
    ["negative log hazard ratios", { abscondDebtLogHrPerWageMonth: -0.5, returnNetworkLogHrPerTie: 0.05, abscondNoOvertimeLogHr: -1, returnFamilyInJapanLogHr: 1 }],
  ];
  for (const [name, set] of variants) {
    it(`changes no agent, flow, exit, stock or event, and pay codes stay current: ${name}`, () => {
      const [a, b] = pair(set);
      expect(a.pop.size).toBeGreaterThan(500);
      let waitingMonths = 0; // agent-months on TI_AWAITING_SSW1, so the backlog path is known to run
      for (let t = 0; t < a.inputs.months; t++) {
        // advanceMonth applies the policy (the variant from month 1, the baseline's steps after).
        advanceMonth(a, t);
        advanceMonth(b, t, sourceKernel);
        expectSame(a, b, t);
        expect(firstStalePayCode(a), `employerPayCode, month ${t}`).toBe(-1);
        a.obs.flows.fill(0);
        b.obs.flows.fill(0);
        for (let i = 0; i < a.pop.size; i++) if (a.pop.status[i] === Status.TI && a.pop.tiStage[i] === TI_AWAITING_SSW1) waitingMonths++;
      }
      if (name.includes("backlog")) expect(waitingMonths).toBeGreaterThan(0);
      if (name.includes("employers")) expect(a.payCodes.builds).toBeGreaterThan(1); // rebuilt after the traits changed
    });
  }

  it("counts the agents in Japan by status and nationality as it goes", () => {
    const [a] = pair({}, "2016-12");
    for (let t = 0; t < a.inputs.months; t++) advanceMonth(a, t);
    const counted = new Float64Array(a.obs.stocks.length);
    for (let i = 0; i < a.pop.size; i++) if (a.pop.status[i]! < Status.RETURNED) counted[a.pop.status[i]! * 7 + a.pop.nationality[i]!]! += 1;
    expect(a.obs.stocksMonth).toBe(a.inputs.months - 1);
    expect([...a.obs.stocks]).toEqual([...counted]);
  });
});
