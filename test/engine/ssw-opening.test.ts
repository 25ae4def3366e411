// A run that starts after SSW opened (a policy step before its first month) continues the SSW
// uptake ramp and the processing start from the opening, not from the run's start.
import { describe, expect, it } from "vitest";
import { advanceMonth, initSimulation } from "../../src/engine/simulate.js";
import type { ModelInputs } from "../../src/model/inputs.js";
import { loadScenario } from "../../src/scenario/load.js";
import { buildInputs } from "../../src/scenario/resolve.js";

function inputsOpenedBefore(monthsBefore: number | null): ModelInputs {
  const inputs = buildInputs(loadScenario("scenarios/baseline.yaml"), { scale: 0.001, until: "2014-03" });
  inputs.policy = inputs.policy.filter((p) => p.set.sswAvailable === undefined);
  if (monthsBefore !== null) inputs.policy.unshift({ month: -monthsBefore, set: { sswAvailable: true } });
  return inputs;
}

describe("SSW months before the run's start", () => {
  it("counts the months since an opening before the start", () => {
    const s = initSimulation(inputsOpenedBefore(9), 1, false);
    expect(s.params.sswAvailable).toBe(true);
    expect(s.sswOpenMonths).toBe(9);
    advanceMonth(s, 0);
    expect(s.sswOpenMonths).toBe(10); // the run's first month is SSW's tenth
    const p = s.params;
    const ramp = Math.min(1, 10 / p.sswUptakeRampMonths) ** p.sswUptakeRampShape;
    expect(s.ctx.sswSponsorFactor).toBe(p.sswUptakeInitialShare + (1 - p.sswUptakeInitialShare) * ramp);
    expect(s.ctx.ssw1Processing).toBe(10 > p.sswProcessingStartMonths);
  });

  it("starts at 0 when SSW opens in the first month or later, or never", () => {
    expect(initSimulation(inputsOpenedBefore(0), 1, false).sswOpenMonths).toBe(0);
    expect(initSimulation(inputsOpenedBefore(null), 1, false).sswOpenMonths).toBe(0);
    const later = inputsOpenedBefore(null);
    later.policy.push({ month: 2, set: { sswAvailable: true } });
    expect(initSimulation(later, 1, false).sswOpenMonths).toBe(0);
  });

  it("forgets an opening that a later step before the start undid", () => {
    const inputs = inputsOpenedBefore(9);
    inputs.policy.push({ month: -3, set: { sswAvailable: false } });
    expect(initSimulation(inputs, 1, false).sswOpenMonths).toBe(0);
  });
});
