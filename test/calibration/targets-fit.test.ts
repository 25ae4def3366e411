// The fit of the calibrated baseline, checked on every test run: the replicate mean at scale 0.1
// (5 replicates, seeds of `migsim run --seed 1`, as `migsim fit`) against every weighted target of
// data/observed/targets.csv from the model's start (2014) to the end of the calibration window
// (2023-12). Targets before the start (missing interns 2011-2013) are outside the run; weight-0
// targets (SSW1 by nationality, removal procedures) are reported in the fit, not fitted, and not checked here.
//
// Since the joint calibration of issue 16 (docs/calibration.md, 'The joint calibration'), the
// baseline meets 81 of the 99 targets, not all of them: the targets it misses are listed in
// MISSED, each checked to be outside its tolerance (it.fails), so that the list stays true: a
// change that brings one inside must take it off the list, and a change that loses another
// target fails here. The list is the model's open problem, not an accepted state (issue 16).
// Scaled errors use each target's tolerance: relative, or in points for the nationality shares
// (scaledError). Sampling noise of the mean is small against the tolerances except for the first
// SSW1 count (219 holders in 2019-09 = about 22 simulated agents per replicate); the seeds are
// fixed, so the check is repeatable, but a change of the model's streams can move that count by
// its noise alone.
import { describe, expect, it } from "vitest";
import { fitRows } from "../../src/calibrate/fit.js";
import { loadTargets, observeTargets, scaledError } from "../../src/calibrate/targets.js";
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

/** Targets the calibrated baseline misses (npx migsim fit scenarios/baseline.yaml, 2026-12-07, after the fourth refinement of 18 terms, with underpaying employers following labour inspections, docs/calibration.md; then ISA's SIE entries from abroad, which brought the SIE stocks of 2023 inside, the TI entry mix by year, and the SIE entry mix by year. Four targets sit at the edge of their tolerance and moved in or out with the streams at seed 1: the missing of 2019 (+25.6% to +24.7% against 25%), the refugee applications of 2021 (-22% to -28%; -46% at seed 3), Myanmar's share of 2023 (-4.4 to -5.1 points) and China's of 2017 (+4.1 to +5.1); Cambodia's of 2017 is just outside (-5.1). Then the TI-2 continuation by nationality (e-Stat's stocks by stage), which brought the Chinese stock of 2016-12 (+16% to +4%) and China's share of 2017 (+1.0 points) inside, and the Vietnamese overstayers of 2019-06; the missing of 2019 (+31%) and the Vietnamese and Chinese shares of 2015 (+5.8, -7.3 points) went out; the fifth refinement of the 18 terms from there brought both shares back (+3.8, -4.8); China's of 2014 sits just outside (-5.0 points)). */
const MISSED = new Set([
  "ti_missing ALL 2016", "ti_missing ALL 2017", "ti_missing ALL 2019",
  "ti_missing_share CN 2014", "ti_missing_share MM 2015", "ti_missing_share KH 2017",
  "ti_missing_share VN 2019", "ti_missing_share MM 2022", "ti_missing_share MM 2023",
  "sie_retention_5y ALL 2014-01/2016-12", "irregular_stock ALL 2014-12", "irregular_stock ALL 2015-12",
  "irregular_stock VN 2020-06", "irregular_stock VN 2020-12", "irregular_stock ALL 2023-06",
  "ti_asylum_applications ALL 2015", "ti_asylum_applications ALL 2017", "ti_asylum_applications ALL 2018",
]);

describe("baseline (scale 0.1, 5 replicates) against every fitted target through 2023", () => {
  const fitted = rows.filter((r) => r.target.weight > 0 && r.within !== "not simulated");
  const describeRow = (r: (typeof rows)[number]): string =>
    `simulated ${r.mean.toPrecision(5)} vs observed ${r.target.observed} (scaled error ${scaledError(r.target, r.mean).toFixed(2)}, tolerance ${r.target.tolerance})`;

  it("covers every weighted target from the model's start (2014) to 2023", () => {
    expect(fitted.length).toBe(targets.filter((t) => t.weight > 0 && t.firstMonthAbs >= inputs.startMonthAbs).length);
    expect(fitted.length).toBe(99);
    for (const id of MISSED) expect(fitted.map((r) => r.target.id), id).toContain(id);
  });
  const met = fitted.filter((r) => !MISSED.has(r.target.id));
  const missed = fitted.filter((r) => MISSED.has(r.target.id));
  it.each(met.map((r) => [r.target.id, r] as const))("%s within its tolerance", (_, r) => {
    expect(Math.abs(scaledError(r.target, r.mean)), describeRow(r)).toBeLessThanOrEqual(1);
  });
  it.fails.each(missed.map((r) => [r.target.id, r] as const))("%s (missed: issue 16) within its tolerance", (_, r) => {
    expect(Math.abs(scaledError(r.target, r.mean)), describeRow(r)).toBeLessThanOrEqual(1);
  });
});
