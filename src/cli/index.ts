// The migsim command line (yargs). Errors a user can fix are printed as one paragraph with
// exit code 2; nothing else is printed for them (no stack trace).

import yargs from "yargs";
import { UserError } from "../errors.js";
import { TaskError } from "../run/pool.js";
import { VERSION } from "../version.js";
import { calibrateCommand, candidatesCommand, fitCommand } from "./commands/calibrate.js";
import { diffCommand } from "./commands/diff.js";
import { listCommand } from "./commands/list.js";
import { mergeCommand } from "./commands/merge.js";
import { paramsCommand } from "./commands/params.js";
import { reportCommand } from "./commands/report.js";
import { reproduceCommand } from "./commands/reproduce.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { slurmCommand } from "./commands/slurm.js";
import { validateCommand } from "./commands/validate.js";

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName("migsim")
    .version(VERSION)
    .command(runCommand)
    .command(paramsCommand)
    .command(validateCommand)
    .command(reproduceCommand)
    .command(mergeCommand)
    .command(slurmCommand)
    .command(listCommand)
    .command(diffCommand)
    .command(schemaCommand)
    .command(reportCommand)
    .command(fitCommand)
    .command(calibrateCommand)
    .command(candidatesCommand)
    .demandCommand(1, "Name a command: run, slurm, merge, reproduce, report, fit, calibrate, params, validate, list, diff or schema.")
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(`${msg} (see migsim --help)`);
    })
    .exitProcess(false);
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli(argv).parseAsync();
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`migsim: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof TaskError) {
      process.stderr.write(`migsim: ${e.message}\nCompleted tasks are kept (see manifest.json).${process.env.MIGSIM_DEBUG ? `\n${e.detail}` : ""}\n`);
      return 1;
    }
    const err = e as Error;
    process.stderr.write(`migsim: internal error: ${err.message}\n${process.env.MIGSIM_DEBUG ? `${err.stack}\n` : "(set MIGSIM_DEBUG=1 for the stack trace)\n"}`);
    return 1;
  }
}
