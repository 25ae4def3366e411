// `migsim validate <files...>`: check scenario files without running them.

import type { Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { loadScenario } from "../../scenario/load.js";
import { buildInputs } from "../../scenario/resolve.js";

export const validateCommand: CommandModule<object, { files: string[] }> = {
  command: "validate <files..>",
  describe: "Check scenario files (schema, extends, dates) without running them",
  builder: (y: Argv) => y.positional("files", { type: "string", array: true, demandOption: true }) as unknown as Argv<{ files: string[] }>,
  handler: (argv) => {
    const errors: string[] = [];
    for (const f of argv.files) {
      try {
        buildInputs(loadScenario(f));
        process.stdout.write(`ok  ${f}\n`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        errors.push(e.message);
      }
    }
    if (errors.length > 0) throw new UserError(errors.join("\n"));
  },
};
