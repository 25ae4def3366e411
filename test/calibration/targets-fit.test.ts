// The calibration promise of issue 5, checked on every test run: the baseline's replicate mean at
// scale 0.1 (5 replicates, seeds of `migsim run --seed 1`) is within each target's tolerance in
// data/observed/targets.csv: +-15% for the stocks, +-25% for the interns missing each year, +-15%
// (relative) for the five-year SIE retention. Targets before the model's start (missing interns
// 2011-2013) are outside the run and reported, not checked; weight-0 targets (SSW1 by
// nationality) are reported in the fit, not fitted, and not checked here.
// Sampling noise of the mean is small against the tolerances except for the first SSW1 count
// (219 holders in 2019-09 = about 22 simulated agents per replicate: the sd of a 5-replicate mean
// is sqrt(22 / 5) / 22 = 10% of the count, more with the launch backlog's early transfers), which
// is why the fit report shows its interval. The seeds are fixed, so the check is repeatable; a
// change of the model's streams can move that count by its noise alone.
// The targets issue 16 added (2022-2023, and each nationality's share of the missing) are not
// checked here yet: the model does not meet them (docs/calibration.md, 'Targets through 2023'),
// and they become part of this promise with the joint calibration that issue asks for.
import { describe, expect, it } from "vitest";
import { fitRows } from "../../src/calibrate/fit.js";
import { loadTargets, observeTargets } from "../../src/calibrate/targets.js";
import { targetInputs } from "../../src/calibrate/calibrate.js";
import { taskSeed } from "../../src/engine/rng.js";
import { simulate } from "../../src/engine/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";

const SCALE = 0.1;
const REPLICATES = 5;
const targets = loadTargets("data/observed/targets.csv");
const inputs = targetInputs(loadScenario("scenarios/baseline.yaml"), targets, SCALE);
const values = Array.from({ length: REPLICATES }, (_, r) => observeTargets(targets, simulate(inputs, taskSeed(1, r + 1), { collectEvents: false }), inputs));
const rows = fitRows(targets, values);
/** The promise of issue 5: every weighted target from 2014 to 2021 but the nationality shares of issue 16. */
const promised = (t: (typeof targets)[number]): boolean => t.weight > 0 && t.lastMonthAbs <= 2021 * 12 + 11 && t.metric !== "ti_missing_share";

describe("baseline (scale 0.1, 5 replicates) against every fitted target", () => {
  const fitted = rows.filter((r) => promised(r.target) && r.within !== "not simulated");
  it("covers every weighted target from the model's start (2014) to 2021", () => {
    expect(fitted.length).toBe(targets.filter((t) => promised(t) && t.firstMonthAbs >= inputs.startMonthAbs).length);
    expect(fitted.length).toBeGreaterThanOrEqual(34);
  });
  it.each(fitted.map((r) => [r.target.id, r] as const))("%s within its tolerance", (_, r) => {
    const rel = r.mean / r.target.observed - 1;
    expect(Math.abs(rel), `simulated ${r.mean.toPrecision(5)} vs observed ${r.target.observed} (${(rel * 100).toFixed(1)}%, tolerance ${r.target.tolerance * 100}%)`).toBeLessThanOrEqual(r.target.tolerance);
  });
});
