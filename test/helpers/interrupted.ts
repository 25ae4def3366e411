// A run stopped after its first tasks, as a kill or Ctrl-C leaves it, for tests of --resume.
import { expect } from "vitest";
import type { ExperimentSpec } from "../../src/output/manifest.js";
import { type ExperimentResult, runExperiment } from "../../src/run/experiment.js";

/**
 * Runs `spec` into `out` on one thread and stops once `tasks` tasks are done; fails the test if
 * the run was complete all the same (too few tasks in the spec to interrupt).
 */
export async function interruptedRun(spec: ExperimentSpec, out: string, tasks = 1): Promise<ExperimentResult> {
  let done = 0;
  const r = await runExperiment(spec, { out, threads: 1, overwrite: false, resume: false, command: ["test"], onTaskDone: () => done++, shouldStop: () => done >= tasks });
  expect(r.complete, `a run of ${out} stopped after ${tasks} task(s)`).toBe(false);
  return r;
}
