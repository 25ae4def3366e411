// The options shared by the scripts that re-run the fit's replicates to check a pattern not fitted
// (ti-stages.mjs, abscond-tenure.mjs; docs/validation.md): a scenario (default the baseline),
// --scale, --replicates and --seed as `migsim fit` and `migsim run --seed` take them, plus each
// script's own. Bad input ends the script with one line on stderr, prefixed with its name, and
// exit code 2.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const BASELINE = join(dirname(fileURLToPath(import.meta.url)), "../scenarios/baseline.yaml");

/**
 * Parses the script's arguments. `extra` holds its own options (parseArgs's form) and
 * `extraUsage` their part of the usage line. Returns the parsed values, the scenario file,
 * scale, replicates and seed as numbers, and `fail(message)`, which ends the script.
 */
export function parseFitRunArgs(name, extra = {}, extraUsage = "") {
  // A reader that goes away (`| head`) ends the output, not the script with a stack trace.
  process.stdout.on("error", (e) => process.exit(e.code === "EPIPE" ? 0 : 1));
  const fail = (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
  const usage = `usage: node scripts/${name}.mjs [scenario.yaml] [--scale 0.1] [--replicates 5] [--seed 1]${extraUsage ? ` ${extraUsage}` : ""}`;
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { scale: { type: "string", default: "0.1" }, replicates: { type: "string", default: "5" }, seed: { type: "string", default: "1" }, ...extra },
    });
  } catch (e) {
    fail(`${e.message} (${usage})`);
  }
  const { values, positionals } = args;
  const scale = Number(values.scale);
  const replicates = Number(values.replicates);
  if (!(scale > 0 && scale <= 1)) fail(`--scale ${values.scale}: expected a share in (0, 1], e.g. 0.1.`);
  if (!Number.isInteger(replicates) || replicates < 1) fail(`--replicates ${values.replicates}: expected a whole number of 1 or more.`);
  if (!/^\d+$/.test(values.seed)) fail(`--seed ${values.seed}: expected a whole number, as migsim run --seed.`);
  return { values, scenarioFile: positionals[0] ?? BASELINE, scale, replicates, seed: Number(values.seed), fail };
}
