// A baseline run uses every status and every event code of the output contract (issue: the
// outputs must show the whole system, not a subset).
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/engine/simulate.js";
import { taskSeed } from "../../src/engine/rng.js";
import { EVENT_CODES, EventCode, NATIONALITY_COUNT, REENTRY_TRANSITIONS, STATUS_CODES, STATUS_COUNT, type Status } from "../../src/model/codes.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";
import { FROM_SLOTS, STOCK_CELLS, flowIndex } from "../../src/model/observers.js";

describe("the baseline at scale 0.01 to 2035-12", () => {
  const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.01 });
  const r = simulate(inputs, taskSeed(1, 1), { collectEvents: false });

  it("has every status code in use", () => {
    const seen = new Set<string>();
    for (let t = 0; t < r.months; t++) {
      for (let st = 0; st < STATUS_COUNT; st++) {
        for (let nat = 0; nat < NATIONALITY_COUNT; nat++) if (r.stocks[t * STOCK_CELLS + st * NATIONALITY_COUNT + nat]! > 0) seen.add(STATUS_CODES[st]!);
      }
    }
    expect([...seen].sort()).toEqual([...STATUS_CODES].sort());
  });

  it("has every event code in use", () => {
    const perEvent = FROM_SLOTS * STATUS_COUNT * NATIONALITY_COUNT;
    const seen = new Set<string>();
    for (let k = 0; k < r.flows.length; k += 3) seen.add(EVENT_CODES[Math.floor(r.flows[k + 1]! / perEvent)]!);
    expect([...seen].sort()).toEqual([...EVENT_CODES].sort());
  });

  it("has every re-entry (an entry from an exit status, REENTRY_TRANSITIONS) in use", () => {
    const cells = new Set<number>();
    for (let k = 0; k < r.flows.length; k += 3) cells.add(r.flows[k + 1]!);
    for (const [from, tos] of Object.entries(REENTRY_TRANSITIONS)) {
      for (const to of tos as Status[]) {
        let used = false;
        for (let nat = 0; nat < NATIONALITY_COUNT; nat++) used ||= cells.has(flowIndex(EventCode.entry, Number(from), to, nat));
        expect(used, `entry ${STATUS_CODES[Number(from)]} -> ${STATUS_CODES[to]}`).toBe(true);
      }
    }
  });
});
