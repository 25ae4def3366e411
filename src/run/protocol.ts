// Messages between the main thread and the simulation workers.

import type { RunResult } from "../engine/simulate.js";
import type { ModelInputs } from "../model/inputs.js";
import type { Task } from "./tasks.js";

export type ToWorker =
  | { type: "task"; task: Task; inputs: ModelInputs; collectEvents: boolean }
  | { type: "exit" };

export type FromWorker =
  | { type: "progress"; taskIndex: number; months: number; agentMonths: number }
  | { type: "result"; taskIndex: number; result: RunResult }
  | { type: "error"; taskIndex: number; message: string };
