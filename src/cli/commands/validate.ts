// `migsim validate <files...>`: check scenario files without running them, with the checks a run
// makes (scenario/validate.ts), so a file validate passes is one run accepts.

import type { Argv, CommandModule } from "yargs";
import { UserError } from "../../errors.js";
import { runMetrics, runWindows } from "../../run/experiment.js";
import { loadScenario } from "../../scenario/load.js";
import { policyWarnings } from "../../scenario/policy-effect.js";
import { validateScenarios } from "../../scenario/validate.js";

export const validateCommand: CommandModule<object, { files: string[] }> = {
  command: "validate <files..>",
  describe: "Check scenario files (schema, extends, dates, sweep, scale) as run does, without running them",
  builder: (y: Argv) => y.positional("files", { type: "string", array: true, demandOption: true }) as unknown as Argv<{ files: string[] }>,
  handler: (argv) => {
    const errors: string[] = [];
    for (const f of argv.files) {
      try {
        const scenario = loadScenario(f);
        validateScenarios([scenario]);
        // The windows and metrics it declares, as a run of it alone checks them.
        const spec = { scenarios: [scenario], until: null };
        runMetrics(spec, runWindows(spec));
        process.stdout.write(`ok  ${f}\n`);
        // Legal, but worth knowing before a run: policy steps that cannot take effect.
        for (const line of policyWarnings([scenario])) process.stderr.write(`migsim: warning: ${f}: ${line}\n`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        errors.push(e.message);
      }
    }
    if (errors.length > 0) throw new UserError(errors.join("\n"));
  },
};
