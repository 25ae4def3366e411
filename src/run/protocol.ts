// Messages between the main thread and the simulation workers.

import type { RunResult } from "../engine/simulate.js";
import type { ModelInputs } from "../model/inputs.js";
import type { TaskCsvSpec } from "../output/csv.js";
import type { Task } from "./tasks.js";

export type ToWorker =
  | { type: "task"; task: Task; inputs: ModelInputs; collectEvents: boolean; csv?: TaskCsvSpec }
  | { type: "exit" };

export type FromWorker =
  | { type: "progress"; taskIndex: number; months: number; agentMonths: number }
  | { type: "result"; taskIndex: number; result: RunResult; csv?: Uint8Array[] }
  | { type: "error"; taskIndex: number; message: string };
