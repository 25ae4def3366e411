import { describe, expect, it } from "vitest";
import { stepMonth } from "../../src/model/month.js";
import { countLive } from "../../src/model/population.js";
import { type AgentInit, makeState } from "../helpers/state.js";
import { NO_HAZARDS } from "./support.js";

describe("stepMonth", () => {
  it("keeps agents in Japan + exits constant when nobody enters, and reclaims leavers' rows", () => {
    const agents: AgentInit[] = [];
    for (let k = 0; k < 10; k++) agents.push({ monthsInStatus: 3, nationality: k % 7 });
    const s = makeState({ params: { ...NO_HAZARDS, tiEarlyReturnHazardPerMonth: 0.3 }, agents });
    const sumExits = (): number => s.obs.exits.reduce((a, b) => a + b, 0);
    for (let t = 0; t < 12; t++) {
      stepMonth(s, t);
      expect(countLive(s.pop) + sumExits()).toBe(10);
    }
    expect(sumExits()).toBeGreaterThan(0);
    // Some leavers' rows have been reclaimed along the way.
    expect(s.pop.size).toBeLessThan(10);
  });
});
