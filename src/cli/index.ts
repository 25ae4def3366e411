// The migsim command line (yargs). Errors a user can fix are printed as one paragraph with
// exit code 2, or 3 when the disk or the permissions are at fault (errors.ts); nothing else is
// printed for them (no stack trace).

import yargs from "yargs";
import { UserError, ioError } from "../errors.js";
import { recordTyped } from "./given.js";
import { TaskError } from "../run/pool.js";
import { nearestKey } from "../scenario/load.js";
import { quote } from "../scenario/quote.js";
import { VERSION } from "../version.js";
import { calibrateCommand, candidatesCommand, fitCommand, refineCommand } from "./commands/calibrate.js";
import { diffCommand } from "./commands/diff.js";
import { listCommand } from "./commands/list.js";
import { mergeCommand } from "./commands/merge.js";
import { paramsCommand } from "./commands/params.js";
import { reportCommand } from "./commands/report.js";
import { reproduceCommand } from "./commands/reproduce.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { sensitivityCommand } from "./commands/sensitivity.js";
import { slurmCommand } from "./commands/slurm.js";
import { validateCommand } from "./commands/validate.js";

/** Looks like a value, not a flag: anything not starting with "-", or a negative number ("--seed -1"). */
const isValue = (token: string): boolean => !token.startsWith("-") || /^-\d/.test(token);

/** The flags of a command by type, as yargs' getOptions() has them. */
export interface FlagTypes {
  boolean: readonly string[];
  number: readonly string[];
  string: readonly string[];
}

/**
 * What yargs would let through silently, in words (null when none): a flag that takes a value given
 * none (`--threads` last, or followed by another flag) gets its default, or "" for a text flag
 * (`--out` alone would write into the current folder), and a switch given a value other than true or
 * false (`--events=maybe`) is read as false. `raw`: the arguments as typed; `options`: the
 * command's flags by type (yargs' getOptions()).
 */
export function flagValueProblem(raw: readonly string[], options: FlagTypes, optionalValue: readonly string[] = OPTIONAL_VALUE_FLAGS): string | null {
  const end = raw.indexOf("--");
  const tokens = end < 0 ? raw : raw.slice(0, end);
  for (const [k, token] of tokens.entries()) {
    const m = /^--(no-)?([^=]+)(?:=(.*))?$/s.exec(token);
    if (!m) continue;
    const [, negated, name, value] = m as unknown as [string, string | undefined, string, string | undefined];
    const next = k + 1 < tokens.length && isValue(tokens[k + 1]!) ? tokens[k + 1]! : undefined;
    if (options.boolean.includes(name)) {
      if (value !== undefined && value !== "true" && value !== "false") return `--${negated ?? ""}${name} is a switch: give it alone (or --no-${name}), or as --${name}=true or --${name}=false; got ${quote(value)}`;
    } else if (!negated && value === undefined && (options.number.includes(name) || options.string.includes(name)) && next === undefined && !optionalValue.includes(name)) {
      return `--${name} needs a value (e.g. --${name} VALUE), but none follows it`;
    } else if (!negated && options.number.includes(name)) {
      // yargs would pass NaN on, and the command's own check would say "got NaN".
      const given = value ?? next;
      if (given !== undefined && (given.trim() === "" || Number.isNaN(Number(given)))) return `--${name} expects a number, got ${quote(given)}`;
    }
  }
  return null;
}

/** Text flags whose value may be left out (the command then uses its default): `report --export-svg` alone writes into DIR/svg. */
export const OPTIONAL_VALUE_FLAGS: readonly string[] = ["export-svg"];

/**
 * "Unknown argument: sead" with the near miss among the command's flags, as scenario keys get one
 * (scenario/load.ts nearestKey): " (did you mean --seed?)"; "" when none is near. `known`: the
 * command's flags.
 */
export function unknownFlagHint(msg: string, known: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/s.exec(msg);
  if (!m) return "";
  const near = m[1]!.split(", ").map((name) => nearestKey(name, known)).filter((k): k is string => k !== undefined);
  return near.length === 0 ? "" : ` (did you mean ${[...new Set(near)].map((k) => `--${k}`).join(", ")}?)`;
}

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
    .command(refineCommand)
    .command(sensitivityCommand)
    .command(candidatesCommand)
    // The arguments as typed, for checks that must tell a typed flag from a default (cli/given.ts).
    .middleware((parsed) => recordTyped(parsed, argv))
    .check((_, options) => {
      // @types/yargs types these as aliases; yargs passes getOptions(), which has the flags by type.
      const problem = flagValueProblem(argv, options as unknown as FlagTypes);
      if (problem) throw new UserError(`${problem}.`);
      return true;
    }, true)
    .demandCommand(1, "Name a command: run, slurm, merge, reproduce, report, fit, calibrate, refine, sensitivity, params, validate, list, diff or schema.")
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err, usage) => {
      if (err) throw err;
      // The flags of the command being parsed (yargs' usage object knows them by their descriptions).
      const known = Object.keys((usage as unknown as { getDescriptions?: () => Record<string, unknown> }).getDescriptions?.() ?? {}).filter((k) => k !== "help" && k !== "version");
      throw new UserError(`${msg}${unknownFlagHint(msg, known)} (see migsim --help)`);
    })
    .exitProcess(false);
}

/**
 * For the `migsim` process (bin/migsim.js), not for main() in-process: when the reader of stdout
 * goes away (`migsim schema | head`), the rest of the output is dropped instead of a Node stack
 * trace, and the command ends with its own exit code (0 when it succeeds; `validate` of a bad file
 * piped into `head` still exits 2, so a pipeline under `set -o pipefail` still fails). A closed
 * stderr (`2>&1 | head`) drops the messages and the command goes on.
 */
export function exitQuietlyOnClosedPipes(): void {
  const closed = (e: NodeJS.ErrnoException): boolean => e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED";
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (!closed(e)) throw e;
    // Nothing more can be read: later writes go nowhere, and the command finishes as it would.
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
  process.stderr.on("error", (e: NodeJS.ErrnoException) => {
    if (!closed(e)) throw e;
  });
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
    // A disk or permission fault that no writer named (each should): still the user's to fix, exit code 3.
    const io = ioError(e, (e as NodeJS.ErrnoException).path ?? "a file");
    if (io instanceof UserError) {
      process.stderr.write(`migsim: ${io.message}\n`);
      return io.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`migsim: internal error: ${err.message}\n${process.env.MIGSIM_DEBUG ? `${err.stack}\n` : "(set MIGSIM_DEBUG=1 for the stack trace)\n"}`);
    return 1;
  }
}
