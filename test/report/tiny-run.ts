// A tiny complete run for the report tests: the baseline and a test scenario that differs from
// the first month (so the comparison with the baseline has something to show), 2 replicates
// each, scale 0.004, 2014-01 to 2019-12. The scenario's description holds characters that HTML
// must escape. It runs on the worker pool, which needs dist/ (`npm test` builds it first).
// makePolicySweepRun: a second, smaller run with a scenario that only adds a policy step and one
// that sweeps a parameter. makeEsdRun: a third, with scenarios that switch ESD on early, or not.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ExperimentSpec } from "../../src/output/manifest.js";
import { runExperiment } from "../../src/run/experiment.js";
import { loadScenario } from "../../src/scenario/load.js";

export const TINY_SCALE = 0.004;
export const TEST_SCENARIO = "risky";
export const TEST_DESCRIPTION = `Test: absconding hazard x2.5 & interns pay <10% of fees ("employer pays" from the start).`;

/** Makes the run in a new temporary folder; returns the run folder. */
export async function makeTinyRun(reference?: string): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), "migsim-report-"));
  const file = join(tmp, "risky.yaml");
  writeFileSync(file, [
    `extends: ${resolve("scenarios/baseline.yaml")}`,
    `name: ${TEST_SCENARIO}`,
    `description: '${TEST_DESCRIPTION}'`,
    "params:",
    "  abscondBaseHazardPerMonth: 0.003",
    "  feeShareBorneByWorker: 0.1",
    "",
  ].join("\n"));
  const out = join(tmp, "run");
  const spec: ExperimentSpec = {
    scenarios: [resolve("scenarios/baseline.yaml"), file].map((f) => loadScenario(f)),
    seed: 7,
    replicates: 2,
    scale: TINY_SCALE,
    until: "2019-12",
    events: false,
    ciTarget: 0.05,
    ...(reference !== undefined && { reference }),
  };
  const r = await runExperiment(spec, { out, threads: 2, overwrite: false, resume: false, command: ["run", "(test/report tiny run)"] });
  if (!r.complete) throw new Error("the tiny run did not complete");
  return out;
}

export const SMALL_SCALE = 0.002;
export const POLICY_ONLY = "fee-halved";
export const SWEPT = "swept";
export const SWEPT_PARAM = "abscondBaseHazardPerMonth";
export const SWEPT_VALUES = [0.001, 0.004] as const;

/**
 * The baseline, a scenario that extends it and only adds one policy step (no parameter), and one
 * that extends it and sweeps SWEPT_PARAM over SWEPT_VALUES: 2 replicates each, scale 0.002,
 * 2014-01 to 2015-12, so some counts are near zero. Returns the run folder.
 */
export async function makePolicySweepRun(): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), "migsim-report-sweep-"));
  const baseline = resolve("scenarios/baseline.yaml");
  const policyOnly = join(tmp, `${POLICY_ONLY}.yaml`);
  writeFileSync(policyOnly, [
    `extends: ${baseline}`,
    "description: Test - interns pay half the recruitment fee from 2015.",
    "policy:",
    "  - from: 2015-01",
    "    set: { feeShareBorneByWorker: 0.5 }",
    "    note: test step of its own",
    "",
  ].join("\n"));
  const swept = join(tmp, `${SWEPT}.yaml`);
  writeFileSync(swept, [
    `extends: ${baseline}`,
    "description: Test - a sweep of the absconding hazard.",
    "sweep:",
    "  grid:",
    `    ${SWEPT_PARAM}: [${SWEPT_VALUES.join(", ")}]`,
    "",
  ].join("\n"));
  const out = join(tmp, "run");
  const spec: ExperimentSpec = {
    scenarios: [baseline, policyOnly, swept].map((f) => loadScenario(f)),
    seed: 11,
    replicates: 2,
    scale: SMALL_SCALE,
    until: "2015-12",
    events: false,
    ciTarget: 0.05,
  };
  const r = await runExperiment(spec, { out, threads: 2, overwrite: false, resume: false, command: ["run", "(test/report policy and sweep run)"] });
  if (!r.complete) throw new Error("the policy and sweep run did not complete");
  return out;
}

export const ESD_SCALE = 0.002;
export const ESD_EARLY = "esd-early";
export const ESD_UNDONE = "esd-undone";
export const ESD_EARLY_MONTH = "2015-01";
export const ESD_SWEPT_VALUES = [0.001, 0.004] as const;

/**
 * For the chart of legal transfers against absconding: the baseline (its ESD step, 2027-04, after
 * the run's last month), ESD_EARLY, which extends it and switches ESD on in 2015-01 by a step of
 * its own, with more 'unavoidable' transfers (so there are some to count at this scale) and a sweep
 * of SWEPT_PARAM over ESD_SWEPT_VALUES, and ESD_UNDONE, which extends ESD_EARLY and sets ESD back
 * off in the same month (as no-reform does to the baseline's step). 2 replicates each, scale
 * 0.002, 2014-01 to 2015-12. Returns the run folder.
 */
export async function makeEsdRun(): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), "migsim-report-esd-"));
  const baseline = resolve("scenarios/baseline.yaml");
  const early = join(tmp, `${ESD_EARLY}.yaml`);
  writeFileSync(early, [
    `extends: ${baseline}`,
    "description: Test - ESD from 2015, more unavoidable transfers, a sweep of the absconding hazard.",
    "params:",
    "  tiUnavoidableTransferHazardPerMonth: 0.01",
    "policy:",
    `  - from: ${ESD_EARLY_MONTH}`,
    "    set: { esdActive: true }",
    "sweep:",
    "  grid:",
    `    ${SWEPT_PARAM}: [${ESD_SWEPT_VALUES.join(", ")}]`,
    "",
  ].join("\n"));
  const undone = join(tmp, `${ESD_UNDONE}.yaml`);
  writeFileSync(undone, [
    `extends: ${early}`,
    "description: Test - ESD-early's step undone in its own month.",
    "policy:",
    `  - from: ${ESD_EARLY_MONTH}`,
    "    set: { esdActive: false }",
    "",
  ].join("\n"));
  const out = join(tmp, "run");
  const spec: ExperimentSpec = {
    scenarios: [baseline, early, undone].map((f) => loadScenario(f)),
    seed: 5,
    replicates: 2,
    scale: ESD_SCALE,
    until: "2015-12",
    events: false,
    ciTarget: 0.05,
  };
  const r = await runExperiment(spec, { out, threads: 2, overwrite: false, resume: false, command: ["run", "(test/report ESD run)"] });
  if (!r.complete) throw new Error("the ESD run did not complete");
  return out;
}
