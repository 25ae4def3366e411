// The engine is a pure function of (inputs, seed): same seed, same results; another seed, other
// results; and collecting per-agent events does not change anything else.

import { beforeAll, describe, expect, it } from "vitest";
import { type RunResult, simulate } from "../../src/engine/simulate.js";
import type { ModelInputs } from "../../src/model/inputs.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";

let inputs: ModelInputs;
let pristine: ModelInputs;
let first: RunResult;

beforeAll(() => {
  inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.005, until: "2029-12" });
  pristine = structuredClone(inputs);
  first = simulate(inputs, 1, { collectEvents: true });
});

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
};

describe("simulate", () => {
  it("gives identical stocks, flows and events for the same seed", () => {
    const again = simulate(inputs, 1, { collectEvents: true });
    expect(first.events.length).toBeGreaterThan(0);
    expect(same(again.stocks, first.stocks)).toBe(true);
    expect(same(again.flows, first.flows)).toBe(true);
    expect(same(again.events, first.events)).toBe(true);
    expect(again.agentsCreated).toBe(first.agentsCreated);
    expect(again.agentMonths).toBe(first.agentMonths);
  });

  it("gives different stocks, flows and events for a different seed", () => {
    const other = simulate(inputs, 2, { collectEvents: true });
    expect(same(other.stocks, first.stocks)).toBe(false);
    expect(same(other.flows, first.flows)).toBe(false);
    expect(same(other.events, first.events)).toBe(false);
  });

  it("gives the same stocks and flows without event collection (collecting events takes no draws)", () => {
    const quiet = simulate(inputs, 1, { collectEvents: false });
    expect(quiet.events.length).toBe(0);
    expect(same(quiet.stocks, first.stocks)).toBe(true);
    expect(same(quiet.flows, first.flows)).toBe(true);
    expect(quiet.agentsCreated).toBe(first.agentsCreated);
    expect(quiet.agentMonths).toBe(first.agentMonths);
  });

  it("shares its draws with a scenario that differs from month 60 on: identical results before, different after", () => {
    const variant = structuredClone(pristine);
    variant.policy.push({ month: 60, set: { promoterShareSme: 0.5, underpayingEmployerShare: 0.05 } });
    const other = simulate(variant, 1, { collectEvents: false });
    const cells = first.stocks.length / inputs.months;
    expect(same(other.stocks.subarray(0, 60 * cells), first.stocks.subarray(0, 60 * cells))).toBe(true);
    expect(same(other.stocks.subarray(60 * cells), first.stocks.subarray(60 * cells))).toBe(false);
    // Flows are (month, cell, count) triples: the same triples up to month 59.
    const before = (f: Float64Array): Float64Array => {
      let n = 0;
      while (n < f.length && f[n]! < 60) n += 3;
      return f.subarray(0, n);
    };
    expect(same(before(other.flows), before(first.flows))).toBe(true);
  });

  it("does not change its inputs (after the runs above)", () => {
    expect(inputs).toEqual(pristine);
  });
});
