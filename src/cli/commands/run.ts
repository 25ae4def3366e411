// `migsim run <scenario files...>`: simulate scenarios x replicates into an output folder.

import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { parseMonth } from "../../model/inputs.js";
import { runExperiment } from "../../run/experiment.js";
import { loadScenario } from "../../scenario/load.js";
import { createProgress } from "../progress.js";

export interface RunArgs {
  scenarios: string[];
  seed: number;
  replicates: number;
  threads: number;
  scale?: number;
  until?: string;
  out?: string;
  events: boolean;
  quiet: boolean;
  overwrite: boolean;
}

function positiveInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UserError(`--${name} expects a whole number from 1 to ${max}, got ${v}.`);
}

/** The default output folder: output/<UTC timestamp>-<scenario names>. */
export function defaultOutDir(names: string[], now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const label = names.length <= 3 ? names.join("+") : `${names.slice(0, 3).join("+")}+${names.length - 3}more`;
  return join("output", `${stamp}-${label}`);
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: "run <scenarios..>",
  describe: "Run scenario files (replicates x scenarios) and write outcome CSVs",
  builder: (y: Argv) =>
    y
      .positional("scenarios", { type: "string", array: true, demandOption: true, describe: "Scenario files (YAML or JSON)" })
      .option("seed", { type: "number", default: 1, describe: "Root seed; the same seed gives the same bytes" })
      .option("replicates", { type: "number", default: 1, describe: "Replicates per scenario" })
      .option("threads", { type: "number", default: availableParallelism(), defaultDescription: "available cores", describe: "Worker threads" })
      .option("scale", { type: "number", describe: "Share of the real population simulated, in (0, 1] (overrides the scenario)" })
      .option("until", { type: "string", describe: "Last simulated month, YYYY-MM (overrides the scenario)" })
      .option("out", { type: "string", describe: "Output folder (default: a new folder under output/)" })
      .option("events", { type: "boolean", default: false, describe: "Also write events.csv, one row per event of each agent" })
      .option("quiet", { type: "boolean", default: false, describe: "No progress output" })
      .option("overwrite", { type: "boolean", default: false, describe: "Replace the results of an earlier run in --out" }) as unknown as Argv<RunArgs>,
  handler: async (argv: ArgumentsCamelCase<RunArgs>) => {
    if (!Number.isInteger(argv.seed) || argv.seed < 0 || argv.seed > 2 ** 32 - 1) {
      throw new UserError(`--seed expects a whole number from 0 to 4294967295, got ${argv.seed}.`);
    }
    positiveInt("replicates", argv.replicates, 100000);
    positiveInt("threads", argv.threads, 256);
    if (argv.scale !== undefined && !(argv.scale > 0 && argv.scale <= 1)) {
      throw new UserError(`--scale expects a share of the real population in (0, 1], e.g. 0.1 for 10%, got ${argv.scale}.`);
    }
    if (argv.until !== undefined) {
      try {
        parseMonth(argv.until);
      } catch {
        throw new UserError(`--until expects a month as YYYY-MM, e.g. 2030-12, got "${argv.until}".`);
      }
    }
    const scenarios = argv.scenarios.map((f) => loadScenario(f));
    const out = argv.out ?? defaultOutDir(scenarios.map((s) => s.name));
    const mode = argv.quiet ? "quiet" : process.stderr.isTTY ? "bar" : "lines";
    const progress = createProgress(mode);
    let interrupted = false;
    const onSigint = (): void => {
      if (interrupted) process.exit(130);
      interrupted = true;
      process.stderr.write("\nmigsim: interrupted; finishing the tasks in progress (Ctrl-C again to abort at once)\n");
    };
    process.on("SIGINT", onSigint);
    try {
      const r = await runExperiment(scenarios, {
        seed: argv.seed,
        replicates: argv.replicates,
        threads: argv.threads,
        ...(argv.scale !== undefined && { scale: argv.scale }),
        ...(argv.until !== undefined && { until: argv.until }),
        out,
        events: argv.events,
        overwrite: argv.overwrite,
        command: process.argv.slice(2),
        onStart: (tasks, inputs) => progress.start(tasks, inputs),
        onProgress: (k, m, am) => progress.update(k, m, am),
        onTaskDone: (task) => progress.taskDone(task.index),
        shouldStop: () => interrupted,
      });
      progress.stop();
      if (!argv.quiet) {
        process.stderr.write(`migsim: ${r.tasksDone}/${r.tasks} tasks written to ${r.dir}${r.complete ? "" : " (incomplete: see manifest.json)"}\n`);
      }
      if (!r.complete) process.exitCode = 130;
    } finally {
      progress.stop();
      process.off("SIGINT", onSigint);
    }
  },
};
