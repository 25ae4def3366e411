// `migsim schema`: the JSON Schema of scenario files (published as scenarios/scenario.schema.json).

import type { CommandModule } from "yargs";
import { scenarioJsonSchema } from "../../scenario/schema.js";

export const schemaCommand: CommandModule = {
  command: "schema",
  describe: "Print the JSON Schema of scenario files (for editors)",
  handler: () => {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  },
};
