// `migsim reproduce <run folder or its manifest.json>`: re-run a recorded run exactly, to identical bytes.

import { statSync } from "node:fs";
import { join } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { dataFileHashes, readManifest } from "../../output/manifest.js";
import { validateExperimentSpec } from "../../scenario/validate.js";
import { VERSION } from "../../version.js";
import { defaultOutDir, executeExperiment, quietOption, threadsOption } from "./run.js";

interface ReproduceArgs {
  run: string;
  out?: string;
  threads: number;
  quiet: boolean;
}

export const reproduceCommand: CommandModule<object, ReproduceArgs> = {
  command: "reproduce <run>",
  describe: "Re-run the run a folder's manifest.json records (same scenarios, seed, replicates, scale) to identical bytes",
  builder: (y: Argv) =>
    y
      .positional("run", { type: "string", demandOption: true, describe: "An earlier run's folder, or its manifest.json" })
      .option("out", { type: "string", describe: "Output folder (default: a new folder under output/)" })
      .option("threads", threadsOption)
      .option("quiet", quietOption) as unknown as Argv<ReproduceArgs>,
  handler: async (argv) => {
    // The run folder (what `run` prints and `report` takes) or its manifest.json.
    const path = statSync(argv.run, { throwIfNoEntry: false })?.isDirectory() ? join(argv.run, "manifest.json") : argv.run;
    const m = readManifest(path);
    validateExperimentSpec(m.spec, `Manifest ${path}`);
    if (m.migsim !== VERSION) {
      process.stderr.write(`migsim: warning: the run was made by migsim ${m.migsim}; this is ${VERSION}, so the bytes may differ.\n`);
    }
    const now = dataFileHashes();
    const changed = m.dataFiles.filter((f) => now.find((g) => g.file === f.file)?.sha256 !== f.sha256).map((f) => f.file);
    if (changed.length > 0) {
      throw new UserError(`Cannot reproduce ${path}: input tables changed since the run (${changed.join(", ")}).`);
    }
    const out = argv.out ?? defaultOutDir(m.spec.scenarios.map((s) => `${s.name}`).concat("reproduced"));
    // A shard's manifest reproduces that shard.
    await executeExperiment(m.spec, { out, threads: argv.threads, quiet: argv.quiet, overwrite: false, resume: false, shard: m.shard ?? null });
  },
};
