// The list of tasks of a run: every (scenario, replicate), in the order their rows are written.

import { taskSeed } from "../engine/rng.js";

export interface Task {
  /** Position in the run; rows are written in this order whatever the thread count. */
  index: number;
  scenarioIndex: number;
  scenario: string;
  replicate: number;
  /** Seed of all this task's streams, from (root seed, replicate): see engine/rng.ts. */
  seed: number;
}

export function buildTasks(scenarioNames: readonly string[], replicates: number, rootSeed: number): Task[] {
  const tasks: Task[] = [];
  scenarioNames.forEach((scenario, scenarioIndex) => {
    for (let replicate = 1; replicate <= replicates; replicate++) {
      tasks.push({ index: tasks.length, scenarioIndex, scenario, replicate, seed: taskSeed(rootSeed, replicate) });
    }
  });
  return tasks;
}
