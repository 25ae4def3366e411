// The decision screen's bounds (transitions/bounds.ts and each status's bound function, written
// beside the hazards it bounds). For every status, on random agents under parameters taken at the
// corners of their documented ranges: the bound is at least the agent's total hazard (the sum that
// chooseCompeting weighs), or NaN (the agent takes the full decision anyway). A bound below the
// total would let the screen skip a decision that might have moved the agent.

import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { FIRST_EXIT_STATUS, Family, NATIONALITY_COUNT, Nationality, SECTOR_COUNT, Status, isWithoutEmployer } from "../../src/model/codes.js";
import { updateMonthContext } from "../../src/model/context.js";
import { refreshEmployerTraits } from "../../src/model/employers.js";
import { PARAMS, PARAM_NAMES, type Params } from "../../src/model/params.js";
import { STATUS_CODES } from "../../src/model/codes.js";
import { expUpperBound } from "../../src/model/transitions/bounds.js";
import { ESD_BASIC_PASSED, ESD_FROM_OUTSIDE, ESD_TRAINEE, ESD_TRANSFEREE } from "../../src/model/esd.js";
import { hazardBound, hazardsOf, updateDecisionBounds } from "../../src/model/transitions/decide.js";
import { internSecondBound } from "../../src/model/transitions/intern.js";
import { makeEmployers, makeState, setTimeCounts } from "../helpers/state.js";

/** Every status held in Japan (the codes below the first exit): TI to PR, DETAINED, PROVISIONAL, DESIGNATED. */
const IN_JAPAN: number[] = Array.from({ length: FIRST_EXIT_STATUS }, (_, st) => st);
/** Parameter settings per status, and random agents per setting: 10^4 agents per status. */
const SETTINGS = 200;
const AGENTS = 50;

describe("hazardBound", () => {
  it("covers every status in Japan, the new irregular ones included", () => {
    for (const st of [Status.TI, Status.PR, Status.DETAINED, Status.PROVISIONAL, Status.DESIGNATED]) expect(IN_JAPAN).toContain(st);
    expect(IN_JAPAN).not.toContain(Status.RETURNED);
  });

  for (const st of IN_JAPAN) {
    it(`is at least the total hazard of ${STATUS_CODES[st]} agents, on 10^4 random agents at the corners of the parameter ranges`, () => {
      const u = seedrandom.alea(`bounds ${st}`);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)]!;
      // Employer k of every sector: pays in full with overtime, or underpays without (traits re-derived from the params below).
      const employers = makeEmployers([{}, {}, {}]);
      const s = makeState({ employers, agents: Array.from({ length: AGENTS }, () => ({ status: st, tiStage: st === Status.TI ? 1 : 0 })) });
      const h = new Float64Array(8);
      let screened = 0; // agents with a finite bound, so the check is not vacuous
      let tighter = 0; // TI: agents whose second bound is below the first
      for (let k = 0; k < SETTINGS; k++) {
        // Each parameter at one end of its range, or (one time in four) anywhere in it; flags at random.
        const p = s.params as unknown as Record<string, number | boolean>;
        for (const name of PARAM_NAMES) {
          const spec = PARAMS[name];
          if (!("range" in spec)) p[name] = u() < 0.5;
          else {
            const [lo, hi] = spec.range;
            const v = u() < 0.25 ? lo + u() * (hi - lo) : u() < 0.5 ? lo : hi;
            p[name] = "integer" in spec && spec.integer ? Math.round(v) : v;
          }
        }
        // The month's series anywhere from a slack to a tight labour market, a weak to a strong yen.
        s.inputs.series.jobOpeningsRatio[0] = pick([0.5, 1, 1.6, 3]);
        s.inputs.series.yenValueIndex[0] = pick([0.5, 0.8, 1, 1.3]);
        s.inputs.series.wageIndex[0] = pick([0.8, 1, 1.2]);
        for (let e = 0; e < employers.count; e++) {
          employers.underpayDraw[e] = u();
          employers.overtimeDraw[e] = u();
          employers.promoterDraw[e] = u();
        }
        refreshEmployerTraits(employers, s.params as Params);
        updateMonthContext(s, 0);
        updateDecisionBounds(s, s.tables.bounds);
        const pop = s.pop;
        for (let i = 0; i < AGENTS; i++) {
          // Half TITP, half ESD with any of its flags (the basic test passed, a transferee, from outside):
          // with the Japanese level below, every ESD branch of internHazards is reached, own-will transfers too.
          pop.esd[i] = u() < 0.5 ? 0 : ESD_TRAINEE | pick([0, ESD_BASIC_PASSED, ESD_BASIC_PASSED | ESD_TRANSFEREE, ESD_BASIC_PASSED | ESD_TRANSFEREE | ESD_FROM_OUTSIDE]);
          pop.japaneseLevel[i] = pick([0, 1, 2, 5]);
          pop.tiStage[i] = st === Status.TI ? pick([1, 2, 3, 4]) : 0;
          pop.sector[i] = Math.floor(u() * SECTOR_COUNT);
          pop.employer[i] = isWithoutEmployer(st) ? -1 : pick([-1, 3 * pop.sector[i]!, 3 * pop.sector[i]! + 1, 3 * pop.sector[i]! + 2]);
          // Half Myanmar nationals (terms only they have while myanmarDesignatedActivities holds), half any nationality.
          pop.nationality[i] = u() < 0.5 ? Nationality.MM : Math.floor(u() * NATIONALITY_COUNT);
          pop.promisedWageYenPerMonth[i] = pick([50000, 180000, 400000]) * (0.5 + u());
          pop.debtHomeYen[i] = pick([0, 1e5, 1e6, 3e6]) * u();
          pop.savingsYen[i] = pick([0, 1e6, 1e7]) * u();
          pop.family[i] = pick([0, Family.partner, Family.partner | Family.children, Family.partner | Family.partnerInJapan, 0xff & Math.floor(u() * 256)]);
          pop.skill[i] = u();
          pop.jobChanges[i] = pick([0, 1, 3, 10, 255]);
          pop.brokerTie[i] = u() < 0.5 ? 1 : 0;
          pop.networkTies[i] = pick([0, 5, 20, 255]);
          const months = (): number => pick([0, 11, 12, 24, 36, 47, 48, 59, 60, 120, 600]);
          setTimeCounts(s, i, 0, { monthsInJapan: months(), monthsInStatus: months(), monthsWithEmployer: months(), monthsOnWorkStatus: months() });

          const bound = hazardBound(s, s.tables.bounds, i, st);
          if (Number.isNaN(bound)) continue;
          if (Number.isFinite(bound)) screened++; // an infinite bound holds but screens nothing
          let total = 0;
          const n = hazardsOf(s, i, st, h);
          for (let j = 0; j < n; j++) total += h[j]!;
          if (!(bound >= total)) {
            expect.fail(`setting ${k}, agent ${i}: bound ${bound} < total hazard ${total} (${Array.from(h.subarray(0, n)).join(", ")})`);
          }
          if (st === Status.TI) {
            // The interns' second screen: still above the total, and never looser than the first by
            // more than expUpperBound's step (1/32 in the exponent, where the two round differently),
            // or infinite where the exponent leaves the table (above 32: the first bound is then
            // far above 1 too, and both send the intern to the full decision).
            const second = internSecondBound(s, s.tables.bounds, i);
            if (!(second >= total)) expect.fail(`setting ${k}, agent ${i}: second bound ${second} < total hazard ${total}`);
            if (Number.isFinite(second) && !(second <= bound * Math.exp(1 / 32))) expect.fail(`setting ${k}, agent ${i}: second bound ${second} > first ${bound}`);
            if (second < bound * 0.99) tighter++;
          }
        }
      }
      // DESIGNATED is never screened: the special stay ends on a schedule (irregular.ts), so every
      // holder takes the full decision. Every other status screens most agents.
      if (st === Status.DESIGNATED) expect(screened).toBe(0);
      else expect(screened).toBeGreaterThan((SETTINGS * AGENTS) / 4);
      // The second screen gains where the goal shortfall term is positive and the share below 1.
      if (st === Status.TI) expect(tighter).toBeGreaterThan(0);
    });
  }
});

describe("expUpperBound", () => {
  it("is at least exp(y) and within 1/32 in y of it, over the table's range", () => {
    for (let y = -40; y <= 40; y += 0.0137) {
      const b = expUpperBound(y);
      expect(b).toBeGreaterThanOrEqual(Math.exp(y));
      if (y > -32 && y < 32) expect(Math.log(b) - y).toBeLessThanOrEqual(1 / 32 + 1e-5);
    }
    expect(expUpperBound(NaN)).toBe(Infinity);
    expect(expUpperBound(1000)).toBe(Infinity);
  });
});
