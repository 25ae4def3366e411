// A tiny complete run for the report tests: the baseline and a test scenario that differs from
// the first month (so the comparison with the baseline has something to show), 2 replicates
// each, scale 0.004, 2014-01 to 2019-12. The scenario's description holds characters that HTML
// must escape. It runs on the worker pool, which needs dist/ (`npm test` builds it first).

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
export async function makeTinyRun(): Promise<string> {
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
  };
  const r = await runExperiment(spec, { out, threads: 2, overwrite: false, resume: false, command: ["run", "(test/report tiny run)"] });
  if (!r.complete) throw new Error("the tiny run did not complete");
  return out;
}
