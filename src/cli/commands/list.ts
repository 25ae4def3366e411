// `migsim list [dir]`: the scenarios in a folder with their one-line descriptions.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { loadScenario } from "../../scenario/load.js";

export const listCommand: CommandModule<object, { dir: string }> = {
  command: "list [dir]",
  describe: "List scenario files with their descriptions",
  builder: (y: Argv) => y.positional("dir", { type: "string", default: "scenarios" }) as unknown as Argv<{ dir: string }>,
  handler: (argv) => {
    let files: string[];
    try {
      files = readdirSync(argv.dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith(".schema.json")).sort();
    } catch {
      throw new UserError(`Scenario folder ${argv.dir} does not exist or cannot be read.`);
    }
    const rows = files.map((f) => {
      const s = loadScenario(join(argv.dir, f));
      const first = s.description.split(/(?<=\.)\s/)[0] ?? "";
      return [join(argv.dir, f), first] as const;
    });
    const w = Math.max(0, ...rows.map((r) => r[0].length));
    for (const [f, d] of rows) process.stdout.write(`${f.padEnd(w)}  ${d}\n`);
  },
};
