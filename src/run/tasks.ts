// The list of tasks of a run: every (scenario, sweep point, replicate), in the order their rows
// are written.

import { taskSeed } from "../engine/rng.js";
import type { TaskIdentity } from "../output/csv.js";

/** A task: what its rows say about it (scenario, point, replicate, seed: output/csv.ts) and where it sits in the run. */
export interface Task extends TaskIdentity {
  /** Position in the run; rows are written in this order whatever the thread count. */
  index: number;
  scenarioIndex: number;
  /** Index into the run's inputs (one per scenario and sweep point). */
  inputsIndex: number;
}

/** @param pointsPerScenario number of sweep points of each scenario (1 without a sweep) */
export function buildTasks(scenarioNames: readonly string[], pointsPerScenario: readonly number[], replicates: number, rootSeed: number): Task[] {
  const tasks: Task[] = [];
  let inputsIndex = 0;
  scenarioNames.forEach((scenario, scenarioIndex) => {
    for (let point = 0; point < pointsPerScenario[scenarioIndex]!; point++, inputsIndex++) {
      for (let replicate = 1; replicate <= replicates; replicate++) {
        tasks.push({ index: tasks.length, scenarioIndex, inputsIndex, scenario, point, replicate, seed: taskSeed(rootSeed, replicate) });
      }
    }
  });
  return tasks;
}
