// `migsim merge <shard folders...> --out DIR`: joins the shards of one run (migsim run --shard K/N)
// into the outputs a single machine would have written, byte for byte.

import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { mergeShards } from "../../run/merge.js";
import { quietOption } from "./run.js";

interface MergeArgs {
  shards: string[];
  out: string;
  overwrite: boolean;
  quiet: boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: "merge <shards..>",
  describe: "Join the shard folders of one run (migsim run --shard K/N) into one run folder, byte-identical to a single-machine run",
  builder: (y: Argv) =>
    y
      .positional("shards", { type: "string", array: true, demandOption: true, describe: "Shard folders (each written by migsim run --shard K/N --out)" })
      .option("out", { type: "string", demandOption: true, describe: "Folder for the merged run" })
      .option("overwrite", { type: "boolean", default: false, describe: "Replace the results of an earlier run in --out" })
      .option("quiet", quietOption) as unknown as Argv<MergeArgs>,
  handler: async (a: ArgumentsCamelCase<MergeArgs>) => {
    const r = await mergeShards(a.shards, { out: a.out, overwrite: a.overwrite, command: process.argv.slice(2) });
    if (!a.quiet) process.stderr.write(`migsim: merged ${r.shards} shards (${r.tasks} tasks) into ${r.dir}\n`);
  },
};
